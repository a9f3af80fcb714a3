import { createHash } from 'node:crypto';
import type { Finding, MisconfigurationFinding, SecretFinding, Severity } from '@sekisho/model';
import { scanConfigStrings } from '../analyzers/secrets/index.js';
import type { SecretsOptions } from '../analyzers/secrets/types.js';
import type { CodeSink } from './code-sinks.js';
import { CATALOG_AS_OF, CATALOG_SOURCE, runtimeSupport } from './runtimes.js';
import type { ConfigPlace, FunctionSpec, PolicyStatement } from './spec.js';

const FOUND_BY = 'function-config';

/** Names that say a variable holds a credential; a literal value there is one whatever its shape. */
const CREDENTIAL_NAME = /(^|_)(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|CONN(ECTION)?_?STRING|DSN)($|_)/i;
/** Values that point at a secret store rather than hold the secret. */
const SECRET_REFERENCE =
  /^\s*(\$\{(ssm|secretsmanager|aws:|env:|file\(|self:|cf:|param:)|\{\{resolve:(ssm|secretsmanager)|arn:aws:(secretsmanager|ssm):|@Microsoft\.KeyVault\(|projects\/[^/]+\/secrets\/|\{"(Ref|Fn::))/;

function findingId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

function misconfiguration(spec: FunctionSpec, at: ConfigPlace, rule: string, severity: Severity, title: string, description: string, fix: string, references: string[] = []): MisconfigurationFinding {
  return {
    kind: 'misconfiguration',
    id: findingId('misconfiguration', rule, at.file, at.fieldPath, spec.name),
    ruleId: rule,
    title,
    severity,
    description,
    location: { path: at.file, layerDigest: null, diffId: null, layerIndex: null },
    createdBy: null,
    removedInLayer: null,
    foundBy: FOUND_BY,
    fix,
    references,
    target: { file: at.file, document: null, kind: `${spec.provider}-function`, name: spec.name, namespace: null, container: null },
    fieldPath: at.fieldPath,
    standard: null,
  };
}

function runtimeFindings(spec: FunctionSpec, now: Date): Finding[] {
  if (spec.runtime === null || spec.runtimePlace === null) return [];
  const support = runtimeSupport(spec.provider, spec.runtime, now);
  const at = spec.runtimePlace;
  switch (support.state) {
    case 'deprecated':
      return [
        misconfiguration(
          spec,
          at,
          'function-runtime-deprecated',
          'high',
          `Runtime ${spec.runtime} is deprecated`,
          `${spec.runtime} stopped receiving security patches on ${support.since} (provider's runtime table as of ${CATALOG_AS_OF}); new vulnerabilities in it stay unfixed.`,
          'Move the function to a supported runtime of the same language.',
          [CATALOG_SOURCE],
        ),
      ];
    case 'deprecating':
      return [
        misconfiguration(
          spec,
          at,
          'function-runtime-deprecating',
          'low',
          `Runtime ${spec.runtime} is deprecated in ${support.days} days`,
          `${spec.runtime} stops receiving security patches on ${support.on}.`,
          'Plan the move to a newer runtime now.',
          [CATALOG_SOURCE],
        ),
      ];
    case 'not-catalogued':
      return [
        misconfiguration(
          spec,
          at,
          'function-runtime-unknown',
          'unknown',
          `Runtime ${spec.runtime}: support status not known`,
          `${spec.runtime} is not in Sekisho's dated runtime catalog (${spec.provider === 'aws' ? `AWS Lambda, as of ${CATALOG_AS_OF}` : `no catalog for ${spec.provider} yet`}): whether it still gets security patches was not checked.`,
          "Check the provider's runtime support table.",
        ),
      ];
    case 'supported':
      return [];
  }
}

function environmentFindings(spec: FunctionSpec, secrets: SecretsOptions): Finding[] {
  const findings: Finding[] = [];
  const detected = scanConfigStrings(
    spec.environment.map((v) => ({ where: 'env' as const, key: v.name, value: v.value, path: `${v.place.file}#${v.place.fieldPath}` })),
    secrets,
  );
  const covered = new Set<string>();
  for (const { path, ...rest } of detected) {
    covered.add(path);
    const secret: SecretFinding = {
      ...rest,
      id: findingId(rest.kind, rest.ruleId, path, rest.title),
      location: { path, layerDigest: null, diffId: null, layerIndex: null },
      createdBy: null,
      removedInLayer: null,
    };
    findings.push(secret);
  }
  for (const v of spec.environment) {
    const path = `${v.place.file}#${v.place.fieldPath}`;
    if (covered.has(path) || !CREDENTIAL_NAME.test(v.name) || v.value.trim().length < 4 || SECRET_REFERENCE.test(v.value)) continue;
    findings.push(
      misconfiguration(
        spec,
        v.place,
        'function-env-credential',
        'high',
        `Credential in plain environment variable ${v.name}`,
        `${v.name} holds a literal value (${v.value.length} characters, not shown) in the function's configuration: anyone who can read the configuration (console, API, deployment artefacts, logs of the deploy) reads the credential.`,
        'Keep it in a secret store (AWS Secrets Manager or SSM SecureString, Azure Key Vault reference, Google Secret Manager) and read it at start-up; rotate the exposed value.',
      ),
    );
  }
  return findings;
}

function isWildcardAction(action: string): boolean {
  return action === '*' || action === '*:*';
}

function statementFindings(spec: FunctionSpec, s: PolicyStatement): Finding[] {
  if (s.effect !== 'Allow') return [];
  const anyResource = s.resources.length === 0 || s.resources.includes('*');
  if (s.actions.some(isWildcardAction)) {
    return [
      misconfiguration(
        spec,
        s.place,
        'function-iam-wildcard-action',
        'critical',
        'Execution role allows every action',
        `The role grants "*" on ${anyResource ? 'every resource' : s.resources.join(', ')}: code injection in the function becomes control of the account.`,
        'Grant only the actions and resources the function uses (least privilege).',
      ),
    ];
  }
  const serviceWide = s.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a));
  if (serviceWide.length > 0 && anyResource) {
    return [
      misconfiguration(
        spec,
        s.place,
        'function-iam-service-wildcard',
        'high',
        `Execution role allows ${serviceWide.join(', ')} on every resource`,
        'Every action of the service on every resource of the account is granted.',
        'Name the actions and the resource ARNs the function needs.',
      ),
    ];
  }
  if (anyResource && s.actions.some((a) => /^iam:(PassRole|\*)$/i.test(a) || /^sts:AssumeRole$/i.test(a))) {
    return [
      misconfiguration(
        spec,
        s.place,
        'function-iam-privilege-escalation',
        'high',
        'Execution role can pass or assume any role',
        `${s.actions.join(', ')} on "*" lets the function act as any role of the account.`,
        'Restrict the Resource to the role ARNs it must pass or assume.',
      ),
    ];
  }
  return [];
}

function triggerFindings(spec: FunctionSpec, sinks: readonly CodeSink[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of spec.triggers.filter((t) => t.kind === 'http' && t.anonymous)) {
    const isUrl = /AuthType|\.url$/.test(t.place.fieldPath);
    findings.push(
      isUrl
        ? misconfiguration(
            spec,
            t.place,
            'function-public-url',
            'high',
            'Function URL without authentication',
            'The function has a public URL with no authentication (AuthType NONE): anyone on the internet can invoke it.',
            'Use AuthType AWS_IAM, or put it behind an API with an authorizer.',
          )
        : misconfiguration(
            spec,
            t.place,
            'function-anonymous-http',
            'medium',
            'HTTP trigger without authentication',
            'The HTTP trigger accepts anonymous requests.',
            'Require an authorizer or a function key, unless the endpoint is public by design.',
          ),
    );
  }
  const http = spec.triggers.find((t) => t.kind === 'http');
  if (http === undefined) return findings;
  for (const sink of sinks) {
    const rule = sink.kind === 'shell' ? 'function-http-to-shell' : 'function-http-to-eval';
    const what = sink.kind === 'shell' ? 'a shell command' : 'dynamic code evaluation';
    const at = { file: sink.path, fieldPath: `line ${sink.line}` };
    const finding = misconfiguration(
      spec,
      at,
      rule,
      sink.requestData ? 'high' : 'medium',
      `HTTP-triggered function runs ${what} (${sink.call})`,
      `Request data from the HTTP trigger (${http.place.file}#${http.place.fieldPath}${http.anonymous ? ', anonymous' : ''}) can reach ${sink.call}() at ${sink.path}:${sink.line}${sink.requestData ? ', whose line uses request data directly' : ''}: an injection there runs attacker-chosen ${sink.kind === 'shell' ? 'commands' : 'code'} with the function's role.`,
      sink.kind === 'shell'
        ? 'Call the program without a shell (execFile/spawn with an argument array, subprocess with a list and shell=False) and validate the input against an allow-list.'
        : 'Do not evaluate request data; parse it (JSON.parse, ast.literal_eval) or map it to fixed choices.',
    );
    findings.push({ ...finding, location: { path: sink.path, layerDigest: null, diffId: null, layerIndex: null }, target: { ...finding.target, file: http.place.file } });
  }
  return findings;
}

/**
 * Everything the configuration of a function says is wrong: a deprecated runtime, credentials in
 * its environment, an execution role with wildcards, anonymous entry points, and HTTP triggers
 * whose code reaches a shell or eval sink (both places named).
 */
export function functionFindings(specs: readonly FunctionSpec[], sinks: readonly CodeSink[], now: Date, secrets: SecretsOptions = {}): Finding[] {
  return specs.flatMap((spec) => [
    ...runtimeFindings(spec, now),
    ...environmentFindings(spec, secrets),
    ...spec.statements.flatMap((s) => statementFindings(spec, s)),
    ...triggerFindings(spec, sinks),
  ]);
}
