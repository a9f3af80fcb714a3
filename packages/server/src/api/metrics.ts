/**
 * Prometheus metrics of one API server, in their own registry (several servers in one process, as
 * in tests, do not collide): request latency, queue depth by state (read from the queue when
 * scraped), scans recorded (their rate is scans/s), and the age of the advisory database (NaN when unknown).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue } from '../jobs/types.js';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly scansRecorded: Counter;
}

export function createApiMetrics(queue: JobQueue, dbBuiltAt: () => Date | null, now: () => Date): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sekisho_' });
  const requestDuration = new Histogram({
    name: 'sekisho_http_request_duration_seconds',
    help: 'API request latency by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scansRecorded = new Counter({ name: 'sekisho_scans_recorded_total', help: 'Scans recorded through the API (pushed reports)', registers: [registry] });
  new Gauge({
    name: 'sekisho_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const stats = await queue.stats();
      const counts: Readonly<Record<string, number>> = { ...stats };
      for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'sekisho_advisory_db_age_seconds',
    help: 'Age of the advisory database the workers match with (NaN when unknown: never a reassuring 0)',
    registers: [registry],
    collect() {
      const built = dbBuiltAt();
      this.set(built === null ? Number.NaN : (now().getTime() - built.getTime()) / 1000);
    },
  });
  return { registry, requestDuration, scansRecorded };
}
