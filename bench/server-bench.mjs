// Fleet-scanning bench on PostgreSQL (127.0.0.1:5432, a throwaway database per run, dropped at the end):
//   1. N synthetic images written as OCI layouts, 10 small layers each, 7 of them shared by every
//      image (70 % of the layers), 3 unique (a file and an npm package of its own);
//   2. the floor: the same images scanned one after another in this process (core's scanImage with the
//      layer cache, matching, recordScan on SQLite): images/s with no queue at all;
//   3. for 1, 2 and 4 `sekisho worker` processes (--concurrency 2 each): N scan-image jobs queued on
//      pg-boss, throughput (images/s and its ratio to the floor), queue wait p50/p99 (created → started),
//      store rows and bytes per image;
//   4. a rescan after an advisory database update: the OCI layouts are deleted first (no layer can be
//      read), every stored inventory is re-matched by the 4 workers: images/s and its ratio to (3).
// Needs `npm run build`. Usage: npm run bench:server [-- --images 1000]
//   BENCH_SERVER_IMAGES / --images N   images (default 200; 1000 is the figure, ~5x longer)
//   BENCH_SERVER_WORKERS=1,2,4         worker counts
//   BENCH_SERVER_TIMEOUT_S=900         the whole bench stops (and says so) after this
//   SEKISHO_TEST_POSTGRES_URL          the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { buildAdvisoryDb, scanImage, setupScanners, parseScanners, withPostScanFindings, withScannersRan } from '../packages/core/dist/index.js';
import { advisoryDbAt, enqueueRematchAfterDbUpdate, matchReport, openPgBossQueue, openPostgresRepository, openSqliteStore } from '../packages/server/dist/index.js';
import { buildImage, writeOciLayout } from '../packages/testkit/dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'main.js');
const argImages = process.argv.indexOf('--images');
const N = Number(argImages > 0 ? process.argv[argImages + 1] : (process.env.BENCH_SERVER_IMAGES ?? 200));
const WORKERS = (process.env.BENCH_SERVER_WORKERS ?? '1,2,4').split(',').map(Number);
const DEADLINE = Date.now() + Number(process.env.BENCH_SERVER_TIMEOUT_S ?? 900) * 1000;
const ADMIN_URL = process.env.SEKISHO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SHARED = 7;
const UNIQUE = 3;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const checkDeadline = (what) => {
  if (Date.now() > DEADLINE) throw new Error(`bench time limit reached during ${what} (BENCH_SERVER_TIMEOUT_S)`);
};

const file = (name, content) => ({ name, content: Buffer.from(content) });
const dpkg = (pkgs) => pkgs.map(([n, v]) => `Package: ${n}\nStatus: install ok installed\nVersion: ${v}\nArchitecture: amd64\n`).join('\n');
const npmPkg = (name, version) => JSON.stringify({ name, version });

function sharedLayers() {
  const layers = [
    {
      entries: [
        file('etc/os-release', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
        file(
          'var/lib/dpkg/status',
          dpkg([
            ['openssl', '3.0.11-1~deb12u2'],
            ['zlib1g', '1:1.2.13.dfsg-1'],
            ['ca-certificates', '20230311'],
          ]),
        ),
      ],
    },
    { entries: [file('app/node_modules/lodash/package.json', npmPkg('lodash', '4.17.15'))] },
  ];
  for (let i = layers.length; i < SHARED; i++) layers.push({ entries: [file(`usr/share/bench/shared-${i}.txt`, `shared layer ${i}\n`.repeat(200))] });
  return layers;
}

function imageSpec(i, shared) {
  const unique = [];
  for (let u = 0; u < UNIQUE; u++)
    unique.push({ entries: [file(`app/node_modules/pkg-${i}-${u}/package.json`, npmPkg(`bench-pkg-${i}-${u}`, `1.${u}.${i}`)), file(`srv/data-${i}-${u}.bin`, randomBytes(2048).toString('hex'))] });
  return { layers: [...shared, ...unique], config: { Cmd: ['node', 'app.js'], Labels: { 'bench.image': String(i) } }, created: '2026-01-01T00:00:00Z' };
}

async function admin(fn) {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createDatabase() {
  const name = `sekisho_bench_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

const dropDatabase = (name) => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

function startWorker(url, dbFile, cacheDir) {
  const child = spawn(process.execPath, [CLI, '--cache-dir', cacheDir, 'worker', '--database', url, '--concurrency', '2', '--db', dbFile, '--scanners', 'vuln,secret'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise((ok, fail) => {
    child.stderr.on('data', () => stderr.includes('taking jobs') && ok());
    child.once('exit', (code) => fail(new Error(`a worker exited (${code}): ${stderr.slice(0, 2000)}`)));
  });
  return { child, exited, ready, stderr: () => stderr };
}

async function sql(url, text, values = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitDone(url, queueName, total, what) {
  for (;;) {
    checkDeadline(what);
    const rows = await sql(url, `SELECT state::text AS state, COUNT(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY 1`, [queueName]);
    const n = (s) => rows.find((r) => r.state === s)?.n ?? 0;
    if (n('failed') > 0) throw new Error(`${n('failed')} ${what} job(s) failed`);
    if (n('completed') >= total) return;
    await sleep(100);
  }
}

const work = mkdtempSync(join(tmpdir(), 'sekisho-server-bench-'));
const databases = [];
try {
  console.log(`server bench: ${N} images, ${SHARED + UNIQUE} layers each (${SHARED} shared = ${Math.round((100 * SHARED) / (SHARED + UNIQUE))} %), workers ${WORKERS.join('/')} × concurrency 2`);
  // Advisory database v1 from the example feeds.
  const dbFile = join(work, 'advisories.sqlite');
  await buildAdvisoryDb({ out: dbFile, from: [join(ROOT, 'examples', 'advisories')], now: new Date('2026-01-01T00:00:00Z') });

  // 1. The images.
  const shared = sharedLayers();
  const images = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const spec = imageSpec(i, shared);
    const dir = join(work, 'images', String(i));
    await writeOciLayout(dir, spec, { tag: 'latest' });
    images.push({ dir, digest: buildImage(spec).manifest.digest });
  }
  console.log(`  wrote ${N} OCI layouts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // 2. The floor: no queue, one process, one image after another, SQLite store.
  const floorN = Math.min(N, 50);
  const floorStore = await openSqliteStore({ path: join(work, 'floor.db') });
  const selected = parseScanners('vuln,secret');
  const setup = await setupScanners(selected, { showSecrets: false });
  const advisoryStore = advisoryDbAt(dbFile).open();
  const floorCache = join(work, 'floor-cache');
  const f0 = performance.now();
  for (const image of images.slice(0, floorN)) {
    const scan = await scanImage(image.dir, { cacheDir: floorCache, analyzers: setup.analyzers, configAnalyzers: setup.configAnalyzers, analyzerOptions: setup.analyzerOptions });
    const report = matchReport(withScannersRan(withPostScanFindings(scan, setup, new Date()), ['secret']), advisoryStore, dbFile);
    await floorStore.repository.recordScan(report, 'floor');
  }
  const floorRate = floorN / ((performance.now() - f0) / 1000);
  await floorStore.repository.close();
  advisoryStore.close();
  console.log(`  floor (in-process, no queue, SQLite): ${floorRate.toFixed(1)} images/s over ${floorN} images`);

  let last = null;
  for (const workers of WORKERS) {
    checkDeadline(`${workers} worker(s)`);
    const db = await createDatabase();
    databases.push(db.name);
    const repository = await openPostgresRepository({ connectionString: db.url, max: 2 });
    const queue = await openPgBossQueue({ connectionString: db.url, max: 2 });
    const cacheDir = join(work, `cache-${workers}`);
    mkdirSync(cacheDir, { recursive: true });
    const procs = Array.from({ length: workers }, () => startWorker(db.url, dbFile, cacheDir));
    await Promise.all(procs.map((p) => p.ready));
    // Queued as a registry watch would: all at once, workers already waiting.
    const started = performance.now();
    for (const image of images) await queue.enqueue('scan-image', { reference: image.dir, digest: image.digest }, { singletonKey: image.digest });
    try {
      await waitDone(db.url, 'sekisho-scan-image', N, 'scan');
    } catch (error) {
      for (const p of procs) console.error(p.stderr().slice(0, 2000));
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    const waits = (await sql(db.url, `SELECT EXTRACT(EPOCH FROM (started_on - created_on)) * 1000 AS ms FROM pgboss.job WHERE name = 'sekisho-scan-image'`)).map((r) => Number(r.ms));
    const counts = await sql(db.url, `SELECT relname AS table, n_live_tup::bigint AS rows, pg_total_relation_size(relid) AS bytes FROM pg_stat_user_tables WHERE schemaname = 'public'`);
    await sql(db.url, 'ANALYZE');
    const rowCount = (
      await Promise.all(
        ['images', 'scans', 'inventories', 'inventory_packages', 'findings', 'finding_intervals', 'tags', 'repository_images'].map(async (t) =>
          Number((await sql(db.url, `SELECT COUNT(*) AS n FROM ${t}`))[0].n),
        ),
      )
    ).reduce((a, b) => a + b, 0);
    const bytes = counts.reduce((a, r) => a + Number(r.bytes), 0);
    const rate = N / seconds;
    console.log(
      `  ${workers} worker(s): ${rate.toFixed(1)} images/s (${(rate / floorRate).toFixed(2)}x the floor), queue wait p50 ${pct(waits, 50).toFixed(0)} ms p99 ${pct(waits, 99).toFixed(0)} ms, ` +
        `${(rowCount / N).toFixed(1)} rows and ${(bytes / N / 1024).toFixed(1)} KiB per image (store tables with indexes)`,
    );
    last = { workers, db, repository, queue, procs, rate };
    if (workers !== WORKERS[WORKERS.length - 1]) {
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      await queue.stop(1000);
      await repository.close();
    }
  }

  // 4. Rescan after a database update, with the layouts gone: only stored inventories can be used.
  rmSync(join(work, 'images'), { recursive: true, force: true });
  await buildAdvisoryDb({ out: dbFile, from: [join(ROOT, 'examples', 'advisories')], now: new Date('2026-02-01T00:00:00Z') });
  const version = '2026-02-01T00:00:00.000Z';
  const r0 = performance.now();
  const queued = await enqueueRematchAfterDbUpdate(last.repository, last.queue, version, 25);
  await waitDone(last.db.url, 'sekisho-rematch', queued.jobs.length, 'rematch');
  const rescanSeconds = (performance.now() - r0) / 1000;
  const matched = (await sql(last.db.url, `SELECT COALESCE(SUM((output->>'matched')::int), 0) AS n FROM pgboss.job WHERE name = 'sekisho-rematch'`))[0].n;
  const rescanRate = N / rescanSeconds;
  console.log(
    `  rescan after a DB update (${last.workers} workers, layouts deleted): ${Number(matched)} of ${N} inventories re-matched, ${rescanRate.toFixed(1)} images/s (${(rescanRate / last.rate).toFixed(1)}x the scan rate)`,
  );
  for (const p of last.procs) p.child.kill('SIGTERM');
  await Promise.all(last.procs.map((p) => p.exited));
  await last.queue.stop(1000);
  await last.repository.close();
} catch (error) {
  console.error(`server bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const name of databases) await dropDatabase(name).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
