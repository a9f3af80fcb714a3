/** An in-memory JobQueue for the API tests: it queues and lists; tests move jobs along with `settle`. */
import type { Page, PageRequest } from '@sekisho/model';
import type { EnqueueOptions, JobKind, JobPayloads, JobQueue, JobRecord, JobState, QueueStats } from '../../jobs/types.js';

export class FakeQueue implements JobQueue {
  readonly jobs: JobRecord[] = [];
  #next = 1;
  /** When set, every call fails (a queue that is down). */
  broken = false;

  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options: EnqueueOptions = {}): Promise<JobRecord<K>> {
    this.#check();
    const key = options.singletonKey;
    const live = key === undefined ? undefined : this.jobs.find((j) => j.kind === kind && (j.state === 'queued' || j.state === 'active') && singleton(j) === key);
    if (live !== undefined) return Promise.resolve(live as JobRecord<K>);
    const job: JobRecord<K> & { singletonKey?: string } = {
      id: `job-${this.#next++}`,
      kind,
      payload,
      state: 'queued',
      attempts: 0,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
      ...(key === undefined ? {} : { singletonKey: key }),
    };
    this.jobs.push(job);
    return Promise.resolve(job);
  }

  get(id: string): Promise<JobRecord | null> {
    this.#check();
    const job = this.jobs.find((j) => j.id === id);
    return Promise.resolve(job === undefined ? null : strip(job));
  }

  list(filter: { readonly kind?: JobKind; readonly state?: JobState }, page: PageRequest = {}): Promise<Page<JobRecord>> {
    this.#check();
    const matching = this.jobs.filter((j) => (filter.kind === undefined || j.kind === filter.kind) && (filter.state === undefined || j.state === filter.state));
    const start = page.cursor === null || page.cursor === undefined ? 0 : Number(page.cursor);
    const limit = page.limit ?? 100;
    const items = matching.slice(start, start + limit).map(strip);
    return Promise.resolve({ items, nextCursor: start + limit < matching.length ? String(start + limit) : null });
  }

  stats(): Promise<QueueStats> {
    this.#check();
    const count = (state: JobState) => this.jobs.filter((j) => j.state === state).length;
    return Promise.resolve({ queued: count('queued') + count('retry'), active: count('active'), failed: count('failed'), dead: count('dead'), completed: count('completed') });
  }

  work(): Promise<void> {
    return Promise.reject(new Error('the fake queue runs no handlers'));
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Moves a job to a final (or running) state, as a worker would. */
  settle(id: string, state: JobState, outcome: { result?: Record<string, unknown>; error?: string } = {}): void {
    const index = this.jobs.findIndex((j) => j.id === id);
    const job = this.jobs[index];
    if (job === undefined) throw new Error(`no job ${id}`);
    this.jobs[index] = { ...job, state, attempts: job.attempts + 1, finishedAt: new Date().toISOString(), result: outcome.result ?? null, error: outcome.error ?? null };
  }

  #check(): void {
    if (this.broken) throw new Error('queue unreachable');
  }
}

function singleton(job: JobRecord): string | undefined {
  return (job as { singletonKey?: string }).singletonKey;
}

function strip(job: JobRecord): JobRecord {
  const { singletonKey: _key, ...rest } = job as JobRecord & { singletonKey?: string };
  return rest;
}
