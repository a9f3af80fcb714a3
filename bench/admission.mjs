// npm run bench:admission — p50/p99 latency of POST /validate over HTTPS on loopback at 50 and 500
// concurrent connections (autocannon), for a pod-spec-only policy and for an image verdict served
// from the cache, against a floor measured in the same run: GET /healthz on the same server (TLS,
// HTTP and the event loop, no judging). Goal: p99 ≤ 20 ms at 50 connections; Kyverno publishes
// p99 182 ms at 50 users (CEL ValidatingPolicy, one replica). Each run is bounded by BENCH_SECONDS.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { parsePolicy } from '../packages/core/dist/index.js';
import { AdmissionController, parseAdmissionReview } from '../packages/admission/dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '50,500').split(',').map(Number);
const GOAL_P99_MS = 20;
const review = readFileSync(join(ROOT, 'packages/admission/src/__fixtures__/reviews/pod-create-restricted.json'), 'utf8');

function startServer(scenario) {
  const child = fork(join(ROOT, 'bench/admission-server.mjs'), [scenario], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolvePort, reject) => {
    child.stdout.once('data', (d) => resolvePort({ child, port: Number(String(d).trim()) }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function load(port, path, connections, body) {
  const result = await autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
    connections,
    duration: SECONDS,
    timeout: 10,
    tlsOptions: { rejectUnauthorized: false },
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  return { p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average), requests: result.requests.total, bad };
}

// The judging alone, in this process: what a request costs beyond TLS and HTTP.
async function judgingMs() {
  const policy = parsePolicy(
    `apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: bench }
environments:
  prod: { admission: { mode: enforce, podSecurity: { level: restricted, version: latest } } }
defaultEnvironment: prod
`,
    'bench.yaml',
  );
  const controller = new AdmissionController({ policy });
  const request = parseAdmissionReview(JSON.parse(review)).request;
  for (let i = 0; i < 500; i++) await controller.review(request, 'validate');
  const started = performance.now();
  for (let i = 0; i < 5000; i++) await controller.review(request, 'validate');
  return (performance.now() - started) / 5000;
}
const judging = await judgingMs();
const loadBefore = loadavg()[0];

const rows = [];
for (const scenario of ['pod-spec', 'cached-verdict']) {
  const { child, port } = await startServer(scenario);
  try {
    // warm the verdict cache and the JIT
    await load(port, '/validate', 4, review);
    for (const connections of CONNECTIONS) {
      const floor = await load(port, '/healthz', connections);
      const validate = await load(port, '/validate', connections, review);
      rows.push({ scenario, connections, floor, validate });
    }
  } finally {
    child.send('stop');
  }
}

const fmt = (n) => String(n).padStart(7);
console.log(`judging one review (pod-spec policy, in process, no HTTP): ${judging.toFixed(3)} ms`);
console.log(
  `POST /validate over HTTPS on loopback, ${SECONDS} s per run (latency in ms); 1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${(await import('node:os')).availableParallelism()} cores`,
);
console.log('scenario        conns   p50     p99   req/s  | floor /healthz p50    p99  | p99 ratio  errors');
for (const r of rows) {
  console.log(
    `${r.scenario.padEnd(15)} ${String(r.connections).padStart(5)} ${fmt(r.validate.p50)} ${fmt(r.validate.p99)} ${fmt(r.validate.rps)}  | ${fmt(r.floor.p50)} ${fmt(r.floor.p99)}  | ${(r.validate.p99 / Math.max(r.floor.p99, 1)).toFixed(2).padStart(8)}×  ${r.validate.bad + r.floor.bad}`,
  );
}
for (const r of rows.filter((x) => x.connections === 50)) {
  const ok = r.validate.p99 <= GOAL_P99_MS;
  console.log(`${r.scenario}: p99 ${r.validate.p99} ms at 50 connections — goal ≤ ${GOAL_P99_MS} ms ${ok ? 'met' : 'NOT met'} (Kyverno published p99 182 ms at 50 users)`);
}
if (rows.some((r) => r.validate.bad > 0)) {
  console.error('some requests failed');
  process.exitCode = 1;
}
