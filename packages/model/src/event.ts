/**
 * One event schema for everything Sekisho reports as it happens: findings recorded by the server,
 * policy and admission decisions, runtime alerts, host audits, in-app protection, API audit and
 * incident changes. Every output (syslog, Fluentd, NATS, webhooks, email, the server) carries this
 * shape; each emitter redacts secrets before an event leaves it (core's `createRedactor`).
 * Browser-safe: the dashboard reads it from the public API.
 */
import type { Severity } from './severity.js';

export const EVENT_SCHEMA = 'sekisho.event/v1' as const;

/** What happened. New kinds are added here, never invented by an emitter. */
export type EventKind =
  | 'finding' // a new finding recorded for an image (first seen, or new after an advisory update)
  | 'policy-decision' // a policy evaluation (CLI gate pushed to the server, server-side evaluation)
  | 'admission' // an admission webhook decision
  | 'runtime' // a runtime rule matched an event
  | 'host' // a host/node audit finding
  | 'rasp' // in-app protection saw (or blocked) an attack
  | 'function' // a serverless function package finding
  | 'audit' // an API request or an administrative action
  | 'incident' // an incident opened, joined, acknowledged or resolved
  | 'test'; // `sekisho events test`

/** The component that emitted the event. */
export type EventComponent = 'cli' | 'server' | 'worker' | 'admission' | 'runtime' | 'host' | 'rasp' | 'function' | 'events';

/**
 * How it ended: `allowed`/`denied`/`warned` for decisions, `detected`/`blocked` for attacks and
 * alerts, `success`/`failure` for actions, `info` for facts.
 */
export type EventResult = 'allowed' | 'denied' | 'warned' | 'detected' | 'blocked' | 'success' | 'failure' | 'info';

/** What the event is about. `id` is the most specific stable identifier (digest, `namespace/kind/name`, hostname, request id). */
export interface EventSubject {
  readonly type: 'image' | 'workload' | 'host' | 'request' | 'function' | 'exception' | 'incident' | 'system';
  readonly id: string;
  readonly digest?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly environment?: string;
}

export interface EventLink {
  /** `report`, `scan`, `finding`, `rule`, `advisory`, `incident`, `evidence`… */
  readonly rel: string;
  readonly href: string;
}

export interface SekishoEvent {
  readonly schema: typeof EVENT_SCHEMA;
  /** Unique per event (a UUID); receivers use it to drop duplicates of an at-least-once delivery. */
  readonly id: string;
  /** RFC 3339 with milliseconds, UTC. */
  readonly time: string;
  readonly kind: EventKind;
  readonly severity: Severity;
  readonly source: { readonly component: EventComponent; readonly instance: string };
  readonly subject: EventSubject;
  /** Who acted (token name, Kubernetes user, `system`), when known. */
  readonly principal: string | null;
  readonly sourceIp: string | null;
  /** What was done or attempted, e.g. `admission.validate`, `exec shell in container`, `GET /api/v1/images`. */
  readonly action: string;
  readonly result: EventResult;
  /** One line each, most important first. */
  readonly reasons: readonly string[];
  readonly links: readonly EventLink[];
  /** Kind-specific facts (rule id, output fields, request path…); redacted like everything else. */
  readonly details: Readonly<Record<string, unknown>>;
}

export type EventInput = Omit<SekishoEvent, 'schema' | 'id' | 'time' | 'links' | 'details' | 'principal' | 'sourceIp' | 'reasons'> &
  Partial<Pick<SekishoEvent, 'id' | 'time' | 'links' | 'details' | 'principal' | 'sourceIp' | 'reasons'>>;

/** Fills the defaults of an event: a fresh id (Web Crypto, browser-safe), the current time, empty lists. */
export function createEvent(input: EventInput): SekishoEvent {
  return {
    schema: EVENT_SCHEMA,
    id: input.id ?? globalThis.crypto.randomUUID(),
    time: input.time ?? new Date().toISOString(),
    kind: input.kind,
    severity: input.severity,
    source: input.source,
    subject: input.subject,
    principal: input.principal ?? null,
    sourceIp: input.sourceIp ?? null,
    action: input.action,
    result: input.result,
    reasons: input.reasons ?? [],
    links: input.links ?? [],
    details: input.details ?? {},
  };
}

/** Where an event goes: the events module's outputs implement it; emitters only call `emit`. */
export interface EventSink {
  /** Accepts the event for delivery (spooled when an output is down); resolves once it is safely queued. */
  emit(event: SekishoEvent): Promise<void>;
}
