import type { Report, VulnerabilityFinding } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { parsePolicy } from '../policy/load-policy.js';
import { compareReports } from './compare-reports.js';
import { renderComparisonMarkdown, renderComparisonText } from './render-comparison.js';

function vuln(id: string, pkgName: string, version: string, severity: VulnerabilityFinding['severity'], fixed: string[] = []): VulnerabilityFinding {
  return {
    kind: 'vulnerability',
    id: `${id}-${pkgName}`,
    ruleId: id,
    title: id,
    severity,
    description: '',
    location: null,
    createdBy: null,
    removedInLayer: null,
    foundBy: 'test',
    fix: null,
    references: [],
    vulnerabilityId: id,
    aliases: [],
    packageId: `${pkgName}@${version}`,
    packageName: pkgName,
    installedVersion: version,
    fixedVersions: fixed,
    status: 'fixed',
  };
}

function withLabels(r: Report, labels: Record<string, string>, env: string[]): Report {
  return r.image === null ? r : { ...r, image: { ...r.image, config: { ...r.image.config, labels, env } } };
}

const before: Report = withLabels(
  {
    ...report([pkg('deb', 'openssl', '3.0.11-1~deb12u2'), pkg('deb', 'bash', '5.2.15-2+b2'), pkg('npm', 'lodash', '4.17.15'), pkg('npm', 'left-pad', '1.3.0')], distro('debian', '12')),
    findings: [vuln('CVE-2024-0001', 'openssl', '3.0.11-1~deb12u2', 'high', ['3.0.15-1~deb12u1']), vuln('CVE-2020-8203', 'lodash', '4.17.15', 'high', ['4.17.19'])],
  },
  { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12', team: 'a' },
  ['PATH=/usr/bin'],
);

const after: Report = withLabels(
  {
    ...report([pkg('deb', 'openssl', '3.0.15-1~deb12u1'), pkg('deb', 'bash', '5.2.15-2+b2'), pkg('npm', 'lodash', '4.17.21'), pkg('npm', 'express', '4.21.0')], distro('debian', '12')),
    target: { ...report([]).target, reference: 'example:2', manifestDigest: 'sha256:m2' },
    findings: [
      vuln('CVE-2025-0002', 'express', '4.21.0', 'medium'),
      {
        kind: 'secret',
        id: 's1',
        ruleId: 'github-pat',
        title: 'GitHub token',
        severity: 'high',
        description: '',
        location: { path: '/app/.env', layerDigest: null, diffId: null, layerIndex: 1 },
        createdBy: null,
        removedInLayer: null,
        foundBy: 'secrets',
        fix: null,
        references: [],
        match: 'ghp_***',
        line: 1,
      },
    ],
  },
  { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12', team: 'b' },
  ['PATH=/usr/bin', 'MODE=prod'],
);

describe('compareReports', () => {
  const c = compareReports({ before, after });

  it('lists packages added, removed and changed, with the direction by the ecosystem version order', () => {
    expect(c.packages.added.map((p) => `${p.name}@${p.version}`)).toEqual(['express@4.21.0']);
    expect(c.packages.removed.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.3.0']);
    expect(c.packages.changed.map((p) => [p.name, p.from, p.to, p.direction])).toEqual([
      ['openssl', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'upgraded'],
      ['lodash', '4.17.15', '4.17.21', 'upgraded'],
    ]);
    expect(c.packages.unchanged).toBe(1);
    expect(c.packages.added[0]).toMatchObject({ layer: 1, createdBy: 'RUN apt-get install -y example' });
  });

  it('lists vulnerabilities fixed and introduced, and other findings by rule and path', () => {
    expect(c.vulnerabilities.fixed.map((v) => v.id)).toEqual(['CVE-2020-8203', 'CVE-2024-0001']);
    expect(c.vulnerabilities.introduced.map((v) => v.id)).toEqual(['CVE-2025-0002']);
    expect(c.findings.introduced.map((f) => [f.kind, f.ruleId, f.path])).toEqual([['secret', 'github-pat', '/app/.env']]);
    expect(c.env).toEqual({ added: ['MODE=prod'], removed: [] });
    expect(c.labels).toEqual({ added: ['team=b'], removed: ['team=a'] });
    expect(c.base).toEqual({ before: 'docker.io/library/debian:12', after: 'docker.io/library/debian:12', changed: false });
    expect(c.sharedBaseLayers).toBe(2);
  });

  it('shows policy outcome and grade before and after', () => {
    const policy = parsePolicy(
      'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: p }\nenvironments:\n  prod:\n    rules:\n      high: { kind: vulnerabilities, severity: high }\n      secrets: { kind: secrets }\n',
      'p',
    );
    const scanners = { scanners: ['vuln', 'secret'] };
    const now = new Date('2026-12-01T00:00:00Z');
    const withPolicy = compareReports({
      before,
      after,
      beforeDecision: evaluatePolicy({ ...before, ...scanners }, policy, 'prod', { now }),
      afterDecision: evaluatePolicy({ ...after, ...scanners }, policy, 'prod', { now }),
    });
    expect(withPolicy.policy).toEqual([
      { id: 'high', before: 'fail', after: 'pass' },
      { id: 'secrets', before: 'pass', after: 'fail' },
    ]);
    // vulnerabilities 20 and complete-scan 10 pass, secrets 15 fails: 30 of 45.
    expect(withPolicy.after.decision).toMatchObject({ result: 'fail', score: 66, grade: 'C' });
  });

  it('renders text and Markdown without breaking tables on hostile names', () => {
    const text = renderComparisonText(c);
    expect(text).toContain('Vulnerabilities: 2 fixed, 1 introduced, 0 unchanged');
    expect(text).toContain('  ↑ npm lodash 4.17.15 → 4.17.21 (layer 1)');
    const hostile = compareReports({ before, after: { ...after, packages: [...after.packages, pkg('npm', 'a|b\n<script>', '1')] } });
    const md = renderComparisonMarkdown(hostile);
    expect(md).toContain('| + | npm | a\\|b &lt;script> | 1 | 1 |');
    expect(md).toContain('| ➕ | CVE-2025-0002 | medium | express 4.21.0 | — |');
  });

  it('is symmetric: swapping the sides swaps added and removed', () => {
    const back = compareReports({ before: after, after: before });
    expect(back.packages.added).toEqual(c.packages.removed);
    expect(back.vulnerabilities.fixed).toEqual(c.vulnerabilities.introduced);
    expect(back.packages.changed.map((p) => p.direction)).toEqual(['downgraded', 'downgraded']);
  });
});
