import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHost } from '../../host/audit-host.js';
import { evaluatePolicy } from '../evaluate.js';
import { parsePolicy } from '../load-policy.js';

const POLICY = `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: nodes }
environments:
  dev:
    allowIncomplete: true
    rules:
      runtime-breakouts: { kind: host, checks: ["host-runtime-*"], severity: critical }
  prod:
    rules:
      host-state: { kind: host, severity: medium }
      no-kernel-cves: { kind: host, checks: ["host-kernel-*"], severity: low }
`;
const NOW = new Date('2026-12-06T00:00:00Z');
const FIXTURES = path.join(import.meta.dirname, '../../host/__fixtures__');

describe('policy rule kind host', () => {
  it('requires a minimum host state per environment', async () => {
    const { report } = await auditHost({ root: path.join(FIXTURES, 'weak'), today: NOW, toolVersion: 'test' });
    const policy = parsePolicy(POLICY, 'nodes.yaml');
    // The weak host has high runtime CVEs but none critical: dev's bar holds.
    expect(evaluatePolicy(report, policy, 'dev', { now: NOW }).rules.map((r) => [r.id, r.status])).toEqual([['runtime-breakouts', 'pass']]);
    const prod = evaluatePolicy(report, policy, 'prod', { now: NOW });
    expect(prod.result).toBe('fail');
    const kernel = prod.rules.find((r) => r.id === 'no-kernel-cves')!;
    expect(kernel.status).toBe('violated');
    expect(kernel.evidence.map((e) => e.text.split(' ')[0])).toEqual(expect.arrayContaining(['host-kernel-CVE-2022-0847', 'host-kernel-CVE-2024-1086']));
    expect(prod.rules.find((r) => r.id === 'host-state')?.message).toMatch(/^\d+ host findings at or above medium$/);
  });

  it('is not evaluated on a report that did not audit a host', async () => {
    const { report } = await auditHost({ root: path.join(FIXTURES, 'weak'), today: NOW, toolVersion: 'test' });
    const policy = parsePolicy(POLICY, 'nodes.yaml');
    const d = evaluatePolicy({ ...report, findings: [], scanners: ['config'] }, policy, 'dev', { now: NOW });
    expect(d.rules[0]).toMatchObject({ status: 'not-evaluated', outcome: 'fail' });
  });
});
