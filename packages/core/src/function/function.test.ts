import type { EntryHeader } from '../layers/entry.js';
import { codeSinkAnalyzer, sinksFromFacts } from './sink-analyzer.js';
import { describe, expect, it } from 'vitest';
import { findCodeSinks, isApplicationCode } from './code-sinks.js';
import { functionFindings } from './checks.js';
import { mergeFunctionSpecs, parseFunctionConfig } from './load-config.js';
import { runtimeSupport } from './runtimes.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const rules = (findings: readonly { ruleId: string }[]) => findings.map((f) => f.ruleId).sort();

const LAMBDA_CONFIG = JSON.stringify({
  FunctionName: 'orders',
  Runtime: 'python3.8',
  Handler: 'app.handler',
  Role: 'arn:aws:iam::123456789012:role/orders',
  Environment: {
    Variables: { DB_PASSWORD: 'Sup3rS3cret!', DB_HOST: 'db.internal', STRIPE_KEY: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', TOKEN_REF: '{{resolve:secretsmanager:orders:SecretString:token}}' },
  },
});
const URL_CONFIG = JSON.stringify({ FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', AuthType: 'NONE' });
const ROLE_POLICY = JSON.stringify({
  RoleName: 'orders',
  PolicyName: 'inline',
  PolicyDocument: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' },
    ],
  },
});

describe('function configuration', () => {
  it('merges the Lambda configuration, its URL configuration and its role policy into one function', () => {
    const specs = mergeFunctionSpecs([parseFunctionConfig('fn.json', LAMBDA_CONFIG), parseFunctionConfig('url.json', URL_CONFIG), parseFunctionConfig('role.json', ROLE_POLICY)]);
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({ provider: 'aws', name: 'orders', runtime: 'python3.8' });
    const findings = functionFindings(specs, [], NOW);
    // known formats by the secret rules (Stripe, a password assignment); a credential-named variable they miss by its name
    expect(rules(findings)).toEqual(['function-iam-service-wildcard', 'function-public-url', 'function-runtime-deprecated', 'generic-password-assignment', 'stripe-secret-key']);
    // the value is never in the output; a reference to a secret store is not a credential
    expect(JSON.stringify(findings)).not.toContain('Sup3rS3cret');
    expect(JSON.stringify(findings)).not.toContain('4eC39HqLyjWDarjtT1zdp7dc');
    expect(findings.find((f) => f.ruleId === 'generic-password-assignment')?.location?.path).toBe('fn.json#Environment.Variables.DB_PASSWORD');
    const named = functionFindings(
      mergeFunctionSpecs([parseFunctionConfig('fn.json', JSON.stringify({ FunctionName: 'f', Runtime: 'python3.12', Environment: { Variables: { LEGACY_AUTH: 'k9-pz' } } }))]),
      [],
      NOW,
    );
    expect(named.map((f) => [f.ruleId, f.title])).toEqual([['function-env-credential', 'Credential in plain environment variable LEGACY_AUTH']]);
    expect(JSON.stringify(named)).not.toContain('k9-pz');
  });

  it('reads SAM templates with short-form intrinsics: runtime from Globals, URL and API events, inline policies, roles by reference', () => {
    const template = [
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function: { Runtime: nodejs18.x }',
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Role: !GetAtt ApiRole.Arn',
      '      Environment: { Variables: { TABLE: !Ref Table, ADMIN_PASSWORD: !Sub "${Pw}" } }',
      '      Events:',
      '        Get: { Type: Api, Properties: { Path: /x, Method: get } }',
      '        Secured: { Type: Api, Properties: { Path: /y, Method: get, Auth: { Authorizer: Cognito } } }',
      '        Nightly: { Type: Schedule, Properties: { Schedule: rate(1 day) } }',
      '  Worker:',
      '    Type: AWS::Lambda::Function',
      '    Properties: { Runtime: python3.12, Handler: w.h }',
      '  WorkerUrl:',
      '    Type: AWS::Lambda::Url',
      '    Properties: { TargetFunctionArn: !Ref Worker, AuthType: AWS_IAM }',
      '  ApiRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      Policies:',
      '        - PolicyName: all',
      '          PolicyDocument: { Statement: [{ Effect: Allow, Action: ["iam:PassRole"], Resource: "*" }] }',
    ].join('\n');
    const specs = mergeFunctionSpecs([parseFunctionConfig('template.yaml', template)]);
    expect(specs.map((s) => [s.name, s.runtime, s.triggers.map((t) => `${t.kind}:${t.anonymous}`).join(',')])).toEqual([
      ['Api', 'nodejs18.x', 'http:true,http:false,schedule:false'],
      ['Worker', 'python3.12', 'http:false'],
    ]);
    expect(rules(functionFindings(specs, [], NOW))).toEqual(['function-anonymous-http', 'function-iam-privilege-escalation', 'function-runtime-deprecated']);
  });

  it('reads serverless.yml: provider runtime and environment, function URLs, http events, IAM statements', () => {
    const yml = [
      'service: shop',
      'provider:',
      '  name: aws',
      '  runtime: nodejs20.x',
      '  environment: { SENTRY_DSN: "https://abc@o1.ingest.sentry.io/1", SECRET_KEY: "${ssm:/shop/secret}" }',
      '  iam: { role: { statements: [{ Effect: Allow, Action: "*", Resource: "*" }] } }',
      'functions:',
      '  hello:',
      '    handler: handler.hello',
      '    url: true',
      '    events: [{ httpApi: { path: /hello, method: get } }]',
      '  private:',
      '    handler: handler.p',
      '    runtime: nodejs22.x',
      '    events: [{ http: { path: /p, method: get, private: true } }]',
    ].join('\n');
    const specs = mergeFunctionSpecs([parseFunctionConfig('serverless.yml', yml)]);
    expect(specs.map((s) => s.name)).toEqual(['hello', 'private']);
    const findings = functionFindings(specs, [], NOW);
    // both inherit the wildcard role; only hello is public; the SSM reference is not a credential
    expect(findings.filter((f) => f.ruleId === 'function-iam-wildcard-action')).toHaveLength(2);
    expect(rules(findings.filter((f) => f.ruleId !== 'function-iam-wildcard-action'))).toEqual([
      'function-anonymous-http',
      'function-env-credential',
      'function-env-credential',
      'function-public-url',
      'function-runtime-deprecated',
    ]);
  });

  it('reads Azure function.json and local.settings.json, and Cloud Functions descriptions', () => {
    const azure = mergeFunctionSpecs([
      parseFunctionConfig(
        'HttpTrigger/function.json',
        JSON.stringify({
          bindings: [
            { type: 'httpTrigger', direction: 'in', authLevel: 'anonymous' },
            { type: 'http', direction: 'out' },
          ],
        }),
      ),
      parseFunctionConfig(
        'local.settings.json',
        JSON.stringify({
          IsEncrypted: false,
          Values: { AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=' + 'A'.repeat(86) + '==;EndpointSuffix=core.windows.net', FUNCTIONS_WORKER_RUNTIME: 'node' },
        }),
      ),
    ]);
    expect(rules(functionFindings(azure, [], NOW))).toContain('function-anonymous-http');
    const gcp = mergeFunctionSpecs([
      parseFunctionConfig(
        'describe.json',
        JSON.stringify({ name: 'projects/p/locations/l/functions/f', buildConfig: { runtime: 'nodejs20' }, serviceConfig: { environmentVariables: { API_TOKEN: 'abcd1234efgh' } } }),
      ),
    ]);
    expect(gcp[0]).toMatchObject({ provider: 'gcp', name: 'f', runtime: 'nodejs20' });
    expect(rules(functionFindings(gcp, [], NOW))).toEqual(['function-runtime-unknown', 'generic-api-key-assignment']);
  });

  it('refuses a file in no known format instead of reading it as "no configuration"', () => {
    expect(() => parseFunctionConfig('x.yaml', 'just: text')).toThrow(/not a function configuration/);
    expect(() => parseFunctionConfig('x.json', '{"Runtime": ')).toThrow(/not a function configuration/);
    expect(() => parseFunctionConfig('big.json', `{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`)).toThrow(/larger than/);
  });
});

describe('runtime support', () => {
  it('dates AWS runtimes against the catalogue and never calls an unknown runtime supported', () => {
    expect(runtimeSupport('aws', 'nodejs16.x', NOW)).toEqual({ state: 'deprecated', since: '2024-06-12' });
    expect(runtimeSupport('aws', 'python3.12', NOW)).toEqual({ state: 'supported', until: null });
    expect(runtimeSupport('aws', 'nodejs22.x', new Date('2027-03-01T00:00:00Z'))).toMatchObject({ state: 'deprecating', on: '2027-04-30' });
    expect(runtimeSupport('aws', 'cobol1.x', NOW)).toEqual({ state: 'not-catalogued' });
  });
});

describe('code sinks', () => {
  it("finds shell and eval sinks in the function's own JavaScript and Python, and marks lines that use request data", () => {
    const js = [
      'const cp = require("child_process");',
      'cp.exec("ls " + event.queryStringParameters.dir);',
      'spawn("ls", [x]);',
      'spawn("sh", ["-c", x], { shell: true });',
      '// eval(event.body)',
      'const f = new Function(req.body);',
    ].join('\n');
    expect(findCodeSinks('/index.js', js).map((s) => `${s.line}:${s.kind}:${s.call}:${s.requestData}`)).toEqual(['2:shell:exec:true', '4:shell:spawn:false', '6:eval:Function:true']);
    const py = ['import os, subprocess', 'os.system("ping " + event["host"])', 'subprocess.run(["ls", d])', 'subprocess.run(cmd, shell=True)', 'x.eval(y)', 'eval(request.args["q"])'].join('\n');
    expect(findCodeSinks('/app.py', py).map((s) => `${s.line}:${s.kind}:${s.call}`)).toEqual(['2:shell:system', '4:shell:run', '6:eval:eval']);
  });

  it('searches application code only, not dependencies or layer library trees', () => {
    expect(['/index.js', '/src/app.py', '/nodejs/node_modules/x/i.js', '/python/requests/api.py', '/node_modules/a.js', '/lib/site-packages/b.py', '/README.md'].filter(isApplicationCode)).toEqual([
      '/index.js',
      '/src/app.py',
    ]);
  });

  it('an HTTP-triggered function with a sink is one finding naming the trigger and the code line', () => {
    const specs = mergeFunctionSpecs([parseFunctionConfig('fn.json', JSON.stringify({ FunctionName: 'f', Runtime: 'nodejs22.x', FunctionUrlConfig: { AuthType: 'AWS_IAM' } }))]);
    const sinks = findCodeSinks('/index.js', 'require("child_process").execSync(`convert ${event.body}`)');
    const [finding] = functionFindings(specs, sinks, NOW);
    expect(finding).toMatchObject({ ruleId: 'function-http-to-shell', severity: 'high', location: { path: '/index.js' } });
    expect(finding?.description).toContain('fn.json#FunctionUrlConfig.AuthType');
    expect(finding?.description).toContain('/index.js:1');
    // no HTTP trigger: no path from request data
    const queue = mergeFunctionSpecs([parseFunctionConfig('fn.json', JSON.stringify({ FunctionName: 'f', Runtime: 'nodejs22.x' }))]);
    expect(functionFindings(queue, sinks, NOW)).toEqual([]);
  });
});

describe('the sink search as a layer analyzer', () => {
  const header = (path: string): EntryHeader => ({ path, kind: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkTarget: null });
  it('selects application code only, keeps the sinks of a file as a fact, and says which files it could not search', async () => {
    expect(codeSinkAnalyzer.selects(header('/index.js'))).toBe(true);
    expect(codeSinkAnalyzer.selects(header('/node_modules/x/index.js'))).toBe(false);
    const out = await codeSinkAnalyzer.analyze(header('/index.js'), Buffer.from('exports.h = async (event) => require("child_process").execSync(event.body);\n'), false, { layerIndex: 0 });
    expect(sinksFromFacts(out.facts)).toEqual([expect.objectContaining({ path: '/index.js', line: 1, kind: 'shell', requestData: true })]);
    expect((await codeSinkAnalyzer.analyze(header('/clean.js'), Buffer.from('module.exports = 1;\n'), false, { layerIndex: 0 })).facts).toEqual([]);
    const cut = await codeSinkAnalyzer.analyze(header('/bundle.js'), Buffer.alloc(10), true, { layerIndex: 0 });
    expect(cut.unknowns?.map((u) => u.path)).toEqual(['/bundle.js']);
    expect(cut.unknowns?.[0]?.reason).toMatch(/not searched for shell\/eval sinks/);
  });
});
