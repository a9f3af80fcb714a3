import type { Package, Report, VulnerabilityFinding } from '@sekisho/model';
import { toReportDocument } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { reporterChunks } from './chunks.js';
import { toCycloneDx } from './cyclonedx-json/index.js';
import { addCycloneDxVulnerabilities } from './cyclonedx-json/vulnerabilities.js';
import { getScanReporter } from './registry.js';

/*
 * A report the size of a large SBOM (150,000 packages, 30,000 vulnerability findings, one
 * vulnerability in 10,000 packages) through the table and JSON reporters: no stack overflow
 * (no recursion over rows, no spread of large arrays) and no quadratic layout. Packages and
 * findings are generated here.
 */
const COUNT = 150_000;
const types = ['deb', 'npm', 'pypi'] as const;
const packages: Package[] = Array.from({ length: COUNT }, (_, i) =>
  pkg(types[i % 3]!, `name-${i}`, `1.${i % 100}.0`, {
    id: `p${String(i).padStart(6, '0')}`,
    locations: [{ path: `/app/${i}/package.json`, layerDigest: 'sha256:l1', diffId: 'sha256:d1', layerIndex: 1 }],
  }),
);
const finding = (p: Package, n: number): VulnerabilityFinding => ({
  kind: 'vulnerability',
  id: `f${p.id}-${n}`,
  ruleId: n === 0 ? 'CVE-2024-0001' : `CVE-2024-${1000 + (Number(p.id.slice(1)) % 5000)}`,
  title: 'a vulnerability',
  severity: 'high',
  description: 'generated',
  location: p.locations[0] ?? null,
  createdBy: null,
  removedInLayer: null,
  foundBy: 'test',
  fix: null,
  references: [],
  vulnerabilityId: n === 0 ? 'CVE-2024-0001' : `CVE-2024-${1000 + (Number(p.id.slice(1)) % 5000)}`,
  aliases: [],
  packageId: p.id,
  packageName: p.name,
  installedVersion: p.version,
  fixedVersions: ['9.9.9'],
  status: 'fixed',
  packageType: p.type,
  purl: p.purl,
  osOwner: null,
  vendorSeverity: null,
  epss: null,
  kev: null,
});
const findings = packages.filter((_, i) => i % 5 === 0).flatMap((p, i) => (i < 10_000 ? [finding(p, 0), finding(p, 1)] : [finding(p, 1)]));
const big: Report = { ...report(packages, distro('debian', '12')), findings };
const opts = { now: new Date('2025-01-01T00:00:00Z'), color: false };

describe(`a report of ${COUNT} packages`, () => {
  it('renders as a table: one row per package, vulnerabilities grouped by package', { timeout: 60_000 }, () => {
    const text = getScanReporter('table', { listAllPkgs: true })!.render(big, opts);
    expect(text).toContain(`Packages: ${COUNT}`);
    expect(text).toMatch(/│ name-149999 +│ 1\.99\.0 +│ pypi +│ 1 l1 +│ RUN apt-get install -y example +│/);
    expect(text).toContain(`Vulnerabilities: ${findings.length} (high ${findings.length})`);
  });

  it('renders as JSON that parses back to the report', { timeout: 60_000 }, () => {
    const text = getScanReporter('json')!.render(big, opts);
    const back = JSON.parse(text) as Report;
    expect(back.packages).toHaveLength(COUNT);
    expect(back.findings).toHaveLength(findings.length);
  });

  it('writes table and JSON in chunks, none of them large; the chunks are the render output byte for byte', { timeout: 60_000 }, () => {
    for (const format of ['table', 'json', 'spdx-json'] as const) {
      let count = 0;
      let largest = 0;
      // the table's package list (--list-all-pkgs) is its long part
      for (const chunk of reporterChunks(getScanReporter(format, { listAllPkgs: true })!, big, opts)) {
        count++;
        largest = Math.max(largest, chunk.length);
      }
      expect(count, format).toBeGreaterThan(100);
      expect(largest, format).toBeLessThan(4 * 1024 * 1024);
    }
    const small: Report = { ...report(packages.slice(0, 3000), distro('debian', '12')), findings: findings.slice(0, 1000) };
    for (const format of ['table', 'json', 'spdx-json', 'sarif', 'cyclonedx-json', 'junit'] as const) {
      const reporter = getScanReporter(format)!;
      expect(Array.from(reporterChunks(reporter, small, opts)).join(''), format).toBe(reporter.render(small, opts));
    }
    expect(getScanReporter('json')!.render(small, opts)).toBe(`${JSON.stringify(toReportDocument(small), null, 2)}\n`);
    const bom = toCycloneDx(small);
    addCycloneDxVulnerabilities(bom, small);
    const library = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)).serialize(bom, { sortLists: true, space: 2 });
    expect(getScanReporter('cyclonedx-json')!.render(small, opts)).toBe(`${library}\n`);
  });
});
