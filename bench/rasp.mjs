// npm run bench:rasp — requests/s and p99 latency of the test Express application with and without
// @sekisho/rasp (report mode, every rule on), on loopback with autocannon, interleaved: plain,
// protected, plain, protected. The route reads a file and round-trips JSON, so the fs and JSON hooks
// and the request tracking are on its path. Goal: throughput overhead ≤ 10%.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

const ROOT = resolve(import.meta.dirname, '..');
const RASP = join(ROOT, 'packages', 'rasp');
const APP = join(RASP, 'test', 'apps', 'express-app.mjs');
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function start(protectedApp) {
  const args = protectedApp ? ['--import', pathToFileURL(join(RASP, 'dist', 'register.js')).href, APP] : [APP];
  const child = spawn(process.execPath, args, { cwd: RASP, env: { ...process.env, PORT: '0', SEKISHO_RASP_MODE: 'report' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  const port = await new Promise((ok, fail) => {
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
      const m = /listening (\d+)/.exec(err);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', (code) => fail(new Error(`app exited ${code}: ${err}`)));
  });
  return { child, port };
}

async function measure(protectedApp) {
  const { child, port } = await start(protectedApp);
  try {
    await autocannon({ url: `http://127.0.0.1:${port}/items?q=warmup`, connections: 10, duration: 1 });
    const r = await autocannon({ url: `http://127.0.0.1:${port}/items?q=shoes`, connections: CONNECTIONS, duration: DURATION });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx responses, ${r.errors} errors`);
    return { rps: r.requests.average, p99: r.latency.p99 };
  } finally {
    child.kill('SIGTERM');
  }
}

const plain = [];
const guarded = [];
for (let round = 0; round < 2; round++) {
  plain.push(await measure(false));
  guarded.push(await measure(true));
}
const avg = (xs, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
const overhead = 1 - avg(guarded, 'rps') / avg(plain, 'rps');
console.log(`without rasp: ${avg(plain, 'rps').toFixed(0)} req/s, p99 ${avg(plain, 'p99').toFixed(1)} ms`);
console.log(`with rasp:    ${avg(guarded, 'rps').toFixed(0)} req/s, p99 ${avg(guarded, 'p99').toFixed(1)} ms`);
console.log(`throughput overhead: ${(overhead * 100).toFixed(1)}% (goal ≤ 10%)`);
