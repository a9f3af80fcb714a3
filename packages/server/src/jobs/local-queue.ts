/**
 * The in-process job queue of the SQLite default: jobs live in the store's `jobs` table (migration
 * 0003), so a restart loses nothing, and a pool of handlers in this process runs them. A running
 * job holds a lease that its worker renews; a job whose lease lapsed (its process was killed) is
 * taken again by the next claim and counts as a failed attempt. Claims run in one store
 * transaction under a lock, so two processes sharing the file never take the same job.
 *
 * Hand-written because no maintained Node queue runs on SQLite through node:sqlite; on PostgreSQL
 * the server uses pg-boss (pg-boss-queue.ts) and this pool only serves the shared contract tests.
 */
import { randomUUID } from 'node:crypto';
import { createRedactor } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import type { Page, PageRequest } from '@sekisho/model';
import { RepositoryError } from '../repository/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../repository/sql/cursor.js';
import { optStr, str } from '../repository/sql/row.js';
import type { SqlDriver, SqlRow, SqlValue } from '../repository/sql/driver.js';
import { errorText, isPermanentJobError } from './errors.js';
import { groupOf } from './group.js';
import { isJobKind, validatePayload } from './payload.js';
import { DEFAULT_RETRY, backoffSeconds } from './retry.js';
import type { RetryPolicy } from './retry.js';
import type { EnqueueOptions, JobHandler, JobKind, JobPayloads, JobQueue, JobRecord, JobState, QueueStats } from './types.js';

export interface LocalJobQueueOptions {
  readonly retry?: RetryPolicy;
  /** Jobs of one registry running at once in this process and any other sharing the store (default 4). */
  readonly perRegistryConcurrency?: number;
  /** How long a claimed job is held without a renewal before another worker may take it (default 60 s). */
  readonly leaseMs?: number;
  /** Idle polling interval (default 500 ms); an enqueue in this process wakes the pool at once. */
  readonly pollMs?: number;
  readonly now?: () => Date;
  readonly redactor?: Redactor;
}

const OPEN_STATES = "('queued', 'active', 'retry')";

interface Worker {
  readonly kind: JobKind;
  readonly concurrency: number;
  readonly handler: JobHandler<JobKind>;
  readonly running: Map<string, AbortController>;
}

export class LocalJobQueue implements JobQueue {
  readonly #driver: SqlDriver;
  readonly #retry: RetryPolicy;
  readonly #perRegistry: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #now: () => Date;
  readonly #redactor: Redactor;
  readonly #owner = randomUUID();
  readonly #workers: Worker[] = [];
  readonly #inflight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #pumping = false;
  #again = false;

  constructor(driver: SqlDriver, options: LocalJobQueueOptions = {}) {
    this.#driver = driver;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#perRegistry = Math.max(1, options.perRegistryConcurrency ?? 4);
    this.#leaseMs = Math.max(100, options.leaseMs ?? 60_000);
    this.#pollMs = Math.max(10, options.pollMs ?? 500);
    this.#now = options.now ?? (() => new Date());
    this.#redactor = options.redactor ?? createRedactor();
  }

  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options: EnqueueOptions = {}): Promise<JobRecord<K>> {
    return this.#enqueue(kind, payload, options, 0);
  }

  async #enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options: EnqueueOptions, round: number): Promise<JobRecord<K>> {
    const clean = validatePayload(kind, payload);
    const now = this.#now();
    const id = randomUUID();
    const runAfter = new Date(now.getTime() + Math.max(0, options.startAfterSeconds ?? 0) * 1000);
    const key = options.singletonKey ?? null;
    const inserted = await this.#driver.run(
      `INSERT INTO jobs (id, kind, payload, state, singleton_key, group_key, priority, attempts, max_attempts, run_after, created_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [id, kind, JSON.stringify(clean), key, groupOf(kind, clean), Math.trunc(options.priority ?? 0), this.#retry.attempts, runAfter.toISOString(), now.toISOString()],
    );
    if (inserted === 0) {
      // The singleton key is taken by a queued, retrying or running job: that one is the answer.
      const rows = await this.#driver.all(`SELECT * FROM jobs WHERE kind = ? AND singleton_key = ? AND state IN ${OPEN_STATES}`, [kind, key]);
      const existing = rows[0];
      if (existing !== undefined) return toRecord(existing) as JobRecord<K>;
      if (round >= 3) throw new RepositoryError('STORE_CONFLICT', `the singleton key of this ${kind} job kept changing hands; try again`);
      return this.#enqueue(kind, payload, options, round + 1);
    }
    this.#wake();
    const row = (await this.#driver.all('SELECT * FROM jobs WHERE id = ?', [id]))[0];
    return toRecord(row as SqlRow) as JobRecord<K>;
  }

  async get(id: string): Promise<JobRecord | null> {
    if (typeof id !== 'string' || id.length > 100) return null;
    const row = (await this.#driver.all('SELECT * FROM jobs WHERE id = ?', [id]))[0];
    return row === undefined ? null : toRecord(row);
  }

  /** Newest first. */
  async list(filter: { readonly kind?: JobKind; readonly state?: JobState }, page?: PageRequest): Promise<Page<JobRecord>> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    const cursor = decodeCursor(page?.cursor, 'ss');
    if (cursor !== null) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(cursor[0] as string, cursor[0] as string, cursor[1] as string);
    }
    const size = pageSize(page);
    const rows = await this.#driver.all(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`, [...params, size + 1]);
    const items = rows.slice(0, size).map(toRecord);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > size && last !== undefined ? encodeCursor([last.createdAt, last.id]) : null };
  }

  async stats(): Promise<QueueStats> {
    const rows = await this.#driver.all('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
    const count = (s: string): number => Number(rows.find((r) => r['state'] === s)?.['n'] ?? 0);
    return { queued: count('queued') + count('retry'), active: count('active'), failed: count('failed'), dead: count('dead'), completed: count('completed') };
  }

  async work<K extends JobKind>(kind: K, concurrency: number, handler: JobHandler<K>): Promise<void> {
    if (this.#stopped) throw new Error('the queue is stopped');
    this.#workers.push({ kind, concurrency: Math.max(1, Math.trunc(concurrency)), handler: handler as unknown as JobHandler<JobKind>, running: new Map() });
    this.#timer ??= setInterval(() => this.#wake(), this.#pollMs);
    this.#wake();
    return Promise.resolve();
  }

  async stop(graceMs = 30_000): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const settled = Promise.allSettled([...this.#inflight]);
    let timeout: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      timeout = setTimeout(() => resolve('grace'), Math.max(0, graceMs));
    });
    if ((await Promise.race([settled, graceOver])) === 'grace') {
      for (const w of this.#workers) for (const c of w.running.values()) c.abort(new Error('the worker is stopping'));
      await Promise.allSettled([...this.#inflight]);
    }
    clearTimeout(timeout);
  }

  /** Runs a claim pass now; passes never overlap, a wake during one runs another after it. */
  #wake(): void {
    if (this.#stopped || this.#workers.length === 0) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (this.#again) {
        this.#again = false;
        this.#wake();
      }
    });
  }

  async #pump(): Promise<void> {
    for (const worker of this.#workers) {
      const free = worker.concurrency - worker.running.size;
      if (free <= 0 || this.#stopped) continue;
      let jobs: SqlRow[];
      try {
        jobs = await this.#claim(worker.kind, free);
      } catch {
        continue; // the store is unreachable now: the next poll tries again
      }
      for (const row of jobs) this.#run(worker, row);
    }
  }

  async #claim(kind: JobKind, slots: number): Promise<SqlRow[]> {
    const now = this.#now();
    const iso = now.toISOString();
    return this.#driver.transaction(async (tx) => {
      await tx.lock(['sekisho:jobs:claim']);
      // Jobs whose worker vanished (killed, lost its store): that attempt failed.
      const lapsed = await tx.all(`SELECT id, attempts, max_attempts FROM jobs WHERE state = 'active' AND lease_until < ?`, [iso]);
      for (const job of lapsed)
        await this.#settleFailure(
          tx,
          String(job['id']),
          Number(job['attempts']),
          Number(job['max_attempts']),
          'the worker running this job stopped before it finished (lease lapsed)',
          false,
          now,
          null,
        );
      const candidates = await tx.all(`SELECT id, group_key FROM jobs WHERE kind = ? AND state IN ('queued', 'retry') AND run_after <= ? ORDER BY priority DESC, run_after, created_at, id LIMIT ?`, [
        kind,
        iso,
        Math.max(64, slots * 4),
      ]);
      if (candidates.length === 0) return [];
      const active = await tx.all(`SELECT group_key, COUNT(*) AS n FROM jobs WHERE state = 'active' AND group_key IS NOT NULL GROUP BY group_key`);
      const perGroup = new Map(active.map((r) => [String(r['group_key']), Number(r['n'])]));
      const picked: string[] = [];
      for (const c of candidates) {
        if (picked.length >= slots) break;
        const group = optStr(c['group_key']);
        if (group !== null) {
          const n = perGroup.get(group) ?? 0;
          if (n >= this.#perRegistry) continue;
          perGroup.set(group, n + 1);
        }
        picked.push(String(c['id']));
      }
      const lease = new Date(now.getTime() + this.#leaseMs).toISOString();
      const rows: SqlRow[] = [];
      for (const id of picked) {
        await tx.run(`UPDATE jobs SET state = 'active', attempts = attempts + 1, started_at = ?, lease_owner = ?, lease_until = ?, error = error WHERE id = ?`, [iso, this.#owner, lease, id]);
        const row = (await tx.all('SELECT * FROM jobs WHERE id = ?', [id]))[0];
        if (row !== undefined) rows.push(row);
      }
      return rows;
    });
  }

  #run(worker: Worker, row: SqlRow): void {
    const record = toRecord(row);
    const controller = new AbortController();
    worker.running.set(record.id, controller);
    const renew = setInterval(
      () => {
        const until = new Date(this.#now().getTime() + this.#leaseMs).toISOString();
        this.#driver
          .run(`UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'active'`, [until, record.id, this.#owner])
          .then((n) => {
            if (n === 0) controller.abort(new Error('the job was taken from this worker (lease lost)'));
          })
          .catch(() => {});
      },
      Math.max(50, Math.floor(this.#leaseMs / 3)),
    );
    const task = (async () => {
      try {
        const payload = validatePayload(record.kind, record.payload);
        const result = await worker.handler({ ...record, payload }, controller.signal);
        await this.#driver.run(
          `UPDATE jobs SET state = 'completed', finished_at = ?, result = ?, error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND state = 'active'`,
          [this.#now().toISOString(), JSON.stringify(this.#redactor.value({ ...result })), record.id, this.#owner],
        );
      } catch (error) {
        const released = controller.signal.aborted && this.#stopped;
        await this.#driver
          .transaction((tx) =>
            this.#settleFailure(tx, record.id, record.attempts, Number(row['max_attempts']), errorText(error), isPermanentJobError(error) || isInvalid(error), this.#now(), this.#owner, released),
          )
          .catch(() => {}); // the store is gone: the lease lapses and the job is taken again
      } finally {
        clearInterval(renew);
        worker.running.delete(record.id);
        this.#wake();
      }
    })();
    this.#inflight.add(task);
    void task.finally(() => this.#inflight.delete(task));
  }

  /** A failed attempt: retried after a backoff, `failed` when permanent, `dead` when attempts ran out; released (not counted) when the worker stopped it. */
  async #settleFailure(
    tx: { run: SqlDriver['run'] },
    id: string,
    attempts: number,
    maxAttempts: number,
    message: string,
    permanent: boolean,
    now: Date,
    owner: string | null,
    released = false,
  ): Promise<void> {
    const state = released ? 'retry' : permanent ? 'failed' : attempts >= maxAttempts ? 'dead' : 'retry';
    const runAfter = released ? now : new Date(now.getTime() + (state === 'retry' ? backoffSeconds(this.#retry, attempts) * 1000 : 0));
    const finished = state === 'retry' ? null : now.toISOString();
    await tx.run(
      `UPDATE jobs SET state = ?, attempts = attempts - ?, run_after = ?, finished_at = ?, error = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND state = 'active' ${owner === null ? '' : 'AND lease_owner = ?'}`,
      [state, released ? 1 : 0, runAfter.toISOString(), finished, released ? null : this.#redactor.text(message), id, ...(owner === null ? [] : [owner])],
    );
  }
}

function isInvalid(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'STORE_INVALID';
}

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toRecord(row: SqlRow): JobRecord {
  const kind = row['kind'];
  if (!isJobKind(kind)) throw new Error(`unknown job kind in the store: ${String(kind).slice(0, 40)}`);
  const result = row['result'] === null || row['result'] === undefined ? null : (json(row['result']) as Record<string, unknown>);
  return {
    id: String(row['id']),
    kind,
    payload: json(row['payload']) as JobPayloads[typeof kind],
    state: String(row['state']) as JobState,
    attempts: Number(row['attempts']),
    createdAt: String(row['created_at']),
    startedAt: row['started_at'] === null ? null : str(row['started_at']),
    finishedAt: row['finished_at'] === null ? null : str(row['finished_at']),
    error: row['error'] === null ? null : str(row['error']),
    result,
  };
}
