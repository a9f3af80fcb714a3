// npm run bench:incidents — events/s through POST /api/v1/events (batches of 500, Fastify inject,
// no network) when every event opens or joins an incident (runtime alerts over BENCH_SUBJECTS
// workloads), against a floor measured in the same run on the same server: the same number of
// events of kind `test`, which are validated and forwarded but file nothing. The ratio is the cost
// of incident filing. Bounded: BENCH_EVENTS (20,000) per measurement.
// BENCH_DATABASE=postgres://… measures PostgreSQL instead of a temporary SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { buildApiServer, issueToken, NoJobQueue, openPostgresRepository, openSqliteRepository } from '../packages/server/dist/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 200);
const BATCH = 500;

const dir = mkdtempSync(join(tmpdir(), 'sekisho-bench-incidents-'));
const repository = process.env.BENCH_DATABASE ? await openPostgresRepository({ connectionString: process.env.BENCH_DATABASE }) : await openSqliteRepository({ path: join(dir, 'sekisho.db') });
const app = await buildApiServer({ repository, queue: new NoJobQueue() });
const { token } = await issueToken(repository, { name: 'bench', role: 'scanner', createdBy: 'bench' });
const start = Date.now();

function event(n, kind) {
  const s = n % SUBJECTS;
  return {
    schema: 'sekisho.event/v1',
    id: randomUUID(),
    time: new Date(start + n).toISOString(),
    kind,
    severity: n % 7 === 0 ? 'critical' : 'high',
    source: { component: 'runtime', instance: 'node-1' },
    subject: { type: 'workload', id: `ns${s}/Deployment/app${s}`, namespace: `ns${s}`, name: `app${s}` },
    principal: null,
    sourceIp: null,
    action: 'Terminal shell in container',
    result: 'detected',
    reasons: [`a shell was spawned in app${s}`],
    links: [],
    details: { rule: 'Terminal shell in container', containerId: 'abc123' },
  };
}

async function measure(kind) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const payload = Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, j) => event(i + j, kind));
    const r = await app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${token}` }, payload });
    if (r.statusCode !== 200) throw new Error(`POST /events: ${r.statusCode} ${r.body.slice(0, 300)}`);
  }
  return EVENTS / (Number(process.hrtime.bigint() - t0) / 1e9);
}

try {
  const floor = await measure('test');
  const filed = await measure('runtime');
  const open = await repository.listIncidents({}, { limit: 500 });
  console.log(`store: ${repository.dialect}; ${EVENTS} events per run, ${SUBJECTS} workloads, batches of ${BATCH}`);
  console.log(`floor (validated + forwarded, no incident): ${floor.toFixed(0)} events/s`);
  console.log(`filed under incidents:                      ${filed.toFixed(0)} events/s (${open.items.length} incidents)`);
  console.log(`ratio filed/floor: ${(filed / floor).toFixed(2)}`);
} finally {
  await app.close();
  await repository.close();
  rmSync(dir, { recursive: true, force: true });
}
