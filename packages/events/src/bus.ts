import { join } from 'node:path';
import { createRedactor } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import type { EventSink, SekishoEvent } from '@sekisho/model';
import type { BackoffOptions } from './delivery/backoff.js';
import { backoffDelay, sleep } from './delivery/backoff.js';
import type { EventFilterSpec } from './delivery/filter.js';
import { compileFilter } from './delivery/filter.js';
import { TokenBucket } from './delivery/token-bucket.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import type { Output } from './output.js';
import { PermanentDeliveryError, withTimeout } from './output.js';
import type { FsyncPolicy } from './spool/disk-spool.js';
import { DiskSpool } from './spool/disk-spool.js';

export interface RateLimitSpec {
  readonly perSecond: number;
  readonly burst: number;
}

export interface SpoolSpec {
  readonly maxBytes: number;
  readonly fsync?: FsyncPolicy;
  readonly segmentBytes?: number;
}

export interface BusOutput {
  readonly output: Output;
  readonly filter?: EventFilterSpec;
  /** Events past the limit are not spooled; they are counted in `rateLimited`. */
  readonly rateLimit?: RateLimitSpec;
  readonly spool?: SpoolSpec;
}

export interface EventBusOptions {
  /** Each output spools under `<spoolDir>/<output name>/`. */
  readonly spoolDir: string;
  readonly outputs: readonly BusOutput[];
  /** Default: core's `createRedactor()`, the mechanism reports go through. */
  readonly redactor?: Redactor;
  readonly logger?: Logger;
  /** Wait between failed deliveries; default 200 ms doubling up to 30 s, with full jitter. */
  readonly retry?: BackoffOptions;
  /** A `send` that takes longer fails and is retried; default 30 s. */
  readonly sendTimeoutMs?: number;
}

export interface OutputStats {
  /** Passed the filter and the rate limit and were spooled. */
  readonly accepted: number;
  readonly filtered: number;
  readonly rateLimited: number;
  readonly delivered: number;
  /** Refused by the receiver as content (never retried). */
  readonly rejected: number;
  /** Failed attempts (each retried). */
  readonly retries: number;
  /** Spooled, not yet delivered. */
  readonly pending: number;
  /** Dropped oldest first because the spool was full. */
  readonly dropped: number;
  /** Lost to a torn or corrupted spool record. */
  readonly corrupt: number;
  /** Could not be spooled (disk error). */
  readonly spoolErrors: number;
  readonly lastError: string | null;
}

/**
 * The event with every free-text field through the redactor. The fields Sekisho itself fills
 * (schema, id, time, kind, severity, result, component) are closed vocabularies or generated
 * values, skipped for speed; everything an emitter copies from what it saw is redacted.
 */
export function redactEvent(redactor: Redactor, event: SekishoEvent): SekishoEvent {
  return {
    schema: event.schema,
    id: event.id,
    time: event.time,
    kind: event.kind,
    severity: event.severity,
    source: { component: event.source.component, instance: redactor.text(event.source.instance) },
    subject: redactor.value(event.subject),
    principal: event.principal === null ? null : redactor.text(event.principal),
    sourceIp: event.sourceIp === null ? null : redactor.text(event.sourceIp),
    action: redactor.text(event.action),
    result: event.result,
    reasons: redactor.value(event.reasons),
    links: redactor.value(event.links),
    details: redactor.value(event.details),
  };
}

const DEFAULT_SPOOL: SpoolSpec = { maxBytes: 64 * 1024 * 1024 };
const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

class OutputLane {
  readonly name: string;
  readonly output: Output;
  readonly spool: DiskSpool;
  readonly accepts: (event: SekishoEvent) => boolean;
  readonly bucket: TokenBucket | null;
  counts = { accepted: 0, filtered: 0, rateLimited: 0, delivered: 0, rejected: 0, retries: 0, spoolErrors: 0, corruptRecords: 0 };
  lastError: string | null = null;
  reportedDrops = 0;
  #wake: (() => void) | null = null;
  #idle: (() => void)[] = [];

  constructor(config: BusOutput, spoolDir: string) {
    this.name = config.output.name;
    this.output = config.output;
    this.spool = new DiskSpool({ dir: join(spoolDir, this.name), ...(config.spool ?? DEFAULT_SPOOL) });
    this.accepts = compileFilter(config.filter ?? {});
    this.bucket = config.rateLimit === undefined ? null : new TokenBucket(config.rateLimit.perSecond, config.rateLimit.burst);
  }

  notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Resolves at the next `notify` (an append, or the bus closing). */
  waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Resolves once nothing is pending. */
  idle(): Promise<void> {
    if (this.spool.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  settleIdle(): void {
    if (this.#idle.length === 0 || this.spool.pending !== 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  stats(): OutputStats {
    const spool = this.spool.stats;
    return {
      accepted: this.counts.accepted,
      filtered: this.counts.filtered,
      rateLimited: this.counts.rateLimited,
      delivered: this.counts.delivered,
      rejected: this.counts.rejected,
      retries: this.counts.retries,
      pending: spool.pending,
      dropped: spool.dropped,
      corrupt: spool.corrupt + this.counts.corruptRecords,
      spoolErrors: this.counts.spoolErrors,
      lastError: this.lastError,
    };
  }
}

/**
 * The event bus every component emits through. `emit` redacts the event (the same redactor as
 * reports), and for each output whose filter and rate limit let it through, appends it to that
 * output's on-disk spool and returns: a slow or dead receiver never holds the producer, and the
 * spool's size bound is the most it can cost. One delivery loop per output reads the spool in
 * batches, sends, and commits only what the receiver took (at-least-once; event ids let
 * receivers drop duplicates), retrying failures with backoff.
 */
export class EventBus implements EventSink {
  readonly #lanes: OutputLane[];
  readonly #redactor: Redactor;
  readonly #logger: Logger;
  readonly #retry: BackoffOptions;
  readonly #sendTimeoutMs: number;
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[];
  readonly #flushTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: EventBusOptions) {
    const names = new Set<string>();
    for (const o of options.outputs) {
      if (!OUTPUT_NAME.test(o.output.name)) throw new Error(`output name ${JSON.stringify(o.output.name)}: letters, digits, ".", "_" and "-" (at most 63)`);
      if (names.has(o.output.name)) throw new Error(`output ${o.output.name} is configured twice`);
      names.add(o.output.name);
    }
    this.#redactor = options.redactor ?? createRedactor();
    this.#logger = options.logger ?? silentLogger();
    this.#retry = options.retry ?? { baseMs: 200, maxMs: 30_000 };
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    const lanes: OutputLane[] = [];
    try {
      for (const o of options.outputs) lanes.push(new OutputLane(o, options.spoolDir));
    } catch (error) {
      for (const lane of lanes) lane.spool.close();
      throw error;
    }
    this.#lanes = lanes;
    for (const lane of this.#lanes) {
      const replay = lane.spool.pending;
      if (replay > 0) this.#logger.info({ output: lane.name, pending: replay }, 'replaying spooled events');
    }
    this.#loops = this.#lanes.map((lane) => this.#deliver(lane));
    this.#flushTimer = setInterval(() => {
      for (const lane of this.#lanes) lane.spool.flush();
    }, 1000);
    this.#flushTimer.unref();
  }

  /** Spools the event for every output that takes it; rejects when the bus is closed or an output could not spool it. */
  emit(event: SekishoEvent): Promise<void> {
    // Spooling is synchronous; the executor runs at once and turns a throw into a rejection, as callers `.catch()` it.
    return new Promise((resolve) => {
      this.#spool(event);
      resolve();
    });
  }

  #spool(event: SekishoEvent): void {
    if (this.#closed) throw new Error('event bus is closed');
    const redacted = redactEvent(this.#redactor, event);
    let payload: Buffer | null = null;
    const failed: string[] = [];
    for (const lane of this.#lanes) {
      if (!lane.accepts(redacted)) {
        lane.counts.filtered += 1;
        continue;
      }
      if (lane.bucket !== null && !lane.bucket.take()) {
        lane.counts.rateLimited += 1;
        continue;
      }
      payload ??= Buffer.from(JSON.stringify(redacted), 'utf8');
      try {
        lane.spool.append(payload);
        lane.counts.accepted += 1;
        this.#reportDrops(lane);
        lane.notify();
      } catch (error) {
        lane.counts.spoolErrors += 1;
        lane.lastError = this.#message(error);
        failed.push(lane.name);
        this.#logger.error({ output: lane.name, err: lane.lastError }, 'cannot spool event');
      }
    }
    if (failed.length > 0) throw new Error(`event ${redacted.id} could not be queued for ${failed.join(', ')}: ${this.#lanes.find((l) => l.name === failed[0])?.lastError ?? ''}`);
  }

  #reportDrops(lane: OutputLane): void {
    const dropped = lane.spool.dropped;
    if (dropped === lane.reportedDrops) return;
    this.#logger.warn({ output: lane.name, dropped: dropped - lane.reportedDrops, droppedTotal: dropped }, 'spool full: oldest undelivered events dropped');
    lane.reportedDrops = dropped;
  }

  #message(error: unknown): string {
    return this.#redactor.text(error instanceof Error ? error.message : String(error));
  }

  async #deliver(lane: OutputLane): Promise<void> {
    const signal = this.#abort.signal;
    // Read afresh each time: the bus may close while a step is awaited.
    const closing = (): boolean => signal.aborted;
    const state = { attempt: 0 };
    while (!closing()) {
      try {
        await this.#step(lane, signal, state);
      } catch (error) {
        // The spool itself failed (disk error, folder removed): keep the loop alive and try again later.
        if (closing()) break;
        lane.lastError = this.#message(error);
        this.#logger.error({ output: lane.name, err: lane.lastError }, 'spool read or commit failed');
        await sleep(backoffDelay(state.attempt++, this.#retry), signal);
      }
    }
  }

  /** One batch: read, send, commit (or count the rejection, or wait and retry). */
  async #step(lane: OutputLane, signal: AbortSignal, state: { attempt: number }): Promise<void> {
    const batch = lane.spool.read(lane.output.maxBatch);
    if (batch.records.length === 0) {
      lane.spool.commit(batch.next);
      lane.settleIdle();
      await lane.waitForWork();
      return;
    }
    const events: SekishoEvent[] = [];
    for (const record of batch.records) {
      try {
        events.push(JSON.parse(record.toString('utf8')) as SekishoEvent);
      } catch {
        lane.counts.corruptRecords += 1;
      }
    }
    try {
      if (events.length > 0) await withTimeout(lane.output.send(events, signal), this.#sendTimeoutMs, `output ${lane.name}`, signal);
    } catch (error) {
      if (signal.aborted) return;
      lane.lastError = this.#message(error);
      if (error instanceof PermanentDeliveryError) {
        lane.spool.commit(batch.next);
        lane.counts.rejected += events.length;
        this.#logger.error({ output: lane.name, events: events.length, err: lane.lastError }, 'receiver rejected events');
        lane.settleIdle();
        return;
      }
      lane.counts.retries += 1;
      const delay = backoffDelay(state.attempt, this.#retry);
      state.attempt += 1;
      this.#logger.warn({ output: lane.name, events: events.length, attempt: state.attempt, retryInMs: delay, err: lane.lastError }, 'delivery failed, will retry');
      await sleep(delay, signal);
      return;
    }
    lane.spool.commit(batch.next);
    lane.counts.delivered += events.length;
    state.attempt = 0;
    lane.settleIdle();
  }

  /** Per output: what was accepted, filtered, rate-limited, delivered, rejected, dropped, and what is pending. */
  stats(): Record<string, OutputStats> {
    const out: Record<string, OutputStats> = {};
    for (const lane of this.#lanes) out[lane.name] = lane.stats();
    return out;
  }

  /** Waits until every spool is empty; false when `timeoutMs` passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(this.#lanes.map((l) => l.idle())).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops delivery (what is pending stays spooled for the next start), closes outputs and spools. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    clearInterval(this.#flushTimer);
    for (const lane of this.#lanes) lane.notify();
    await Promise.all(this.#loops);
    await Promise.all(this.#lanes.map((l) => l.output.close().catch(() => undefined)));
    for (const lane of this.#lanes) lane.spool.close();
  }
}
