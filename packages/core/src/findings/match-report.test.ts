import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { advisoryStoreFromYaml } from '../testing/advisory-store.js';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { matchVulnerabilities } from './match-report.js';

const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '../matchers/__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');

// Debian's python3-urllib3 ships urllib3's dist-info: the language package is contained by the OS package.
const osPkg = pkg('deb', 'python3-urllib3', '1.26.12-1', { id: 'os-urllib3', source: { name: 'python-urllib3', version: '1.26.12-1' } });
const pyPkg = pkg('pypi', 'urllib3', '1.26.12', { id: 'py-urllib3', purl: 'pkg:pypi/urllib3@1.26.12' });
const debianPython = report([osPkg, pyPkg], distro('debian', '12'), [{ from: 'os-urllib3', to: 'py-urllib3', type: 'contains' }]);

describe('matchVulnerabilities', () => {
  it('judges an OS-owned language package through its owner by default: one finding, from the distro', () => {
    const result = matchVulnerabilities(debianPython, store);
    expect(result.findings.map((f) => [f.packageName, f.vulnerabilityId, f.foundBy])).toEqual([['python3-urllib3', 'CVE-2023-43804', 'distro-matcher']]);
    expect(result.stats).toMatchObject({ packages: 2, searched: 1, osOwnedSkipped: 1 });
    const f = result.findings[0]!;
    expect(f).toMatchObject({ aliases: ['DLA-3610-1'], fixedVersions: ['1.26.12-1+deb12u1'], status: 'fixed', severity: 'medium', vendorSeverity: 'medium', osOwner: null });
    expect(f.match).toMatchObject({ searchedBy: 'source-package', namespace: 'debian:12', packageName: 'python-urllib3', scheme: 'deb' });
    expect(f.createdBy).toBe('RUN apt-get install -y example');
  });

  it('with matchOsOwned, also matches it against the language feed, marked as OS-owned, feeds merged by alias', () => {
    const result = matchVulnerabilities(debianPython, store, { matchOsOwned: true });
    const py = result.findings.filter((f) => f.packageName === 'urllib3');
    // PYSEC-2023-192 and GHSA-v845-jxx5-vc9f are one vulnerability (CVE-2023-43804); the DLA is about the OS package only.
    expect(py).toHaveLength(1);
    const f = py[0]!;
    expect(f.vulnerabilityId).toBe('CVE-2023-43804');
    expect(f.aliases).toEqual(['GHSA-v845-jxx5-vc9f', 'PYSEC-2023-192']);
    // …and the OS package's finding has the same id, so both rows read as one vulnerability
    expect(result.findings.find((x) => x.packageName === 'python3-urllib3')?.vulnerabilityId).toBe('CVE-2023-43804');
    expect(f.osOwner).toEqual({ packageId: 'os-urllib3', packageName: 'python3-urllib3' });
    expect(f.match?.searchedBy).toBe('os-owned');
    expect(f.match?.found.map((x) => x.advisoryId)).toEqual(['GHSA-v845-jxx5-vc9f', 'PYSEC-2023-192']);
    expect(f.fixedVersions).toEqual(['1.26.17', '2.0.6']);
    // CVSS 3.1: impact 6.42 × (1 − 0.44 × 0.44) = 5.18, exploitability 8.22 × 0.85 × 0.44 × 0.27 × 0.62 = 0.51 → roundup(5.69) = 5.7
    expect(f.cvss).toEqual([{ source: 'ghsa', version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N', baseScore: 5.7 }]);
    expect(f.severity).toBe('medium');
    expect(f.epss).toEqual({ score: 0.02, percentile: 0.8 });
    expect(f.description).toMatch(/installed by OS package python3-urllib3/);
  });

  it('enriches from CVE facts: NVD vector, EPSS, KEV, and priority with context', () => {
    const lib = pkg('deb', 'libexample1', '1.2.3-1', { source: { name: 'example-src', version: '1.2.3-1' } });
    const plain = matchVulnerabilities(report([lib], distro('debian', '12')), store);
    const f = plain.findings.find((x) => x.vulnerabilityId === 'CVE-2024-1000')!;
    expect(f.severity).toBe('high'); // the vendor's word wins over NVD's 9.8
    expect(f.cvss?.[0]).toMatchObject({ source: 'nvd', baseScore: 9.8 });
    expect(f.kev).toMatchObject({ dateAdded: '2024-02-01', ransomware: true });
    // 9.8 + KEV 4 + ransomware 1 + EPSS ≥ 0.5 3 + fix 1 = 18.8
    expect(f.priority).toMatchObject({ level: 'p1', score: 18.8 });
    const internal = matchVulnerabilities(report([lib], distro('debian', '12')), store, { context: 'internal' });
    expect(internal.findings.find((x) => x.vulnerabilityId === 'CVE-2024-1000')?.priority?.score).toBe(15.04);
    // no CVSS, no vendor severity: unknown, base 5; no fix
    const unfixed = plain.findings.find((x) => x.vulnerabilityId === 'CVE-2024-1001')!;
    expect(unfixed).toMatchObject({ severity: 'unknown', status: 'not-fixed', fix: null, priority: { level: 'p3', score: 5 } });
  });

  it('reports invalid versions and unknown releases as unknowns', () => {
    const bad = pkg('pypi', 'urllib3', '1.26.12 (patched)', { id: 'bad' });
    const result = matchVulnerabilities(report([bad, pkg('deb', 'libexample1', '1.0-1')], distro('debian', '')), store);
    expect(result.findings).toEqual([]);
    expect(result.unknowns.map((u) => u.packageName).sort()).toEqual(['libexample1', 'urllib3']);
  });

  it('is deterministic: same input, same output, sorted', () => {
    const a = matchVulnerabilities(debianPython, store, { matchOsOwned: true });
    const b = matchVulnerabilities({ ...debianPython, packages: [...debianPython.packages].reverse() }, store, { matchOsOwned: true });
    expect(b.findings).toEqual(a.findings);
  });

  it('reads the deployment context from the image label when no option is given', () => {
    const lib = pkg('deb', 'libexample1', '1.2.3-1', { source: { name: 'example-src', version: '1.2.3-1' } });
    const base = report([lib], distro('debian', '12'));
    const labelled = { ...base, image: { ...base.image!, config: { ...base.image!.config, labels: { 'io.sekisho.context': 'internet-facing' } } } };
    const f = matchVulnerabilities(labelled, store).findings.find((x) => x.vulnerabilityId === 'CVE-2024-1001')!;
    expect(f.priority?.factors).toContain('internet-facing ×1.25');
  });

  it('counts the packages no matcher could search, by type', () => {
    const inventory = report([pkg('conda', 'zlib', '1.2.11', { id: 'c1' }), pkg('conda', 'openssl', '3.0.0', { id: 'c2' }), pkg('php-pear', 'redis', '5.3.7', { id: 'p1' }), pyPkg], null);
    const result = matchVulnerabilities(inventory, store);
    expect(result.stats).toMatchObject({ searched: 1, notSearchable: 3, notSearchableByType: { conda: 2, 'php-pear': 1 } });
  });

  it('matches the language packages pacman installed themselves: no feed covers Arch, so nothing judges them through their owner', () => {
    const arch = pkg('alpm', 'python-urllib3', '1.26.12-1', { id: 'arch-urllib3' });
    const inventory = report([arch, pyPkg], distro('arch', ''), [{ from: 'arch-urllib3', to: 'py-urllib3', type: 'contains' }]);
    const result = matchVulnerabilities(inventory, store);
    expect(result.stats).toMatchObject({ osOwnedSkipped: 0, notSearchable: 0 });
    // The OS package itself is not judged by anything: an unknown, so the report is incomplete.
    expect(result.unknowns.map((u) => [u.packageId, u.reason])).toEqual([['arch-urllib3', 'not checked for vulnerabilities: no advisory feed here covers Arch Linux (pacman) packages']]);
    expect(result.findings.filter((f) => f.packageName === 'urllib3').map((f) => f.osOwner)).toEqual([null]);
  });
});
