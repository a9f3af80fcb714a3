import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSekishoError } from '@sekisho/core';
import { configCommand } from './config.js';

const PRIVILEGED = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      containers:
      - name: agent
        image: example/agent:1.2
        securityContext: {privileged: true}
`;

const HARDENED = `apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: apps}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  automountServiceAccountToken: false
  containers:
  - name: c
    image: example/app@sha256:${'a'.repeat(64)}
    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
    resources: {limits: {cpu: 100m, memory: 64Mi}}
`;

let dir: string;
let out: string;
let stdinText: string;

async function run(...args: string[]): Promise<string> {
  out = '';
  const command = configCommand({
    stdout: (t) => (out += t),
    readStdin: () => Promise.resolve(new TextEncoder().encode(stdinText)),
    toolVersion: '0.1.0-test',
  }).exitOverride();
  await command.parseAsync(args, { from: 'user' });
  return out;
}

async function errorCode(...args: string[]): Promise<string> {
  try {
    await run(...args);
  } catch (error) {
    return isSekishoError(error) ? error.code : `not a SekishoError: ${String(error)}`;
  }
  return 'no error';
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sekisho-config-'));
  mkdirSync(path.join(dir, 'charts'));
  mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(dir, 'charts', 'agent.yaml'), PRIVILEGED);
  writeFileSync(path.join(dir, 'charts', 'ok.yaml'), HARDENED);
  writeFileSync(path.join(dir, 'charts', 'logo.json'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  writeFileSync(path.join(dir, 'charts', 'README.md'), '# not scanned');
  writeFileSync(path.join(dir, 'node_modules', 'x', 'pod.yaml'), PRIVILEGED.replace('agent', 'skipped'));
  stdinText = '';
  process.exitCode = undefined;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

describe('sekisho config', () => {
  it('walks directories (skipping node_modules), reports JSON with PSS refs, isolation and file errors', async () => {
    const report = JSON.parse(await run(dir, '--format', 'json', '--pss-version', 'v1.29')) as {
      pssVersion: string;
      findings: { ruleId: string; target: { file: string; name: string }; standard: { level: string; check: string; version: string } | null }[];
      workloads: { target: { name: string }; score: number; openPaths: { techniqueId: string; certainty: string }[] }[];
      fileErrors: { file: string; reason: string }[];
    };
    expect(report.pssVersion).toBe('v1.29');
    expect(report.findings.some((f) => f.target.file.includes('node_modules'))).toBe(false);
    const priv = report.findings.find((f) => f.ruleId === 'pss-privileged');
    expect(priv?.standard).toEqual({ name: 'Pod Security Standards', level: 'baseline', check: 'privileged', version: 'v1.29' });
    expect(report.findings.filter((f) => f.target.name === 'ok' && f.standard !== null)).toEqual([]);
    const agent = report.workloads.find((w) => w.target.name === 'agent')!;
    const ok = report.workloads.find((w) => w.target.name === 'ok')!;
    expect(agent.openPaths.find((p) => p.techniqueId === 'privileged-container')?.certainty).toBe('open');
    expect(ok.openPaths.filter((p) => p.certainty === 'open')).toEqual([]);
    expect(agent.score).toBeLessThan(ok.score);
    expect(report.fileErrors).toEqual([{ file: path.join(dir, 'charts', 'logo.json'), reason: 'binary or not UTF-8 text' }]);
    expect(process.exitCode).toBeUndefined();
  });

  it('reads helm template output from stdin, writes SARIF to a file, and fails on --fail-on', async () => {
    stdinText = `---\n# Source: chart/templates/ds.yaml\n${PRIVILEGED}`;
    const file = path.join(dir, 'out.sarif');
    await run('-', '--format', 'sarif', '-o', file, '--fail-on', 'critical');
    expect(out).toBe('');
    const log = JSON.parse(readFileSync(file, 'utf8')) as { version: string; runs: { results: { ruleId: string; properties: Record<string, unknown> }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results.find((r) => r.ruleId === 'pss-hostNamespaces')?.properties['standardCheck']).toBe('hostNamespaces');
    expect(process.exitCode).toBe(1);
  });

  it('does not fail when nothing reaches the threshold', async () => {
    await run(path.join(dir, 'charts', 'ok.yaml'), '--fail-on', 'critical');
    expect(out).toContain('Isolation');
    expect(process.exitCode).toBeUndefined();
  });

  it('prints a table with the layer matrix and open paths', async () => {
    const text = await run(path.join(dir, 'charts', 'agent.yaml'));
    expect(text).toContain('pss-privileged [PSS baseline privileged v1.');
    expect(text).toMatch(/OPEN\s+critical\s+Privileged container/);
    expect(text).toContain('seccomp □');
  });

  it('honours --type for files with any name', async () => {
    writeFileSync(path.join(dir, 'manifest.txt'), PRIVILEGED);
    const report = JSON.parse(await run(path.join(dir, 'manifest.txt'), '--type', 'kubernetes', '--format', 'json')) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('maps bad usage and missing paths to error codes', async () => {
    expect(await errorCode(dir, '--format', 'xml')).toBe('USAGE_INVALID');
    expect(await errorCode(dir, '--type', 'helm')).toBe('USAGE_INVALID');
    expect(await errorCode(dir, '--fail-on', 'severe')).toBe('USAGE_INVALID');
    expect(await errorCode(dir, '--pss-version', '1.x')).toBe('USAGE_INVALID');
    expect(await errorCode(path.join(dir, 'missing.yaml'))).toBe('USAGE_INVALID');
    mkdirSync(path.join(dir, 'empty'));
    expect(await errorCode(path.join(dir, 'empty'))).toBe('SOURCE_EMPTY');
  });
});

describe('sekisho config host facts', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: default}\nspec:\n  containers:\n  - name: app\n    image: app@sha256:' + 'a'.repeat(64) + '\n';
  async function run(...extra: string[]): Promise<string> {
    let out = '';
    const command = configCommand({ stdout: (t) => void (out += t), readStdin: async () => Buffer.from(pod), toolVersion: 'test' });
    await command.parseAsync(['-', '--format', 'json', ...extra], { from: 'user' });
    return out;
  }
  it('turns a runc-version-dependent breakout path into a closed one when the version is known', async () => {
    const unknown = JSON.parse(await run()) as { workloads: { openPaths: { techniqueId: string; certainty: string }[] }[] };
    const known = JSON.parse(await run('--runc-version', '1.1.14')) as typeof unknown;
    const status = (r: typeof unknown) => r.workloads[0]?.openPaths.find((p) => p.techniqueId.includes('2024-21626'))?.certainty ?? 'absent';
    expect(status(unknown)).toBe('conditional');
    expect(status(known)).toBe('absent');
  });
  it('rejects a malformed version', async () => {
    await expect(run('--runc-version', 'latest; rm -rf')).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });
});

describe('sekisho config fails closed on refused input', () => {
  const BROKEN = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n  spec: [\n';
  // 11 levels of 10 aliases each: a "billion laughs" document the loader refuses
  const BOMB = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 11 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array.from({ length: 10 }, () => `*a${i}`).join(', ')}]`).join('\n')}\n`;
  let err: string;
  async function gate(...args: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
    out = '';
    err = '';
    process.exitCode = undefined;
    const command = configCommand({
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      readStdin: () => Promise.resolve(new TextEncoder().encode(stdinText)),
      toolVersion: '0.1.0-test',
    }).exitOverride();
    await command.parseAsync(args, { from: 'user' });
    return { code: typeof process.exitCode === 'number' ? process.exitCode : undefined, out, err };
  }

  it('a file that cannot be parsed, alone, is a CONFIG error (exit 8), not a pass', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), BROKEN);
    writeFileSync(path.join(dir, 'bomb.yaml'), BOMB);
    expect(await errorCode(path.join(dir, 'bad.yaml'), '--fail-on', 'low')).toBe('CONFIG_INVALID');
    expect(await errorCode(path.join(dir, 'bomb.yaml'), '--fail-on', 'low')).toBe('CONFIG_INVALID');
    expect(await errorCode(path.join(dir, 'bad.yaml'), path.join(dir, 'bomb.yaml'))).toBe('CONFIG_INVALID');
    stdinText = BROKEN;
    expect(await errorCode('-', '--fail-on', 'critical')).toBe('CONFIG_INVALID');
  });

  it('with other files read, a refused file is an unknown: the report is incomplete and --fail-on fails it', async () => {
    writeFileSync(path.join(dir, 'bomb.yaml'), BOMB);
    const ok = path.join(dir, 'charts', 'ok.yaml');
    const bomb = path.join(dir, 'bomb.yaml');
    expect((await gate(ok, '--fail-on', 'critical')).code).toBeUndefined();
    const failed = await gate(ok, bomb, '--fail-on', 'critical', '--format', 'json');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/gate failed: the report is incomplete/);
    const report = JSON.parse(failed.out) as { status: string; statusReasons: string[]; fileErrors: { file: string }[] };
    expect(report.status).toBe('incomplete');
    expect(report.fileErrors.map((e) => e.file)).toEqual([bomb]);
    const table = await gate(ok, bomb, '--fail-on', 'critical');
    expect(table.out.trimEnd().split('\n').at(-1)).toMatch(/^Status: INCOMPLETE — 1 file\(s\)/);
    const sarif = JSON.parse((await gate(ok, bomb, '--format', 'sarif')).out) as { runs: { properties: { status: string } }[] };
    expect(sarif.runs[0]?.properties.status).toBe('incomplete');
    const allowed = await gate(ok, bomb, '--fail-on', 'critical', '--allow-incomplete');
    expect(allowed.code).toBeUndefined();
    expect(allowed.err).toMatch(/warning: the gate passed an incomplete report/);
  });

  it('YAML that is simply not a manifest (Helm values) in a directory does not make the report incomplete', async () => {
    writeFileSync(path.join(dir, 'charts', 'values.yaml'), 'replicaCount: 2\nimage: {repository: app}\n');
    const { code, out: text } = await gate(path.join(dir, 'charts', 'ok.yaml'), path.join(dir, 'charts', 'values.yaml'), '--fail-on', 'critical');
    expect(code).toBeUndefined();
    expect(text).toContain('Status: complete');
  });
});

describe('sekisho config --policy', () => {
  const POLICY = `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  pss: { kind: misconfiguration, standard: { name: Pod Security Standards, level: baseline } }
environments:
  dev: { rules: { pss: { action: warn } } }
  prod: {}
mappings:
  - { environment: prod, namespaces: ["monitoring"] }
defaultEnvironment: dev
`;
  async function audit(...args: string[]): Promise<{ code: number | undefined; out: string; err: string }> {
    let text = '';
    let err = '';
    process.exitCode = undefined;
    const command = configCommand({ stdout: (t) => (text += t), stderr: (t) => (err += t), readStdin: () => Promise.resolve(new Uint8Array()), toolVersion: '0.1.0-test' }).exitOverride();
    await command.parseAsync(args, { from: 'user' });
    return { code: typeof process.exitCode === 'number' ? process.exitCode : undefined, out: text, err };
  }

  it('one namespace in the documents picks the environment by mapping; the privileged DaemonSet fails prod (exit 1)', async () => {
    const policy = path.join(dir, 'sekisho.yaml');
    writeFileSync(policy, POLICY);
    const agent = path.join(dir, 'charts', 'agent.yaml');
    const json = await audit(agent, '--format', 'json', '--policy', policy);
    const report = JSON.parse(json.out) as { scanners: string[]; policy: { environment: string; result: string; rules: { id: string; status: string }[] } };
    expect(report.scanners).toEqual(['config']);
    expect(report.policy.environment).toBe('prod');
    expect(report.policy.result).toBe('fail');
    expect(report.policy.rules.find((r) => r.id === 'pss')?.status).toBe('violated');
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/policy acme \(environment prod\) failed: pss/);

    const table = await audit(agent, '--policy', policy, '--env', 'dev');
    expect(table.out).toMatch(/Policy acme, environment dev: WARN — health grade/);
    expect(table.out.trimEnd().split('\n').at(-1)).toBe('Status: complete');
    expect(table.code).toBeUndefined();

    const sarif = JSON.parse((await audit(agent, '--format', 'sarif', '--policy', policy)).out) as { runs: { results: { ruleId: string }[]; properties: Record<string, unknown> }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('policy/pss');
    expect(sarif.runs[0]!.properties).toMatchObject({ policyResult: 'fail', policyEnvironment: 'prod' });
  });

  it('documents in several namespaces need --env, and say so', async () => {
    const policy = path.join(dir, 'sekisho.yaml');
    writeFileSync(policy, POLICY);
    await expect(audit(path.join(dir, 'charts'), '--policy', policy)).rejects.toThrow(/2 namespaces \(apps, monitoring\).*--env NAME is required/);
    expect((await audit(path.join(dir, 'charts'), '--policy', policy, '--env', 'prod')).code).toBe(1);
  });

  it('a broken policy is a configuration error before anything is read', async () => {
    const policy = path.join(dir, 'broken.yaml');
    writeFileSync(policy, POLICY.replace('level: baseline', 'level: baseline, nope: 1'));
    await expect(audit(path.join(dir, 'does-not-exist'), '--policy', policy)).rejects.toSatisfy((e) => isSekishoError(e) && e.code === 'CONFIG_INVALID');
  });
});
