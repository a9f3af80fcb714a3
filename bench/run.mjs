// npm run bench — Sekisho's speed as ratios against a floor measured in the same run.
//   1. the bench image (Debian minbase + python3 + nodejs + npm, ≥ 400 MB uncompressed), gzip and zstd:
//      decompression floor, cold SBOM, cold/floor, warm (all layers cached), warm/cold, peak RSS
//   2. a many-files image (200,000 small files, synthetic node_modules tree): files/s, cold/floor, RSS
//   3. bench/large-sbom.mjs: sbom-scan of synthetic CycloneDX with 10k, 100k and 1M components (time, RSS, exit)
//   0. first, bench/peers.mjs: start-up against `node -e 0`, and for each fixture image cold, warm and `dir:`
//      against the floor and (with --peers) Trivy's rootfs cataloguer on the same unpacked content,
//      then two cold scans of the largest fixture at once against one alone (throughput ratio)
// Flags: --peers (install and run Trivy), --fixtures-only (stop after part 0).
// Runs are interleaved (floor, cold, warm per round) and the median is reported: this VM is noisy.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliArgv, cliEnv, defaultPeersCache, fixtureImages, installTrivy, measureImage, measureStartup, printPeers } from './peers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
// The pinned Node 24 (node_modules/.bin/node) even when this script was started by another node.
const PINNED = join(ROOT, 'node_modules/.bin/node');
const NODE = existsSync(PINNED) ? PINNED : process.execPath;
// SEKISHO_BENCH_CLI: another build's main.js (e.g. before/after a change), measured the same way.
const CLI = process.env.SEKISHO_BENCH_CLI ?? join(ROOT, 'packages/cli/bin/sekisho.js');
const CLI_ARGV = cliArgv(CLI);
const CLI_ENV = cliEnv(CLI);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMAGES = process.env.SEKISHO_FIXTURES_DIR ?? join(ROOT, '.fixtures/images');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function run(args, env = {}) {
  const command = TIME ? [TIME, '-f', '%e %M', NODE, ...args] : [NODE, ...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { env: { ...process.env, ...(args.includes(CLI) ? CLI_ENV : {}), ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const rssKb = TIME ? Number(result.stderr.trim().split('\n').at(-1).split(' ')[1]) : NaN;
  return { seconds, rssMb: rssKb / 1024, stdout: result.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

function measure(label, layout, extraNote = '') {
  const cache = mkdtempSync(join(tmpdir(), 'sekisho-bench-cache-'));
  const sbom = (cacheArgs) => [...CLI_ARGV, ...cacheArgs, '--quiet', 'sbom', `oci:${layout}`, '--format', 'json'];
  try {
    const uncompressed = Number(run([join(ROOT, 'bench/floor.mjs'), layout]).stdout.trim());
    run(sbom(['--cache-dir', cache])); // prime the cache for warm runs
    const floor = [],
      cold = [],
      warm = [],
      rss = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      floor.push(run([join(ROOT, 'bench/floor.mjs'), layout]).seconds);
      const c = run(sbom(['--no-cache']));
      cold.push(c.seconds);
      rss.push(c.rssMb);
      warm.push(run(sbom(['--cache-dir', cache])).seconds);
    }
    const packages = JSON.parse(run(sbom(['--cache-dir', cache])).stdout).packages.length;
    const f = median(floor),
      c = median(cold),
      w = median(warm);
    return { label, uncompressedMb: uncompressed / 1e6, packages, floor: f, cold: c, ratio: c / f, warm: w, warmRatio: w / c, rss: Math.max(...rss), note: extraNote };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** One cold scan, or `n` of the same image started together: wall seconds until the last ends. */
function coldScans(layout, n) {
  const started = process.hrtime.bigint();
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const child = spawn(NODE, [...CLI_ARGV, '--no-cache', '--quiet', 'sbom', `oci:${layout}`, '--format', 'json', '-o', '/dev/null'], { stdio: 'ignore', env: { ...process.env, ...CLI_ENV } });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sbom exited ${code}`))));
        }),
    ),
  ).then(() => Number(process.hrtime.bigint() - started) / 1e9);
}

/** Two cold scans at once on this machine's cores against one alone, interleaved: the throughput ratio. */
async function printConcurrency(image) {
  const one = [];
  const two = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    one.push(await coldScans(image.layout, 1));
    two.push(await coldScans(image.layout, 2));
  }
  const ratio = (2 * median(one)) / median(two);
  console.log(`\ntwo cold scans of ${image.name} at once: ${fmt(median(two))} s against ${fmt(median(one))} s for one → ${fmt(ratio)}× the throughput of one (goal ≥ 1.7 on 2 cores)`);
}

function ensureImages() {
  if (!existsSync(join(IMAGES, 'bench/oci')) || !existsSync(join(IMAGES, 'bench/oci-zstd'))) {
    console.log('building the bench image (mmdebstrap; a few minutes, once)…');
    execFileSync(join(ROOT, 'scripts/build-fixture-images.sh'), ['--bench'], { stdio: 'inherit' });
  }
  const many = join(IMAGES, 'many-files/oci');
  if (!existsSync(many)) {
    console.log('writing the many-files image (200,000 files)…');
    execFileSync(NODE, [join(ROOT, 'bench/many-files-image.mjs'), many], { stdio: 'inherit' });
  }
}

if (!existsSync(CLI)) {
  console.error('build first: npm run build');
  process.exit(2);
}
const FLAGS = new Set(process.argv.slice(2));
{
  const trivy = FLAGS.has('--peers') ? installTrivy(process.env.SEKISHO_BENCH_PEERS_DIR ?? defaultPeersCache()) : null;
  const startup = measureStartup({ node: NODE, cli: CLI, rounds: ROUNDS });
  const fixtures = fixtureImages(IMAGES);
  const peerRows = fixtures.map((image) => measureImage(image, { node: NODE, cli: CLI, floorScript: join(ROOT, 'bench/floor.mjs'), trivy, rounds: ROUNDS }));
  console.log(`\nSekisho and peers (${ROUNDS} interleaved rounds, medians; node ${process.version}; ${fixtures.length} fixture images in ${IMAGES})`);
  printPeers(peerRows, startup, trivy !== null);
  const largest = fixtures.find((f) => f.name === 'debian-node') ?? fixtures[0];
  if (largest !== undefined) await printConcurrency(largest);
  if (FLAGS.has('--fixtures-only')) process.exit(0);
}
mkdirSync(IMAGES, { recursive: true });
ensureImages();
/** `image --scanners secret,malware` (no cache) against `sbom` (no cache) on the same image, interleaved. */
function scannersOverhead(layout) {
  const sbom = [...CLI_ARGV, '--no-cache', '--quiet', 'sbom', `oci:${layout}`, '--format', 'json'];
  const scan = [...CLI_ARGV, '--no-cache', '--quiet', 'image', `oci:${layout}`, '--scanners', 'secret,malware', '--format', 'json'];
  const a = [],
    b = [],
    rss = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    a.push(run(sbom).seconds);
    const r = run(scan);
    b.push(r.seconds);
    rss.push(r.rssMb);
  }
  return { sbom: median(a), scanners: median(b), ratio: median(b) / median(a), rss: Math.max(...rss) };
}

const rows = [
  measure('gzip, 1 layer', join(IMAGES, 'bench/oci')),
  measure('zstd, 1 layer', join(IMAGES, 'bench/oci-zstd')),
  measure('many files (gzip)', join(IMAGES, 'many-files/oci'), '200,000 files'),
];
console.log(`\nSekisho bench (${ROUNDS} interleaved rounds, medians; node ${process.version}; floor = read + decompress every layer)\n`);
console.log('image               | MB tar | pkgs  | floor s | cold s | cold/floor | warm s | warm/cold | peak RSS MB');
console.log('--------------------|--------|-------|---------|--------|------------|--------|-----------|------------');
for (const r of rows) {
  console.log(
    `${r.label.padEnd(20)}| ${fmt(r.uncompressedMb, 0).padStart(6)} | ${String(r.packages).padStart(5)} | ${fmt(r.floor).padStart(7)} | ${fmt(r.cold).padStart(6)} | ${fmt(r.ratio).padStart(10)} | ${fmt(r.warm).padStart(6)} | ${fmt(r.warmRatio).padStart(9)} | ${fmt(r.rss, 0).padStart(11)}`,
  );
}
const many = rows[2];
console.log(`\nmany-files: ${fmt(200_000 / many.cold, 0)} files/s cold`);
console.log('targets: cold/floor ≤ 1.3 (gzip, zstd), warm/cold ≤ 0.10, peak RSS ≤ 300 MB (≤ 400 MB many-files)');

const overhead = scannersOverhead(join(IMAGES, 'bench/oci'));
console.log(`\nsecrets + malware on the bench image: ${fmt(overhead.scanners)} s vs SBOM-only ${fmt(overhead.sbom)} s = ${fmt(overhead.ratio)}× (target ≤ 1.5×), peak RSS ${fmt(overhead.rss, 0)} MB`);

// The advisory database and the registry have their own benches (same machine, same run).
for (const [script, needs] of [
  ['bench/db-bench.mjs', null],
  ['bench/registry-bench.mjs', 'docker-registry'],
  ['bench/large-sbom.mjs', null],
]) {
  if (needs !== null && spawnSync('sh', ['-c', `command -v ${needs}`]).status !== 0) {
    console.log(`\n${script}: skipped (${needs} not installed)`);
    continue;
  }
  console.log(`\n== ${script}`);
  const result = spawnSync(NODE, [join(ROOT, script)], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) console.log(`${script} failed with status ${result.status}`);
}
