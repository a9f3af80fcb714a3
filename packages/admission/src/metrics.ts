import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The webhook's Prometheus metrics, on a registry of its own (never the process-global one). */
export class AdmissionMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'sekisho_admission_requests_total',
    help: 'Admission requests answered, by endpoint and result (allowed, denied, warned, error)',
    labelNames: ['endpoint', 'result'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'sekisho_admission_request_duration_seconds',
    help: 'Time from the request body being read to the response being written',
    labelNames: ['endpoint'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'sekisho_admission_refused_bodies_total',
    help: 'Request bodies refused before judging (too large, too deep, not an AdmissionReview), by HTTP status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly remoteErrors = new Counter({
    name: 'sekisho_admission_remote_errors_total',
    help: 'Remote calls (server, registry, signatures, namespaces) that failed or ran out of time',
    labelNames: ['call'] as const,
    registers: [this.registry],
  });
  readonly certificateReloads = new Counter({
    name: 'sekisho_admission_certificate_reloads_total',
    help: 'Serving certificate reloads, by outcome (loaded, invalid)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly verdictCache = new Gauge({
    name: 'sekisho_admission_verdict_cache',
    help: 'Image verdict cache: hits, misses and entries',
    labelNames: ['stat'] as const,
    registers: [this.registry],
  });
  readonly eventsDropped = new Gauge({
    name: 'sekisho_admission_events_dropped',
    help: 'Decision events the event sink did not accept (slow or failing sink)',
    registers: [this.registry],
  });
}
