/**
 * The job queue as the rest of the server sees it. Two implementations share this interface:
 * PostgreSQL (pg-boss; `sekisho worker` processes anywhere pull from it) and an in-process pool for
 * the SQLite default. The API enqueues and reads; workers run handlers; nothing else touches the
 * queue library.
 */
import type { Page, PageRequest } from '@sekisho/model';

export type JobKind = 'scan-image' | 'scan-repository' | 'rematch' | 'evaluate-policy';

export interface ScanImageJob {
  /** What to scan: a registry reference (`registry/repo:tag` or `@sha256:…`) or a local source (`oci-dir:…`, `docker-archive:…`). */
  readonly reference: string;
  /** The manifest digest when already resolved: the idempotency key (one digest is scanned once). */
  readonly digest?: string;
  readonly environment?: string;
}

export interface ScanRepositoryJob {
  /** `registry/path`: list its tags and enqueue a scan for each digest not yet scanned. */
  readonly repository: string;
}

export interface RematchJob {
  /** Digests whose stored inventory to re-match against the current advisory DB; all when absent. */
  readonly digests?: readonly string[];
  readonly dbVersion: string;
}

export interface EvaluatePolicyJob {
  readonly digest: string;
  readonly environment?: string;
}

export interface JobPayloads {
  readonly 'scan-image': ScanImageJob;
  readonly 'scan-repository': ScanRepositoryJob;
  readonly rematch: RematchJob;
  readonly 'evaluate-policy': EvaluatePolicyJob;
}

/**
 * `queued`: waiting for its first run; `retry`: an attempt failed, waiting out its backoff;
 * `active`: running; `completed`; `failed`: failed permanently, not retried (`PermanentJobError`,
 * an invalid payload); `dead`: every attempt failed, kept with its error in the dead-letter state;
 * `cancelled`.
 */
export type JobState = 'queued' | 'active' | 'retry' | 'completed' | 'failed' | 'dead' | 'cancelled';

export interface JobRecord<K extends JobKind = JobKind> {
  readonly id: string;
  readonly kind: K;
  readonly payload: JobPayloads[K];
  readonly state: JobState;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Last error message (redacted), when one failed. */
  readonly error: string | null;
  /** What the handler returned (a scan id, a count), when completed. */
  readonly result: Readonly<Record<string, unknown>> | null;
}

export interface EnqueueOptions {
  /** Jobs with the same key and kind are not queued twice while one is queued or active (e.g. `digest`). */
  readonly singletonKey?: string;
  readonly priority?: number;
  /** Delay before the first attempt, in seconds. */
  readonly startAfterSeconds?: number;
}

export interface QueueStats {
  readonly queued: number;
  readonly active: number;
  readonly failed: number;
  readonly dead: number;
  readonly completed: number;
}

export type JobHandler<K extends JobKind> = (job: JobRecord<K>, signal: AbortSignal) => Promise<Readonly<Record<string, unknown>>>;

/**
 * Errors: a malformed payload, kind or cursor is a RepositoryError `STORE_INVALID` (the API's 400);
 * an unreachable database `STORE_UNAVAILABLE` (503). `get` of an id that is not one of ours is null.
 */
export interface JobQueue {
  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options?: EnqueueOptions): Promise<JobRecord<K>>;
  get(id: string): Promise<JobRecord | null>;
  list(filter: { readonly kind?: JobKind; readonly state?: JobState }, page?: PageRequest): Promise<Page<JobRecord>>;
  stats(): Promise<QueueStats>;
  /** Starts taking jobs of `kind` with `concurrency` handlers at once (in this process). */
  work<K extends JobKind>(kind: K, concurrency: number, handler: JobHandler<K>): Promise<void>;
  /** Stops taking jobs, lets active ones finish (or aborts them after `graceMs`), closes connections. */
  stop(graceMs?: number): Promise<void>;
}
