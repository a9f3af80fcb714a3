import { parse as parseYaml } from 'yaml';
import type { ScalarTag, CollectionTag } from 'yaml';
import { SekishoError } from '../errors.js';
import type { ConfigPlace, EnvironmentVariable, FunctionSpec, FunctionTrigger, PolicyStatement } from './spec.js';

/** Configuration files are small; a larger one is refused rather than parsed half-way. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : v === undefined || v === null ? [] : [v as Json]);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The logical id a `Ref` or `Fn::GetAtt` (`[Id, Attr]` or `Id.Attr`) names. */
function referencedId(value: unknown): string | null {
  const o = obj(value);
  const ref = str(o['Ref']);
  if (ref !== null) return ref;
  const getAtt = o['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return str(getAtt[0]);
  return str(getAtt)?.split('.')[0] ?? null;
}

/** CloudFormation's short-form intrinsics (`!Ref X`, `!Sub …`, `!GetAtt A.B`) read as `{ "Fn::…": value }`, as the long form. */
const CFN_FUNCTIONS = ['Ref', 'Sub', 'GetAtt', 'Join', 'If', 'Select', 'Split', 'FindInMap', 'Base64', 'Equals', 'Not', 'And', 'Or', 'ImportValue', 'GetAZs', 'Condition', 'Cidr', 'Transform'];
const CFN_TAGS: (ScalarTag | CollectionTag)[] = CFN_FUNCTIONS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) } as unknown as CollectionTag,
    { tag: `!${name}`, collection: 'map', resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }) } as unknown as CollectionTag,
  ];
});

function parseDocument(file: string, text: string): JsonObject {
  const trimmed = text.trimStart();
  try {
    const value: unknown = trimmed.startsWith('{') ? JSON.parse(text) : parseYaml(text, { customTags: CFN_TAGS, maxAliasCount: 100, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
    if (!isObject(value)) throw new Error('the document is not a mapping');
    return value;
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `${file}: not a function configuration this tool reads (${error instanceof Error ? error.message.slice(0, 200) : String(error)})`, {
      where: { path: file },
    });
  }
}

const place = (file: string, fieldPath: string): ConfigPlace => ({ file, fieldPath });

function environmentOf(file: string, base: string, variables: unknown): EnvironmentVariable[] {
  return Object.entries(obj(variables)).map(([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : JSON.stringify(value),
    place: place(file, `${base}.${name}`),
  }));
}

function statementsOf(file: string, base: string, document: unknown): PolicyStatement[] {
  return arr(obj(document)['Statement']).flatMap((raw, i): PolicyStatement[] => {
    const s = obj(raw);
    const effect = s['Effect'] === 'Deny' ? 'Deny' : 'Allow';
    const actions = arr(s['Action']).map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
    const resources = arr(s['Resource']).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
    return actions.length === 0 ? [] : [{ effect, actions, resources, place: place(file, `${base}.Statement[${i}]`) }];
  });
}

/** `aws lambda get-function-configuration` (or `get-function`'s `Configuration`), optionally with `get-function-url-config` output merged in. */
function fromLambdaConfiguration(file: string, doc: JsonObject): FunctionSpec {
  const c = isObject(doc['Configuration']) ? doc['Configuration'] : doc;
  const base = isObject(doc['Configuration']) ? 'Configuration' : '';
  const at = (field: string) => (base === '' ? field : `${base}.${field}`);
  const url = obj(doc['FunctionUrlConfig'] ?? (doc['AuthType'] !== undefined ? doc : undefined));
  const triggers: FunctionTrigger[] =
    str(url['AuthType']) === null
      ? []
      : [{ kind: 'http', anonymous: url['AuthType'] === 'NONE', place: place(file, doc['FunctionUrlConfig'] === undefined ? 'AuthType' : 'FunctionUrlConfig.AuthType') }];
  return {
    provider: 'aws',
    name: str(c['FunctionName']) ?? file,
    runtime: str(c['Runtime']),
    runtimePlace: str(c['Runtime']) === null ? null : place(file, at('Runtime')),
    environment: environmentOf(file, at('Environment.Variables'), obj(c['Environment'])['Variables']),
    triggers,
    statements: [],
  };
}

/** An IAM policy document (`aws iam get-role-policy`, `get-policy-version`, or the bare document). */
function fromPolicyDocument(file: string, doc: JsonObject): FunctionSpec {
  const inner = doc['PolicyDocument'] ?? obj(doc['PolicyVersion'])['Document'] ?? doc;
  const base = doc['PolicyDocument'] !== undefined ? 'PolicyDocument' : doc['PolicyVersion'] !== undefined ? 'PolicyVersion.Document' : '';
  return {
    provider: 'aws',
    name: str(doc['RoleName']) ?? str(doc['PolicyName']) ?? file,
    runtime: null,
    runtimePlace: null,
    environment: [],
    triggers: [],
    statements: statementsOf(file, base === '' ? '' : base, inner),
  };
}

function hasAuthorizer(auth: unknown): boolean {
  const a = obj(auth);
  const name = str(a['Authorizer']) ?? str(a['DefaultAuthorizer']);
  return (name !== null && name !== 'NONE') || a['ApiKeyRequired'] === true;
}

/** AWS SAM / CloudFormation: serverless and plain Lambda functions, function URLs, API events, inline policies and roles. */
function fromCloudFormation(file: string, doc: JsonObject): FunctionSpec[] {
  const resources = obj(doc['Resources']);
  const globals = obj(obj(doc['Globals'])['Function']);
  const apiDefaultAuth = hasAuthorizer(obj(obj(doc['Globals'])['Api'])['Auth']) || hasAuthorizer(obj(obj(doc['Globals'])['HttpApi'])['Auth']);
  const roleStatements: PolicyStatement[] = [];
  for (const [id, raw] of Object.entries(resources)) {
    const r = obj(raw);
    const props = obj(r['Properties']);
    if (r['Type'] === 'AWS::IAM::Role') {
      arr(props['Policies']).forEach((p, i) => roleStatements.push(...statementsOf(file, `Resources.${id}.Properties.Policies[${i}].PolicyDocument`, obj(p)['PolicyDocument'])));
    } else if (r['Type'] === 'AWS::IAM::Policy' || r['Type'] === 'AWS::IAM::ManagedPolicy') {
      roleStatements.push(...statementsOf(file, `Resources.${id}.Properties.PolicyDocument`, props['PolicyDocument']));
    }
  }
  const urls = new Map<string, FunctionTrigger>();
  for (const [id, raw] of Object.entries(resources)) {
    const r = obj(raw);
    if (r['Type'] !== 'AWS::Lambda::Url') continue;
    const props = obj(r['Properties']);
    const fn = referencedId(props['TargetFunctionArn']);
    if (fn !== null) urls.set(fn, { kind: 'http', anonymous: props['AuthType'] === 'NONE', place: place(file, `Resources.${id}.Properties.AuthType`) });
  }
  const specs: FunctionSpec[] = [];
  for (const [id, raw] of Object.entries(resources)) {
    const r = obj(raw);
    if (r['Type'] !== 'AWS::Serverless::Function' && r['Type'] !== 'AWS::Lambda::Function') continue;
    const props = obj(r['Properties']);
    const at = (field: string) => `Resources.${id}.Properties.${field}`;
    const runtime = str(props['Runtime']) ?? str(globals['Runtime']);
    const triggers: FunctionTrigger[] = [];
    const url = obj(props['FunctionUrlConfig']);
    if (str(url['AuthType']) !== null) triggers.push({ kind: 'http', anonymous: url['AuthType'] === 'NONE', place: place(file, at('FunctionUrlConfig.AuthType')) });
    const separateUrl = urls.get(id);
    if (separateUrl !== undefined) triggers.push(separateUrl);
    for (const [eventId, rawEvent] of Object.entries(obj(props['Events']))) {
      const event = obj(rawEvent);
      const type = str(event['Type']) ?? '';
      const eventPlace = place(file, at(`Events.${eventId}`));
      if (type === 'Api' || type === 'HttpApi') triggers.push({ kind: 'http', anonymous: !apiDefaultAuth && !hasAuthorizer(obj(event['Properties'])['Auth']), place: eventPlace });
      else if (type === 'SQS' || type === 'SNS' || type === 'Kinesis' || type === 'DynamoDB' || type === 'MQ') triggers.push({ kind: 'queue', anonymous: false, place: eventPlace });
      else if (type === 'Schedule' || type === 'ScheduleV2') triggers.push({ kind: 'schedule', anonymous: false, place: eventPlace });
      else if (type === 'S3') triggers.push({ kind: 'storage', anonymous: false, place: eventPlace });
      else triggers.push({ kind: 'other', anonymous: false, place: eventPlace });
    }
    const statements: PolicyStatement[] = [];
    arr(props['Policies']).forEach((p, i) => {
      if (isObject(p) && p['Statement'] !== undefined) statements.push(...statementsOf(file, at(`Policies[${i}]`), p));
    });
    const roleRef = referencedId(props['Role']);
    if (roleRef !== null) statements.push(...roleStatements.filter((s) => s.place.fieldPath.startsWith(`Resources.${roleRef}.`)));
    specs.push({
      provider: 'aws',
      name: str(props['FunctionName']) ?? id,
      runtime,
      runtimePlace: runtime === null ? null : place(file, str(props['Runtime']) !== null ? at('Runtime') : 'Globals.Function.Runtime'),
      environment: [
        ...environmentOf(file, 'Globals.Function.Environment.Variables', obj(globals['Environment'])['Variables']),
        ...environmentOf(file, at('Environment.Variables'), obj(props['Environment'])['Variables']),
      ],
      triggers,
      statements,
    });
  }
  return specs;
}

/** Serverless Framework `serverless.yml` (AWS provider). */
function fromServerless(file: string, doc: JsonObject): FunctionSpec[] {
  const provider = obj(doc['provider']);
  const providerEnv = environmentOf(file, 'provider.environment', provider['environment']);
  const iam = obj(obj(provider['iam'])['role']);
  const statements = [
    ...arr(iam['statements']).flatMap((s, i) => statementsOf(file, 'provider.iam.role', { Statement: [s] }).map((st) => ({ ...st, place: place(file, `provider.iam.role.statements[${i}]`) }))),
    ...arr(provider['iamRoleStatements']).flatMap((s, i) => statementsOf(file, 'provider', { Statement: [s] }).map((st) => ({ ...st, place: place(file, `provider.iamRoleStatements[${i}]`) }))),
  ];
  return Object.entries(obj(doc['functions'])).map(([name, raw]): FunctionSpec => {
    const f = obj(raw);
    const runtime = str(f['runtime']) ?? str(provider['runtime']);
    const triggers: FunctionTrigger[] = [];
    if (f['url'] === true || isObject(f['url'])) {
      const authorizer = str(obj(f['url'])['authorizer']);
      triggers.push({ kind: 'http', anonymous: authorizer !== 'aws_iam', place: place(file, `functions.${name}.url`) });
    }
    arr(f['events']).forEach((rawEvent, i) => {
      const event = obj(rawEvent);
      const http = event['http'] ?? event['httpApi'];
      if (http !== undefined) {
        const h = obj(http);
        const secured = h['authorizer'] !== undefined || h['private'] === true;
        triggers.push({ kind: 'http', anonymous: !secured, place: place(file, `functions.${name}.events[${i}]`) });
      } else if (event['sqs'] !== undefined || event['sns'] !== undefined || event['stream'] !== undefined)
        triggers.push({ kind: 'queue', anonymous: false, place: place(file, `functions.${name}.events[${i}]`) });
      else if (event['schedule'] !== undefined) triggers.push({ kind: 'schedule', anonymous: false, place: place(file, `functions.${name}.events[${i}]`) });
      else if (event['s3'] !== undefined) triggers.push({ kind: 'storage', anonymous: false, place: place(file, `functions.${name}.events[${i}]`) });
    });
    return {
      provider: 'aws',
      name,
      runtime,
      runtimePlace: runtime === null ? null : place(file, str(f['runtime']) !== null ? `functions.${name}.runtime` : 'provider.runtime'),
      environment: [...providerEnv, ...environmentOf(file, `functions.${name}.environment`, f['environment'])],
      triggers,
      statements,
    };
  });
}

/** Azure Functions `function.json` (bindings) or `local.settings.json` (app settings as environment). */
function fromAzure(file: string, doc: JsonObject): FunctionSpec {
  const name =
    file
      .replace(/\/?function\.json$|\/?local\.settings\.json$/, '')
      .split('/')
      .pop() || file;
  const triggers = arr(doc['bindings']).flatMap((raw, i): FunctionTrigger[] => {
    const b = obj(raw);
    if (b['type'] !== 'httpTrigger') return [];
    return [{ kind: 'http', anonymous: String(b['authLevel'] ?? 'function').toLowerCase() === 'anonymous', place: place(file, `bindings[${i}].authLevel`) }];
  });
  const values = obj(doc['Values']);
  const runtime = str(values['FUNCTIONS_WORKER_RUNTIME']);
  return { provider: 'azure', name, runtime: null, runtimePlace: runtime === null ? null : null, environment: environmentOf(file, 'Values', values), triggers, statements: [] };
}

/** Google Cloud Functions `gcloud functions describe --format json` (1st and 2nd gen). */
function fromGcp(file: string, doc: JsonObject): FunctionSpec {
  const service = obj(doc['serviceConfig']);
  const build = obj(doc['buildConfig']);
  const runtime = str(doc['runtime']) ?? str(build['runtime']);
  const https = doc['httpsTrigger'] !== undefined || obj(doc['eventTrigger'])['eventType'] === undefined;
  return {
    provider: 'gcp',
    name: str(doc['name'])?.split('/').pop() ?? file,
    runtime,
    runtimePlace: runtime === null ? null : place(file, str(doc['runtime']) !== null ? 'runtime' : 'buildConfig.runtime'),
    environment: [...environmentOf(file, 'environmentVariables', doc['environmentVariables']), ...environmentOf(file, 'serviceConfig.environmentVariables', service['environmentVariables'])],
    // Whether allUsers may invoke lives in IAM, not in the description: an HTTP trigger is recorded, not judged anonymous.
    triggers: https ? [{ kind: 'http', anonymous: false, place: place(file, doc['httpsTrigger'] !== undefined ? 'httpsTrigger' : 'serviceConfig') }] : [],
    statements: [],
  };
}

/**
 * Read one function configuration file, telling its format by its content: Lambda's
 * configuration (`Runtime`/`FunctionName`), an IAM policy (`Statement`), a SAM/CloudFormation
 * template (`Resources`), `serverless.yml` (`functions` + `provider`), Azure `function.json`
 * (`bindings`) or `local.settings.json` (`Values`), or a Cloud Functions description. A file in no
 * known format is refused (exit 8), never read as "no configuration".
 */
export function parseFunctionConfig(file: string, text: string): FunctionSpec[] {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new SekishoError('CONFIG_INVALID', `${file}: larger than ${MAX_CONFIG_BYTES} bytes`, { where: { path: file } });
  const doc = parseDocument(file, text);
  if (isObject(doc['Resources'])) return fromCloudFormation(file, doc);
  if (isObject(doc['functions']) && isObject(doc['provider'])) return fromServerless(file, doc);
  if (Array.isArray(doc['bindings']) || isObject(doc['Values'])) return [fromAzure(file, doc)];
  if (doc['FunctionName'] !== undefined || isObject(doc['Configuration']) || doc['FunctionUrlConfig'] !== undefined || (doc['AuthType'] !== undefined && doc['FunctionUrl'] !== undefined)) {
    return [fromLambdaConfiguration(file, doc)];
  }
  if (doc['Statement'] !== undefined || doc['PolicyDocument'] !== undefined || isObject(doc['PolicyVersion'])) return [fromPolicyDocument(file, doc)];
  if (doc['buildConfig'] !== undefined || doc['serviceConfig'] !== undefined || doc['httpsTrigger'] !== undefined || (str(doc['runtime']) !== null && str(doc['entryPoint']) !== null))
    return [fromGcp(file, doc)];
  throw new SekishoError(
    'CONFIG_INVALID',
    `${file}: not a function configuration this tool reads (Lambda configuration, IAM policy, SAM/CloudFormation, serverless.yml, Azure function.json/local.settings.json, Cloud Functions description)`,
    {
      where: { path: file },
    },
  );
}

/**
 * Several files describe one function (its configuration, its URL, its role's policy): when every
 * file describes at most one function, they are merged into one. A template that defines several
 * keeps them apart (by name), and policy-only files then apply to each.
 */
export function mergeFunctionSpecs(perFile: readonly (readonly FunctionSpec[])[]): FunctionSpec[] {
  const isPolicyOnly = (s: FunctionSpec) => s.runtime === null && s.environment.length === 0 && s.triggers.length === 0 && s.statements.length > 0;
  const sharedStatements = perFile
    .flat()
    .filter(isPolicyOnly)
    .flatMap((s) => s.statements);
  const functions = perFile.map((specs) => specs.filter((s) => !isPolicyOnly(s)));
  if (functions.every((specs) => specs.length <= 1)) {
    const all = functions.flat();
    const first = all[0] ?? perFile.flat()[0];
    if (first === undefined) return [];
    return [
      {
        ...first,
        runtime: all.find((s) => s.runtime !== null)?.runtime ?? null,
        runtimePlace: all.find((s) => s.runtime !== null)?.runtimePlace ?? null,
        environment: all.flatMap((s) => s.environment),
        triggers: all.flatMap((s) => s.triggers),
        statements: [...all.flatMap((s) => s.statements), ...sharedStatements],
      },
    ];
  }
  return functions.flat().map((s) => ({ ...s, statements: [...s.statements, ...sharedStatements] }));
}
