import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '@sekisho/model';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdvisoryDb } from '../advisories/build.js';
import { openAdvisoryStore } from '../advisories/sqlite-store.js';
import type { AdvisoryStore } from '../advisories/types.js';
import { scanImage } from '../scan/scan-image.js';
import { fixtureImage } from '../testing/fixture-images.js';
import { sharedDir } from '../testing/shared-data.js';
import type { VulnerabilityMatchResult } from './match-report.js';
import { matchVulnerabilities } from './match-report.js';
import { pkg as makePackage, report as makeReport } from '../matchers/__fixtures__/inventory.js';
import { comparePep440, pep440Key } from './__fixtures__/pep440-oracle.js';
import type { Pep440Key } from './__fixtures__/pep440-oracle.js';

/**
 * Oracle check of issue 4: the real Debian image with python3-* packages
 * (scripts/build-fixture-images.sh debian-python) matched against the PyPA advisory database
 * (../shared/feeds/osv-pypi) with OS-owned packages matched too. Two checks written apart from
 * the matcher must agree with every match and non-match: a Python script using pypa/packaging
 * (when importable), and a PEP 440 ordering written in this test from the specification.
 */
const image = fixtureImage('debian-python');
const feed = sharedDir('feeds', 'osv-pypi');
const python = spawnSync('python3', ['-c', 'import packaging.version, yaml'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (image === null) console.warn('oracle test skipped: build the image with scripts/build-fixture-images.sh debian-python');
if (feed === null) console.warn('oracle test skipped: ../shared/feeds/osv-pypi is absent');
if (!hasPython) console.warn('oracle: python3 with packaging and PyYAML not importable; only the in-test PEP 440 check runs');

type Triple = readonly [name: string, version: string, advisory: string];
const key = (t: Triple): string => t.join(' ');

/** The OSV evaluation pseudo-code over the in-test PEP 440 ordering. */
function inRange(version: Pep440Key, events: readonly Record<string, string>[]): boolean {
  const parse = (v: string): ReturnType<typeof pep440Key> => pep440Key(v);
  const limits = events.filter((e) => e['limit'] !== undefined).map((e) => e['limit']!);
  if (limits.length > 0 && !limits.some((l) => l === '*' || (parse(l) !== null && comparePep440(version, parse(l)!) < 0))) return false;
  const rank: Record<string, number> = { introduced: 0, last_affected: 1, fixed: 2 };
  const steps = events.flatMap((e) =>
    (['introduced', 'fixed', 'last_affected'] as const)
      .filter((k) => e[k] !== undefined)
      .slice(0, 1)
      .map((k) => ({ kind: k, value: e[k]! })),
  );
  steps.sort((a, b) => {
    const za = a.kind === 'introduced' && a.value === '0';
    const zb = b.kind === 'introduced' && b.value === '0';
    if (za || zb) return za === zb ? 0 : za ? -1 : 1;
    return comparePep440(parse(a.value) ?? [0], parse(b.value) ?? [0]) || rank[a.kind]! - rank[b.kind]!;
  });
  let affected = false;
  for (const s of steps) {
    const v = s.value === '0' ? null : parse(s.value);
    if (s.kind === 'introduced') affected = affected || s.value === '0' || (v !== null && comparePep440(version, v) >= 0);
    else if (s.kind === 'fixed') affected = affected && !(v !== null && comparePep440(version, v) >= 0);
    else affected = affected && !(v !== null && comparePep440(version, v) > 0);
  }
  return affected;
}

function tsOracle(feedDir: string, packages: readonly { name: string; version: string }[]): { affected: Triple[]; evaluated: number } {
  const norm = (n: string): string => n.replace(/[-_.]+/g, '-').toLowerCase();
  const wanted = new Map<string, { name: string; version: string }[]>();
  for (const p of packages) wanted.set(norm(p.name), [...(wanted.get(norm(p.name)) ?? []), p]);
  const affected: Triple[] = [];
  let evaluated = 0;
  for (const folder of readdirSync(feedDir).sort()) {
    const dir = path.join(feedDir, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      // failsafe schema: every scalar stays a string, as the feed means it
      const record = parseYaml(readFileSync(path.join(dir, file), 'utf8'), { schema: 'failsafe' }) as {
        id: string;
        withdrawn?: string;
        affected?: { package?: { name?: string; ecosystem?: string }; versions?: string[]; ranges?: { type?: string; events?: Record<string, string>[] }[] }[];
      };
      if (record.withdrawn) continue;
      for (const entry of record.affected ?? []) {
        if (entry.package?.ecosystem !== 'PyPI') continue;
        for (const p of wanted.get(norm(entry.package.name ?? '')) ?? []) {
          evaluated++;
          const v = pep440Key(p.version);
          if (v === null) continue;
          const listed = (entry.versions ?? []).some((x) => pep440Key(x) !== null && comparePep440(pep440Key(x)!, v) === 0);
          if (listed || (entry.ranges ?? []).some((r) => r.type === 'ECOSYSTEM' && inRange(v, r.events ?? []))) affected.push([p.name, p.version, record.id]);
        }
      }
    }
  }
  return { affected: [...new Map(affected.map((t) => [key(t), t])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1)), evaluated };
}

describe.skipIf(image === null || feed === null)('oracle: debian-python against osv-pypi', () => {
  let dir = '';
  let store: AdvisoryStore;
  let report: Report;
  let withOwned: VulnerabilityMatchResult;
  let pypi: { name: string; version: string }[] = [];
  let matcherTriples: Triple[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sekisho-oracle-'));
    const db = path.join(dir, 'osv-pypi.db');
    await buildAdvisoryDb({ out: db, from: [feed!], now: new Date('2025-01-01T00:00:00Z') });
    store = openAdvisoryStore(db);
    ({ report } = await scanImage(image!, { cacheDir: null }));
    withOwned = matchVulnerabilities(report, store, { matchOsOwned: true });
    pypi = report.packages.filter((p) => p.type === 'pypi').map((p) => ({ name: p.name, version: p.version }));
    matcherTriples = withOwned.findings
      .filter((f) => f.packageType === 'pypi')
      .flatMap((f) => (f.match?.found ?? []).map((m): Triple => [f.packageName, f.installedVersion, m.advisoryId]))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
  });
  afterAll(() => {
    store?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('the image has OS-owned Python packages, and by default they are judged through Debian only', () => {
    expect(pypi.map((p) => p.name.toLowerCase())).toEqual(expect.arrayContaining(['urllib3', 'requests', 'jinja2', 'pyyaml']));
    const owned = report.relationships.filter((r) => r.type === 'contains').map((r) => r.to);
    for (const p of report.packages.filter((x) => x.type === 'pypi')) expect(owned).toContain(p.id);
    const plain = matchVulnerabilities(report, store);
    expect(plain.findings.filter((f) => f.packageType === 'pypi')).toEqual([]);
    expect(plain.stats.osOwnedSkipped).toBe(pypi.length);
    expect(withOwned.findings.filter((f) => f.packageType === 'pypi').every((f) => f.osOwner != null && f.match?.searchedBy === 'os-owned')).toBe(true);
  });

  it.skipIf(!hasPython)('agrees with pypa/packaging on every match and non-match', () => {
    const script = path.join(import.meta.dirname, '__fixtures__/osv_pypi_oracle.py');
    const run = spawnSync('python3', [script], { input: JSON.stringify({ feed, packages: pypi }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    const oracle = JSON.parse(run.stdout) as { affected: Triple[]; invalid: [string, string][]; evaluated: number };
    const agree =
      oracle.evaluated -
      new Set([...oracle.affected.map(key)].filter((k) => !matcherTriples.map(key).includes(k)).concat(matcherTriples.map(key).filter((k) => !oracle.affected.map(key).includes(k)))).size;
    console.info(`oracle (packaging): ${pypi.length} PyPI packages, ${oracle.evaluated} package×advisory pairs, ${oracle.affected.length} affected; agreement ${agree}/${oracle.evaluated}`);
    expect(matcherTriples).toEqual(oracle.affected);
    expect(oracle.invalid).toEqual([]);
    expect(oracle.affected.length).toBeGreaterThan(0);
  });

  it('agrees with an independent PEP 440 ordering written from the specification', () => {
    const oracle = tsOracle(feed!, pypi);
    console.info(`oracle (in-test PEP 440): ${oracle.evaluated} pairs, ${oracle.affected.length} affected`);
    expect(matcherTriples).toEqual(oracle.affected);
  });

  it.skipIf(!hasPython)('feed-wide sweep: versions the feed names, for every PyPI package in it, agree with pypa/packaging', { timeout: 600_000 }, () => {
    // Installed versions taken from the feed itself (listed versions and range boundaries) are the
    // versions where an off-by-one in ordering or range evaluation would show.
    const versions = new Map<string, Set<string>>();
    for (const folder of readdirSync(feed!).sort()) {
      const sub = path.join(feed!, folder);
      if (!statSync(sub).isDirectory()) continue;
      for (const file of readdirSync(sub).filter((f) => f.endsWith('.yaml'))) {
        const record = parseYaml(readFileSync(path.join(sub, file), 'utf8'), { schema: 'failsafe' }) as {
          affected?: { package?: { name?: string; ecosystem?: string }; versions?: string[]; ranges?: { events?: Record<string, string>[] }[] }[];
        };
        for (const entry of record.affected ?? []) {
          const name = entry.package?.name;
          if (entry.package?.ecosystem !== 'PyPI' || name === undefined) continue;
          const set = versions.get(name) ?? new Set<string>();
          for (const v of entry.versions ?? []) set.add(v);
          for (const r of entry.ranges ?? []) for (const e of r.events ?? []) for (const v of Object.values(e)) if (v !== '0' && !/^[0-9a-f]{40}$/.test(v)) set.add(v);
          versions.set(name, set);
        }
      }
    }
    // Every version by default is ~290k package×advisory pairs and minutes of CPU; the default takes
    // up to SAMPLE versions per package, evenly spread (SEKISHO_ORACLE_FULL=1 for all of them).
    const full = process.env['SEKISHO_ORACLE_FULL'] === '1';
    const SAMPLE = 12;
    const spread = (list: string[]): string[] => (full || list.length <= SAMPLE ? list : Array.from({ length: SAMPLE }, (_, i) => list[Math.floor((i * (list.length - 1)) / (SAMPLE - 1))]!));
    const packages = [...versions].flatMap(([name, set]) => spread([...set].sort()).map((version) => ({ name, version })));
    const synthetic = makeReport(packages.map((p, i) => makePackage('pypi', p.name, p.version, { id: `p${i}`, purl: '' })));
    const result = matchVulnerabilities(synthetic, store);
    const mine = result.findings.flatMap((f) => (f.match?.found ?? []).map((m) => key([f.packageName, f.installedVersion, m.advisoryId])));
    const run = spawnSync('python3', [path.join(import.meta.dirname, '__fixtures__/osv_pypi_oracle.py')], {
      input: JSON.stringify({ feed, packages }),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.stderr).toBe('');
    const oracle = JSON.parse(run.stdout) as { affected: Triple[]; invalid: [string, string][]; evaluated: number };
    const theirs = new Set(oracle.affected.map(key));
    const ours = new Set(mine);
    const onlyOurs = [...ours].filter((k) => !theirs.has(k));
    const onlyTheirs = [...theirs].filter((k) => !ours.has(k));
    const invalidOurs = new Set(result.unknowns.map((u) => `${u.packageName} ${u.version}`));
    const invalidTheirs = new Set(oracle.invalid.map(([n, v]) => `${n} ${v}`));
    console.info(
      `sweep: ${packages.length} installed versions of ${versions.size} packages, ${oracle.evaluated} package×advisory pairs, ${theirs.size} affected; ` +
        `disagreements: ${onlyOurs.length} only matcher, ${onlyTheirs.length} only packaging; invalid versions ${invalidTheirs.size} (packaging) vs ${invalidOurs.size} (unknowns)`,
    );
    expect(onlyOurs.slice(0, 20)).toEqual([]);
    expect(onlyTheirs.slice(0, 20)).toEqual([]);
    expect([...invalidOurs].sort()).toEqual([...new Set(oracle.invalid.map(([n, v]) => `${n} ${v}`))].sort());
  });
});
