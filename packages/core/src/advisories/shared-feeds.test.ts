import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDir } from '../testing/shared-data.js';
import { getVersionScheme, isAffectedByEvents } from '../versioning/index.js';
import { buildAdvisoryDb, type BuildReport } from './build.js';
import { openAdvisoryStore } from './sqlite-store.js';
import type { AdvisoryStore } from './types.js';

// Real feeds beside the repository (../shared/feeds, see its README): skipped when absent,
// an error when SEKISHO_REQUIRE_FIXTURES=1.
const feeds = sharedDir('feeds');

describe.skipIf(feeds === null)('advisory database from ../shared/feeds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-feeds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let report: BuildReport;
  let store: AdvisoryStore;

  it('builds from every feed, skipping only defective records', async () => {
    const warnings: string[] = [];
    report = await buildAdvisoryDb({ out: join(dir, 'advisories.sqlite'), from: [feeds ?? ''], onWarning: (m) => warnings.push(m) });
    const perSecond = Math.round(report.advisories / (report.durationMs / 1000));
    console.log(`built ${report.advisories} advisories from ${report.files} files in ${Math.round(report.durationMs)} ms (${perSecond} records/s), ${report.bytes} bytes`);
    console.log(report.sources.map((s) => `${s.id}: ${s.records} records, ${s.skipped} skipped, ${s.duplicates} duplicates`).join('\n'));
    console.log(warnings.slice(0, 20).join('\n'));
    store = openAdvisoryStore(report.out);
    const bySource = new Map(report.sources.map((s) => [s.id, s]));
    expect(bySource.get('osv-pypi')?.records).toBe(2661);
    expect(bySource.get('osv-go')?.records).toBe(4291);
    expect(bySource.get('npm-nsp')?.records).toBe(467);
    expect(bySource.get('npm-nsp')?.duplicates).toBe(467); // index.json repeats every advisory
    expect(bySource.get('rustsec')?.records).toBe(438); // 714 minus 276 informational
    expect(bySource.get('osv-ubuntu')?.records).toBe(2);
    expect(bySource.get('debian-dsa')?.records).toBeGreaterThan(5000);
    expect(bySource.get('debian-dla')?.records).toBeGreaterThan(3400);
    // Known defects of the data: one heimdal secfixes version without a list (v3.6/main.yaml).
    expect(report.sources.reduce((n, s) => n + s.skipped, 0)).toBe(1);
    expect(warnings).toEqual([expect.stringContaining('heimdal 7.4.0-r0')]);
  });

  it('keeps a PYSEC advisory with its PEP 440 ranges', () => {
    const hit = store.query('PyPI', 'Ansible').find((h) => h.advisory.id === 'PYSEC-2021-1');
    expect(hit).toBeDefined();
    const scheme = getVersionScheme('pep440');
    const ranges = hit!.affected.ranges;
    expect(ranges.every((r) => r.scheme === 'pep440')).toBe(true);
    const affected = (v: string): boolean => ranges.some((r) => isAffectedByEvents(scheme, v, r.events));
    for (const fixed of hit!.affected.fixedVersions) expect(affected(fixed)).toBe(false);
    expect(hit!.affected.versions.length).toBeGreaterThan(0);
    for (const v of hit!.affected.versions.slice(0, 20)) expect(affected(v)).toBe(true);
  });

  it('prefixes Go versions with v', () => {
    const hit = store.query('Go', 'stdlib').find((h) => h.advisory.id === 'GO-2024-2687');
    expect(hit?.advisory.aliases).toContain('CVE-2023-45288');
    const events = hit!.affected.ranges.flatMap((r) => r.events);
    expect(events).toContainEqual({ fixed: 'v1.21.9' });
    expect(events.every((e) => e.introduced === '0' || Object.values(e).every((v) => v.startsWith('v')))).toBe(true);
    expect(isAffectedByEvents(getVersionScheme('golang'), 'v1.21.8', hit!.affected.ranges[0]!.events)).toBe(true);
  });

  it('converts RustSec requirements to cargo ranges', () => {
    const hit = store.query('crates.io', 'abi_stable').find((h) => h.advisory.id === 'RUSTSEC-2020-0105');
    expect(hit?.affected.ranges).toEqual([{ scheme: 'cargo', events: [{ introduced: '0' }, { fixed: '0.9.1' }] }]);
  });

  it('keeps Alpine secfixes per release and Debian DSA fixed versions', () => {
    const alpine = store.query('alpine:3.11', 'ansible').find((h) => h.advisory.id === 'CVE-2019-14904');
    expect(alpine?.affected).toMatchObject({ status: 'fixed', fixedVersions: ['2.9.3-r0'] });
    const dsa = store.query('debian:11', 'xorg-server').find((h) => h.advisory.id === 'DSA-5380-1');
    expect(dsa?.advisory.aliases).toEqual(['CVE-2023-1393']);
    expect(dsa?.affected.fixedVersions).toEqual(['2:1.20.11-1+deb11u6']);
    expect(store.query('ubuntu:24.04', 'linux-azure').some((h) => h.advisory.id === 'USN-7500-1')).toBe(true);
    store.close();
  });
});
