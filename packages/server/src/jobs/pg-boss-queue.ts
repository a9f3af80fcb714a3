/**
 * The fleet queue: pg-boss on the PostgreSQL the store already uses (docs/dev/queue.md says why
 * pg-boss). One pg-boss queue per job kind, each with:
 * - policy `exclusive`: one queued-or-running job per singleton key (a digest is scanned once);
 *   jobs without a key get a unique one, so only keyed jobs are deduplicated;
 * - retries with exponential backoff (pg-boss's own), then the kind's dead-letter queue;
 * - a heartbeat, so a job whose worker was killed is failed over to another worker;
 * - `group` = the registry host, with a global `groupConcurrency` per registry.
 * Reads (get, list, stats) are plain SQL on pg-boss's job table, which its docs offer for that.
 */
import { randomUUID } from 'node:crypto';
import { createRedactor } from '@sekisho/core';
import type { Redactor } from '@sekisho/core';
import type { Page, PageRequest } from '@sekisho/model';
import { PgBoss } from 'pg-boss';
import type { JobResult, JobWithMetadata, Queue } from 'pg-boss';
import { RepositoryError } from '../repository/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../repository/sql/cursor.js';
import { str } from '../repository/sql/row.js';
import { errorText, isPermanentJobError } from './errors.js';
import { groupOf } from './group.js';
import { JOB_KINDS, validatePayload } from './payload.js';
import { DEFAULT_RETRY } from './retry.js';
import type { RetryPolicy } from './retry.js';
import type { EnqueueOptions, JobHandler, JobKind, JobPayloads, JobQueue, JobRecord, JobState, QueueStats } from './types.js';

export interface PgBossQueueOptions {
  readonly connectionString: string;
  /** Schema pg-boss installs into (default `pgboss`). */
  readonly schema?: string;
  readonly retry?: RetryPolicy;
  /** Jobs of one registry running at once across every worker (default 4). */
  readonly perRegistryConcurrency?: number;
  /** A running job sends a heartbeat this often (s, ≥ 10); a silent one is retried elsewhere (default 30). */
  readonly heartbeatSeconds?: number;
  /** Longest run of one job (default 30 min). */
  readonly expireInSeconds?: number;
  /** How often workers look for jobs when idle (default 0.5 s, pg-boss's minimum). */
  readonly pollingIntervalSeconds?: number;
  /** How often pg-boss looks for lapsed heartbeats and expired jobs (default 10 s). */
  readonly superviseIntervalSeconds?: number;
  /** Connection pool size (default 10). */
  readonly max?: number;
  readonly redactor?: Redactor;
  /** Connection and other background errors pg-boss reports (it reconnects by itself). */
  readonly onError?: (error: Error) => void;
}

const PREFIX = 'sekisho-';
const DEAD_SUFFIX = '-dead';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function queueName(kind: JobKind): string {
  return `${PREFIX}${kind}`;
}

function kindOf(name: string): JobKind | null {
  const kind = name.slice(PREFIX.length);
  return name.startsWith(PREFIX) && (JOB_KINDS as readonly string[]).includes(kind) ? (kind as JobKind) : null;
}

/** Starts pg-boss (installing or migrating its schema) and creates the queues. */
export async function openPgBossQueue(options: PgBossQueueOptions): Promise<PgBossJobQueue> {
  const queue = new PgBossJobQueue(options);
  await queue.start();
  return queue;
}

export class PgBossJobQueue implements JobQueue {
  readonly #boss: PgBoss;
  readonly #schema: string;
  readonly #retry: RetryPolicy;
  readonly #perRegistry: number;
  readonly #heartbeat: number;
  readonly #expire: number;
  readonly #polling: number;
  readonly #redactor: Redactor;
  #stopped = false;

  constructor(options: PgBossQueueOptions) {
    this.#schema = options.schema ?? 'pgboss';
    if (!SCHEMA_NAME.test(this.#schema)) throw new RepositoryError('STORE_INVALID', `not a plain schema name: ${this.#schema}`);
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#perRegistry = Math.max(1, options.perRegistryConcurrency ?? 4);
    this.#heartbeat = Math.max(10, Math.trunc(options.heartbeatSeconds ?? 30));
    this.#expire = Math.max(this.#heartbeat + 1, Math.trunc(options.expireInSeconds ?? 1800));
    this.#polling = Math.max(0.5, options.pollingIntervalSeconds ?? 0.5);
    this.#redactor = options.redactor ?? createRedactor();
    this.#boss = new PgBoss({
      connectionString: options.connectionString,
      schema: this.#schema,
      max: options.max ?? 10,
      application_name: 'sekisho-queue',
      // Lapsed heartbeats are failed over in the monitor pass: both run at the supervision interval.
      superviseIntervalSeconds: Math.max(1, options.superviseIntervalSeconds ?? 10),
      monitorIntervalSeconds: Math.max(1, options.superviseIntervalSeconds ?? 10),
      schedule: false,
    });
    const onError = options.onError ?? (() => {});
    // Without a listener an 'error' event would end the process; pg-boss retries on its own.
    this.#boss.on('error', (error: Error) => onError(error));
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const kind of JOB_KINDS) {
      const name = queueName(kind);
      const base: Omit<Queue, 'name'> = {
        policy: 'exclusive',
        retryLimit: Math.max(0, this.#retry.attempts - 1),
        retryDelay: Math.max(1, Math.round(this.#retry.baseSeconds)),
        retryBackoff: true,
        retryDelayMax: Math.max(1, Math.round(this.#retry.maxSeconds)),
        expireInSeconds: this.#expire,
        heartbeatSeconds: this.#heartbeat,
      };
      await this.#createQueue(`${name}${DEAD_SUFFIX}`, { policy: 'standard' });
      await this.#createQueue(name, { ...base, deadLetter: `${name}${DEAD_SUFFIX}` });
    }
  }

  async #createQueue(name: string, options: Omit<Queue, 'name'>): Promise<void> {
    if ((await this.#boss.getQueue(name)) === null) {
      try {
        await this.#boss.createQueue(name, options);
      } catch (error) {
        // Another worker created it at the same moment.
        if ((await this.#boss.getQueue(name)) === null) throw error;
      }
    }
  }

  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options: EnqueueOptions = {}): Promise<JobRecord<K>> {
    return this.#enqueue(kind, payload, options, 0);
  }

  async #enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options: EnqueueOptions, round: number): Promise<JobRecord<K>> {
    const clean = validatePayload(kind, payload);
    const name = queueName(kind);
    const key = options.singletonKey ?? `unique:${randomUUID()}`;
    const group = groupOf(kind, clean);
    const id = await this.#boss.send(name, clean as object, {
      singletonKey: key,
      priority: Math.trunc(options.priority ?? 0),
      ...(options.startAfterSeconds ? { startAfter: Math.max(0, Math.trunc(options.startAfterSeconds)) } : {}),
      ...(group === null ? {} : { group: { id: group } }),
    });
    const rows =
      id === null
        ? await this.#sql(`SELECT ${COLUMNS} FROM ${this.#schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active') ORDER BY created_on LIMIT 1`, [name, key])
        : await this.#sql(`SELECT ${COLUMNS} FROM ${this.#schema}.job WHERE name = $1 AND id = $2`, [name, id]);
    const row = rows[0];
    // The job that held the key finished between the two statements: queue it again (a few times at most).
    if (row === undefined) {
      if (round >= 3) throw new RepositoryError('STORE_CONFLICT', `the singleton key of this ${kind} job kept changing hands; try again`);
      return this.#enqueue(kind, payload, options, round + 1);
    }
    return toRecord(row) as JobRecord<K>;
  }

  async get(id: string): Promise<JobRecord | null> {
    if (typeof id !== 'string' || !UUID.test(id)) return null;
    const rows = await this.#sql(`SELECT ${COLUMNS} FROM ${this.#schema}.job WHERE id = $1 AND name = ANY($2)`, [id, JOB_KINDS.map(queueName)]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  async list(filter: { readonly kind?: JobKind; readonly state?: JobState }, page?: PageRequest): Promise<Page<JobRecord>> {
    const params: unknown[] = [filter.kind === undefined ? JOB_KINDS.map(queueName) : [queueName(filter.kind)]];
    const where = ['name = ANY($1)'];
    if (filter.state !== undefined) where.push(stateClause(filter.state));
    const cursor = decodeCursor(page?.cursor, 'ss');
    if (cursor !== null) {
      params.push(cursor[0], cursor[1]);
      where.push(`(created_on, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const size = pageSize(page);
    params.push(size + 1);
    const rows = await this.#sql(`SELECT ${COLUMNS} FROM ${this.#schema}.job WHERE ${where.join(' AND ')} ORDER BY created_on DESC, id DESC LIMIT $${params.length}`, params);
    const items = rows.slice(0, size).map(toRecord);
    const last = rows[size - 1];
    return { items, nextCursor: rows.length > size && last !== undefined ? encodeCursor([(last['created_on'] as Date).toISOString(), String(last['id'])]) : null };
  }

  async stats(): Promise<QueueStats> {
    const rows = await this.#sql(
      `SELECT CASE WHEN state IN ('created', 'retry') THEN 'queued'
                   WHEN state = 'failed' AND output ? 'permanent' THEN 'failed'
                   WHEN state = 'failed' THEN 'dead'
                   ELSE state::text END AS s, COUNT(*)::int AS n
       FROM ${this.#schema}.job WHERE name = ANY($1) GROUP BY 1`,
      [JOB_KINDS.map(queueName)],
    );
    const count = (s: string): number => Number(rows.find((r) => r['s'] === s)?.['n'] ?? 0);
    return { queued: count('queued'), active: count('active'), failed: count('failed'), dead: count('dead'), completed: count('completed') };
  }

  async work<K extends JobKind>(kind: K, concurrency: number, handler: JobHandler<K>): Promise<void> {
    if (this.#stopped) throw new Error('the queue is stopped');
    const grouped = kind === 'scan-image' || kind === 'scan-repository';
    const options = {
      batchSize: 1,
      includeMetadata: true,
      perJobResults: true,
      localConcurrency: Math.max(1, Math.trunc(concurrency)),
      pollingIntervalSeconds: this.#polling,
      // With a backlog, fetch again as soon as a job ends instead of waiting out the poll interval.
      burstWhenReadyExceeds: 1,
      groupConcurrency: grouped ? this.#perRegistry : undefined,
    } as const;
    await this.#boss.work<JobPayloads[K], JobResult[], typeof options>(queueName(kind), options, async (jobs: JobWithMetadata<JobPayloads[K]>[]): Promise<JobResult[]> => {
      const results: JobResult[] = [];
      for (const job of jobs) results.push(await this.#runOne(kind, job, handler));
      return results;
    });
  }

  async #runOne<K extends JobKind>(kind: K, job: JobWithMetadata<JobPayloads[K]>, handler: JobHandler<K>): Promise<JobResult> {
    const record = toRecord({ ...rowOf(job), state: 'active' }) as JobRecord<K>;
    try {
      const payload = validatePayload(kind, job.data);
      const result = await handler({ ...record, payload }, job.signal);
      return { id: job.id, status: 'completed', output: this.#redactor.value({ ...result }) };
    } catch (error) {
      const message = this.#redactor.text(errorText(error));
      if (isPermanentJobError(error) || (error as { code?: unknown } | null)?.code === 'STORE_INVALID') {
        return { id: job.id, status: 'deadletter', output: { error: message, permanent: true } };
      }
      return { id: job.id, status: 'failed', output: { error: message } };
    }
  }

  async stop(graceMs = 30_000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#boss.stop({ graceful: true, close: true, timeout: Math.max(1000, graceMs) });
  }

  async #sql(text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return (await this.#boss.getDb().executeSql(text, values)).rows as Record<string, unknown>[];
    } catch (cause) {
      const code = (cause as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|57P0|08)/.test(code)) throw new RepositoryError('STORE_UNAVAILABLE', 'PostgreSQL is unreachable', { cause });
      throw cause;
    }
  }
}

const COLUMNS = 'id, name, data, state::text AS state, retry_count, created_on, started_on, completed_on, output';

function stateClause(state: JobState): string {
  switch (state) {
    case 'queued':
      return "state = 'created'";
    case 'retry':
      return "state = 'retry'";
    case 'active':
    case 'completed':
    case 'cancelled':
      return `state = '${state}'`;
    case 'failed':
      return "state = 'failed' AND output ? 'permanent'";
    case 'dead':
      return "state = 'failed' AND NOT (output ? 'permanent')";
  }
}

function rowOf(job: JobWithMetadata<unknown>): Record<string, unknown> {
  return {
    id: job.id,
    name: job.name,
    data: job.data,
    state: job.state,
    retry_count: job.retryCount,
    created_on: job.createdOn,
    started_on: job.startedOn,
    completed_on: job.completedOn,
    output: job.output,
  };
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(str(value)).toISOString();
}

function toRecord(row: Record<string, unknown>): JobRecord {
  const kind = kindOf(String(row['name']));
  if (kind === null) throw new Error(`not a Sekisho queue: ${String(row['name']).slice(0, 60)}`);
  const raw = String(row['state']);
  const output = (row['output'] ?? null) as Record<string, unknown> | null;
  const state: JobState = raw === 'created' ? 'queued' : raw === 'failed' ? (output !== null && 'permanent' in output ? 'failed' : 'dead') : (raw as JobState);
  const finished = state === 'completed' || state === 'failed' || state === 'dead' || state === 'cancelled';
  const error = output !== null && typeof output['error'] === 'string' ? output['error'] : output !== null && typeof output['message'] === 'string' ? output['message'] : null;
  const started = raw === 'created' && Number(row['retry_count']) === 0 ? null : iso(row['started_on']);
  return {
    id: String(row['id']),
    kind,
    payload: row['data'] as JobPayloads[typeof kind],
    state,
    attempts: raw === 'created' ? 0 : Number(row['retry_count'] ?? 0) + 1,
    createdAt: iso(row['created_on']) ?? '',
    startedAt: started,
    finishedAt: finished ? iso(row['completed_on']) : null,
    error: state === 'completed' ? null : error,
    result: state === 'completed' ? output : null,
  };
}
