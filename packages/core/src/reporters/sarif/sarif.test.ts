import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '@sekisho/model';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { auditKubernetes } from '../../checks/kubernetes/index.js';
import { pathToUri, toSarif } from './index.js';

// ajv-formats is CommonJS: under ESM its plugin function is the module's `default`.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, '__fixtures__/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const base = {
  title: 't',
  description: 'd',
  location: null,
  createdBy: null,
  removedInLayer: null,
  foundBy: 'test',
  fix: null,
  references: [],
} as const;

const mixed: Finding[] = [
  {
    ...base,
    kind: 'vulnerability',
    id: 'v1',
    ruleId: 'CVE-2024-0001',
    severity: 'high',
    location: { path: '/usr/lib/x y#z.so', layerDigest: 'sha256:aa', diffId: null, layerIndex: 0 },
    vulnerabilityId: 'CVE-2024-0001',
    aliases: ['GHSA-xxxx'],
    packageId: 'p1',
    packageName: 'openssl',
    installedVersion: '3.0.0',
    fixedVersions: ['3.0.1'],
    status: 'fixed',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-0001'],
  },
  { ...base, kind: 'secret', id: 's1', ruleId: 'aws-key', severity: 'critical', match: 'AKIA****', line: 3, location: { path: '/app/.env', layerDigest: null, diffId: null, layerIndex: null } },
  { ...base, kind: 'malware', id: 'm1', ruleId: 'eicar', severity: 'critical', sha256: null },
  { ...base, kind: 'hardening', id: 'h1', ruleId: 'setuid', severity: 'low', evidence: 'mode 4755' },
  { ...base, kind: 'supply-chain', id: 'c1', ruleId: 'unsigned', severity: 'unknown', evidence: 'no signature' },
];

describe('toSarif', () => {
  it('produces a schema-valid log for every finding kind', () => {
    const log = toSarif(mixed, { name: 'sekisho', version: '0.1.0', informationUri: 'https://example.invalid/sekisho' });
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = (log['runs'] as { results: { ruleId: string; level: string; locations?: unknown[] }[]; tool: { driver: { rules: { id: string }[] } } }[])[0]!;
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'note', 'none']);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['CVE-2024-0001', 'aws-key', 'eicar', 'setuid', 'unsigned']);
    expect(JSON.stringify(run.results[0]!.locations)).toContain('/usr/lib/x%20y%23z.so');
  });

  it('carries PSS level, check and version in result properties, and stays schema-valid on real output', () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  hostPID: true
  containers:
  - name: c
    image: busybox
    securityContext: {privileged: true}
`;
    const audit = auditKubernetes([{ path: 'dir/pod manifest.yaml', content: new TextEncoder().encode(manifest) }], { pssVersion: 'v1.30' });
    const log = toSarif(audit.findings, { name: 'sekisho', version: '0.1.0' });
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = (log['runs'] as { results: { ruleId: string; properties: Record<string, unknown> }[] }[])[0]!.results;
    const privileged = results.find((r) => r.ruleId === 'pss-privileged');
    expect(privileged?.properties).toMatchObject({
      standard: 'Pod Security Standards',
      standardLevel: 'baseline',
      standardCheck: 'privileged',
      standardVersion: 'v1.30',
      fieldPath: 'spec.containers[0].securityContext.privileged',
    });
    expect(results.find((r) => r.ruleId === 'pss-runAsNonRoot')?.properties['standardLevel']).toBe('restricted');
  });

  it('rejects what the schema rejects (the validator is live)', () => {
    const log = toSarif(mixed, { name: 'sekisho', version: '0.1.0' });
    const broken = { ...log, version: '2.0.0' };
    expect(validate(broken)).toBe(false);
  });

  it('encodes paths as uri-references', () => {
    expect(pathToUri('C:\\charts\\a b.yaml')).toBe('C:/charts/a%20b.yaml');
    expect(pathToUri('a?b#c')).toBe('a%3Fb%23c');
  });
});
