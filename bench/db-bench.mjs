// Advisory database bench:
//   1. build time from all of ../shared/feeds (records/s) and the file size per 100k advisories;
//   2. a database padded with SYNTHETIC advisories to ≥ 1,000,000 (the real feeds' advisories
//      plus generated ones, labelled source "synthetic"): time to match 2,000 packages
//      (indexed look-up + OSV range evaluation per hit + the advisory of each affected hit, as a
//      matcher reads it for a finding), on a fresh store and warm. Target ≤ 200 ms.
//
// Needs: `npx tsc -b` (imports packages/core/dist). Usage: node bench/db-bench.mjs
//   BENCH_DB_TOTAL=1000000  advisories in the padded database (default 1,000,000)
//   BENCH_ROUNDS=5          look-up rounds (median reported)
//   BENCH_DB_DIR=DIR        keep the databases in DIR and reuse a padded one found there
// Wall time on a shared VM is noisy: CPU time of this process is printed beside it.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { zstdDecompressSync } from 'node:zlib';
import { AdvisoryDbWriter, buildAdvisoryDb, openAdvisoryStore } from '../packages/core/dist/advisories/index.js';
import { decodeAdvisoryBody, decodeAffected } from '../packages/core/dist/advisories/codec.js';
import { getVersionScheme, isAffectedByEvents } from '../packages/core/dist/versioning/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const FEEDS = resolve(ROOT, '..', 'shared', 'feeds');
const TOTAL = Number(process.env.BENCH_DB_TOTAL ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LOOKUPS = 2000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

if (!existsSync(FEEDS)) {
  console.log(`db-bench: ${FEEDS} is absent; nothing to measure`);
  process.exit(0);
}
const keep = process.env.BENCH_DB_DIR;
const work = keep ?? mkdtempSync(join(tmpdir(), 'sekisho-db-bench-'));
const cpuMs = (from) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};
try {
  // 1. Build from the real feeds.
  const realDb = join(work, 'real.sqlite');
  const build = await buildAdvisoryDb({ out: realDb, from: [FEEDS] });
  const seconds = build.durationMs / 1000;
  console.log(`build from ../shared/feeds: ${build.advisories} advisories from ${build.files} files in ${seconds.toFixed(2)} s = ${Math.round(build.advisories / seconds)} records/s`);
  console.log(`  per source: ${build.sources.map((s) => `${s.id} ${s.records}`).join(', ')}`);
  console.log(`  file: ${mb(build.bytes)} MiB = ${mb((build.bytes / build.advisories) * 100_000)} MiB per 100k advisories (real mix)`);

  // 2. Pad: the real advisories again, then synthetic ones.
  const real = [];
  const source = new DatabaseSync(realDb, { readOnly: true });
  const affectedOf = new Map();
  for (const row of source.prepare('SELECT advisory, namespace, package, payload FROM affected ORDER BY advisory, idx').iterate()) {
    let list = affectedOf.get(row.advisory);
    if (list === undefined) affectedOf.set(row.advisory, (list = []));
    list.push(decodeAffected(typeof row.payload === 'string' ? row.payload : zstdDecompressSync(row.payload).toString('utf8'), row.namespace, row.package));
  }
  for (const row of source.prepare('SELECT rowid, encoding, body FROM advisories').iterate()) {
    const bytes = row.encoding === 1 ? zstdDecompressSync(row.body) : Buffer.from(row.body);
    real.push({ ...decodeAdvisoryBody(bytes.toString('utf8')), affected: affectedOf.get(row.rowid) ?? [] });
  }
  source.close();
  const padded = join(work, 'padded.sqlite');
  const reuse = keep !== undefined && existsSync(padded);
  const started = performance.now();
  const writer = reuse ? null : new AdvisoryDbWriter(padded, { batchSize: 50_000 });
  for (const advisory of real) writer?.addAdvisory(advisory);
  // Synthetic: spread over ecosystems, ~5 advisories per package, one fixed range each.
  const ECOSYSTEMS = [
    ['npm', 'npm'],
    ['PyPI', 'pep440'],
    ['Go', 'golang'],
    ['Maven', 'maven'],
    ['debian:12', 'deb'],
    ['alpine:3.20', 'apk'],
    ['crates.io', 'cargo'],
    ['RubyGems', 'gem'],
  ];
  const synthetic = Math.max(0, TOTAL - real.length);
  const packagesPerEcosystem = Math.ceil(synthetic / 5 / ECOSYSTEMS.length);
  for (let i = 0; i < synthetic && writer !== null; i++) {
    const [namespace, scheme] = ECOSYSTEMS[i % ECOSYSTEMS.length];
    const pkg = Math.floor(i / ECOSYSTEMS.length) % packagesPerEcosystem;
    const fixed = scheme === 'golang' ? `v1.${i % 50}.${i % 7}` : `1.${i % 50}.${i % 7}`;
    writer.addAdvisory({
      id: `SYNTH-${i}`,
      aliases: [`CVE-2999-${100000 + i}`],
      summary: 'synthetic padding advisory',
      details: '',
      published: null,
      modified: null,
      withdrawn: null,
      severity: [],
      references: [],
      affected: [
        { namespace, packageName: `synthetic-pkg-${pkg}`, ranges: [{ scheme, events: [{ introduced: '0' }, { fixed }] }], versions: [], fixedVersions: [fixed], status: 'fixed', vendorSeverity: null },
      ],
      source: 'synthetic',
    });
  }
  writer?.finish({ built: new Date().toISOString(), vacuum: false, sources: [{ id: 'synthetic', records: synthetic, skipped: 0, fetched: null }] });
  const paddedBytes = statSync(padded).size;
  const total = real.length + synthetic;
  console.log(
    `padded database: ${total} advisories (${real.length} real + ${synthetic} SYNTHETIC) ${reuse ? 'reused' : 'written'} in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
      `${mb(paddedBytes)} MiB = ${mb((paddedBytes / total) * 100_000)} MiB per 100k (not vacuumed; mostly small synthetic records)`,
  );

  // 3. 2,000 look-ups: real package names (from the real advisories) and synthetic ones, with versions.
  const names = [];
  const seen = new Set();
  for (const advisory of real) {
    for (const affected of advisory.affected) {
      const key = `${affected.namespace}\u0000${affected.packageName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      names.push({ namespace: affected.namespace, name: affected.packageName, scheme: affected.ranges[0]?.scheme ?? null });
    }
  }
  const lookups = [];
  for (let i = 0; i < LOOKUPS; i++) {
    if (i % 2 === 0 && names.length > 0) lookups.push(names[(i * 7919) % names.length]);
    else {
      const [namespace, scheme] = ECOSYSTEMS[i % ECOSYSTEMS.length];
      lookups.push({ namespace, name: i % 10 === 1 ? `not-a-package-${i}` : `synthetic-pkg-${(i * 104729) % packagesPerEcosystem}`, scheme });
    }
  }
  const version = (scheme) => (scheme === 'golang' ? 'v1.20.3' : scheme === 'deb' ? '1.20.3-1' : scheme === 'apk' ? '1.20.3-r0' : '1.20.3');
  const schemes = new Map();
  const match = (store) => {
    let hits = 0;
    let affected = 0;
    for (const lookup of lookups) {
      for (const hit of store.query(lookup.namespace, lookup.name)) {
        hits++;
        const v = version(hit.affected.ranges[0]?.scheme ?? lookup.scheme);
        const isAffected =
          hit.affected.versions.includes(v) ||
          hit.affected.ranges.some((range) => {
            let scheme = schemes.get(range.scheme);
            if (scheme === undefined) schemes.set(range.scheme, (scheme = getVersionScheme(range.scheme)));
            return isAffectedByEvents(scheme, v, range.events);
          });
        if (isAffected) {
          // as a matcher does for a finding: the advisory's id, aliases and severity
          const advisory = hit.advisory;
          if (advisory.id.length + advisory.aliases.length + advisory.severity.length > 0) affected++;
        }
      }
    }
    return { hits, affected };
  };
  const openStarted = performance.now();
  let store = openAdvisoryStore(padded);
  const openMs = performance.now() - openStarted;
  const coldStarted = performance.now();
  const coldCpu = process.cpuUsage();
  const result = match(store);
  const coldMs = performance.now() - coldStarted;
  const coldCpuMs = cpuMs(coldCpu);
  store.close();
  const fresh = [];
  const freshCpu = [];
  const warm = [];
  for (let r = 0; r < ROUNDS; r++) {
    store = openAdvisoryStore(padded);
    let t = performance.now();
    let c = process.cpuUsage();
    match(store);
    fresh.push(performance.now() - t);
    freshCpu.push(cpuMs(c));
    t = performance.now();
    match(store);
    warm.push(performance.now() - t);
    store.close();
  }
  console.log(`match ${LOOKUPS} packages against ${total} advisories: ${result.hits} advisory hits, ${result.affected} affected`);
  console.log(
    `  open ${openMs.toFixed(1)} ms; first run ${coldMs.toFixed(1)} ms (CPU ${coldCpuMs.toFixed(0)} ms; JIT warm-up, cold caches); ` +
      `fresh store median ${median(fresh).toFixed(1)} ms (CPU ${median(freshCpu).toFixed(0)} ms); warm (decoded cache) median ${median(warm).toFixed(1)} ms`,
  );
  console.log(`  target 200 ms: fresh store ${(median(fresh) / 200).toFixed(2)}× of target (CPU ${(median(freshCpu) / 200).toFixed(2)}×)`);
  console.log(`  per look-up: ${((median(fresh) * 1000) / LOOKUPS).toFixed(1)} µs`);
} finally {
  if (keep === undefined) rmSync(work, { recursive: true, force: true });
}
