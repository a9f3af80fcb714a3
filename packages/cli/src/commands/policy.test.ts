import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isSekishoError } from '@sekisho/core';
import { buildProgram } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'sekisho-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<{ out: string; code: string | number }> {
  let out = '';
  process.exitCode = undefined;
  const program = (await buildProgram({ stdout: (t) => (out += t), stderr: () => undefined, isTty: false })).exitOverride();
  try {
    await program.parseAsync(['node', 'sekisho', '--quiet', ...args]);
  } catch (error) {
    return { out, code: isSekishoError(error) ? error.code : String(error) };
  }
  return { out, code: typeof process.exitCode === 'number' ? process.exitCode : 0 };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const policy = file(
  'sekisho.yaml',
  `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  high: { kind: vulnerabilities, severity: high, fixable: true }
  secrets: { kind: secrets }
environments:
  dev: { allowIncomplete: true, rules: { high: { action: warn } } }
  prod: { extends: dev, allowIncomplete: false, rules: { high: { action: fail } } }
mappings:
  - { environment: prod, images: ["registry.acme.io/prod/**"] }
defaultEnvironment: dev
`,
);

function report(reference: string, findings: unknown[], packages: unknown[]): string {
  return JSON.stringify({
    schema: 'sekisho.report/v1',
    tool: { name: 'sekisho', version: 'test' },
    target: { reference, sourceType: 'registry', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro: null,
    packages,
    relationships: [],
    findings,
    unknowns: [],
    notChecked: [],
    scanners: ['vuln', 'secret'],
  });
}

const lodash = (version: string) => ({
  id: `npm:lodash@${version}`,
  name: 'lodash',
  version,
  type: 'npm',
  purl: `pkg:npm/lodash@${version}`,
  cpes: [],
  licenses: ['MIT'],
  locations: [],
  foundBy: 'npm',
  evidence: 'installed',
  source: null,
  metadata: null,
});
const cve = {
  kind: 'vulnerability',
  id: 'v1',
  ruleId: 'CVE-2020-8203',
  title: 'Prototype pollution',
  severity: 'high',
  description: '',
  location: null,
  createdBy: null,
  removedInLayer: null,
  foundBy: 'npm-matcher',
  fix: 'Upgrade lodash to 4.17.19 or later',
  references: [],
  vulnerabilityId: 'CVE-2020-8203',
  aliases: ['GHSA-p6mc-m468-83gw'],
  packageId: 'npm:lodash@4.17.15',
  packageName: 'lodash',
  installedVersion: '4.17.15',
  fixedVersions: ['4.17.19'],
  status: 'fixed',
};
const before = file('before.json', report('registry.acme.io/prod/app:1', [cve], [lodash('4.17.15')]));
const after = file('after.json', report('registry.acme.io/prod/app:2', [], [lodash('4.17.21')]));

describe('sekisho policy', () => {
  it('validate lists each environment with its resolved rules, and refuses a broken file with exit code family config', async () => {
    const ok = await run('policy', 'validate', policy);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('policy acme is valid');
    expect(ok.out).toContain('  prod (extends dev): high[fail], secrets[fail], complete-scan[fail]');
    const broken = file('broken.yaml', 'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: b }\nenvironments: { a: { rules: { x: { kind: vulnerabilities, severity: huge } } } }\n');
    expect((await run('policy', 'validate', broken)).code).toBe('CONFIG_INVALID');
  });

  it('evaluate picks the environment by mapping, fails in prod with the evidence and the fix, and warns in dev', async () => {
    const prod = await run('policy', 'evaluate', before, '--policy', policy);
    expect(prod.code).toBe(1);
    expect(prod.out).toContain('Policy acme, environment prod: FAIL — health grade');
    expect(prod.out).toContain('CVE-2020-8203 in lodash 4.17.15 (high, fixed in 4.17.19) → Upgrade lodash to 4.17.19 or later');
    const dev = await run('policy', 'evaluate', before, '--policy', policy, '--env', 'dev', '--format', 'json');
    expect(dev.code).toBe(0);
    expect(JSON.parse(dev.out)).toMatchObject({ schema: 'sekisho.decision/v1', environment: 'dev', result: 'warn' });
  });

  it('refuses a stored report whose findings are not findings', async () => {
    const forged = file('forged.json', report('x', [{ kind: 'vulnerability', id: 'v', ruleId: 'C', title: 't', severity: 'bad' }], []));
    expect((await run('policy', 'evaluate', forged, '--policy', policy)).code).toBe('CONFIG_INVALID');
  });

  it("reads a stored report's image facts only when their shape is right: a forged label map is not read, never a crash", async () => {
    const labelPolicy = file('labels.yaml', 'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: l }\nenvironments:\n  e: { rules: { internal: { kind: labels, forbid: { team: "*" } } } }\n');
    const forged = JSON.parse(report('x', [], [])) as Record<string, unknown>;
    forged['image'] = { layers: [], config: { labels: { team: 7 }, env: [], created: null } };
    const path = file('forged-image.json', JSON.stringify(forged));
    const { out, code } = await run('policy', 'evaluate', path, '--policy', labelPolicy, '--env', 'e', '--format', 'json');
    expect(code).toBe(1);
    expect((JSON.parse(out) as { rules: { id: string; status: string }[] }).rules.find((r) => r.id === 'internal')?.status).toBe('not-evaluated');
  });

  it('schema prints the JSON Schema', async () => {
    const { out } = await run('policy', 'schema');
    expect(JSON.parse(out)).toMatchObject({ type: 'object' });
  });
});

describe('sekisho compare', () => {
  it('compares two stored reports: the upgrade, the fixed vulnerability and the policy outcome before and after', async () => {
    const { out, code } = await run('compare', before, after, '--policy', policy, '--format', 'markdown');
    expect(code).toBe(0);
    expect(out).toContain('| ↑ | npm | lodash | 4.17.15 → 4.17.21 | — |');
    expect(out).toContain('| ✅ | CVE-2020-8203 | high | lodash 4.17.15 | 4.17.19 |');
    expect(out).toContain('| high | fail | pass |');
  });

  it('--fail-on fails when the later one introduces a finding at or above the severity', async () => {
    expect((await run('compare', after, before, '--fail-on', 'high')).code).toBe(1);
    expect((await run('compare', before, after, '--fail-on', 'high')).code).toBe(0);
  });
});
