/**
 * A worker process: the store, the queue, the handlers of every job kind, and the advisory
 * database watch that queues a re-match after `db update`. PostgreSQL (`postgres://…`) uses
 * pg-boss, so any number of workers on any machines share the work with no coordinator; a SQLite
 * file uses the in-process pool kept in that file (what `sekisho server` runs by default).
 */
import { hostname } from 'node:os';
import type { PolicyDocument, RegistryOptions } from '@sekisho/core';
import type { EventSink } from '@sekisho/model';
import { openPostgresRepository } from '../repository/open.js';
import { openSqliteStore } from './open-store.js';
import type { Repository } from '../repository/types.js';
import { advisoryDbAt } from './advisories.js';
import { createJobHandlers, startHandlers } from './handlers/index.js';
import { openPgBossQueue } from './pg-boss-queue.js';
import { watchDbVersion } from './rescan.js';
import type { RematchEnqueued } from './rescan.js';
import type { RetryPolicy } from './retry.js';
import type { JobQueue } from './types.js';

export interface WorkerOptions {
  /** `postgres://…` or a SQLite file path. */
  readonly database: string;
  /** Image scans at once in this process. */
  readonly concurrency: number;
  /** The advisory database file. */
  readonly dbPath: string;
  readonly cacheDir: string | null;
  readonly scanners?: string;
  readonly registry?: RegistryOptions;
  readonly policy?: PolicyDocument | null;
  readonly events?: EventSink;
  readonly perRegistryConcurrency?: number;
  readonly retry?: RetryPolicy;
  /** How often the advisory database version is checked (default 60 s). */
  readonly dbWatchIntervalMs?: number;
  readonly scanTimeoutMs?: number;
  /** pg-boss tuning for tests: heartbeat and supervision intervals (s). */
  readonly heartbeatSeconds?: number;
  readonly superviseIntervalSeconds?: number;
  readonly pollingIntervalSeconds?: number;
  readonly onRematchQueued?: (queued: RematchEnqueued) => void;
  readonly onError?: (error: unknown) => void;
}

export interface RunningWorker {
  readonly repository: Repository;
  readonly queue: JobQueue;
  /** Stops taking jobs, lets running ones finish within `graceMs` (then aborts them), closes connections. */
  stop(graceMs?: number): Promise<void>;
}

export function isPostgresUrl(database: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(database);
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const onError = options.onError ?? (() => {});
  let repository: Repository;
  let queue: JobQueue;
  if (isPostgresUrl(options.database)) {
    repository = await openPostgresRepository({ connectionString: options.database, max: Math.max(4, options.concurrency + 2) });
    try {
      queue = await openPgBossQueue({
        connectionString: options.database,
        max: Math.max(4, options.concurrency + 2),
        onError: (e) => onError(e),
        ...(options.perRegistryConcurrency === undefined ? {} : { perRegistryConcurrency: options.perRegistryConcurrency }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: options.heartbeatSeconds }),
        ...(options.superviseIntervalSeconds === undefined ? {} : { superviseIntervalSeconds: options.superviseIntervalSeconds }),
        ...(options.pollingIntervalSeconds === undefined ? {} : { pollingIntervalSeconds: options.pollingIntervalSeconds }),
      });
    } catch (error) {
      await repository.close().catch(() => {});
      throw error;
    }
  } else {
    const store = await openSqliteStore(
      { path: options.database },
      {
        ...(options.perRegistryConcurrency === undefined ? {} : { perRegistryConcurrency: options.perRegistryConcurrency }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
      },
    );
    repository = store.repository;
    queue = store.queue;
  }
  let attached: AttachedWorkers;
  try {
    attached = await attachWorkers(repository, queue, options);
  } catch (error) {
    await queue.stop(0).catch(() => {});
    await repository.close().catch(() => {});
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    repository,
    queue,
    stop(graceMs = 30_000) {
      stopping ??= (async () => {
        await attached.stop(graceMs);
        await repository.close();
      })();
      return stopping;
    },
  };
}

export type AttachOptions = Omit<WorkerOptions, 'database' | 'perRegistryConcurrency' | 'retry' | 'heartbeatSeconds' | 'superviseIntervalSeconds' | 'pollingIntervalSeconds'>;

export interface AttachedWorkers {
  /** Stops the database watch and the queue (running jobs get `graceMs`); the store stays open. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Handlers of every kind and the advisory database watch on a store and queue the caller opened:
 * what `sekisho server` runs on its SQLite store and in-process pool (one connection for both).
 */
export async function attachWorkers(repository: Repository, queue: JobQueue, options: AttachOptions): Promise<AttachedWorkers> {
  const onError = options.onError ?? (() => {});
  const advisories = advisoryDbAt(options.dbPath);
  const handlers = createJobHandlers({
    repository,
    queue,
    advisories,
    cacheDir: options.cacheDir,
    instance: `${hostname()}/${process.pid}`,
    ...(options.scanners === undefined ? {} : { scanners: options.scanners }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.scanTimeoutMs === undefined ? {} : { scanTimeoutMs: options.scanTimeoutMs }),
  });
  await startHandlers(queue, handlers, options.concurrency);
  const watch = watchDbVersion(repository, queue, advisories, {
    ...(options.dbWatchIntervalMs === undefined ? {} : { intervalMs: options.dbWatchIntervalMs }),
    ...(options.onRematchQueued === undefined ? {} : { onQueued: options.onRematchQueued }),
    onError,
  });
  let stopping: Promise<void> | null = null;
  return {
    stop(graceMs = 30_000) {
      stopping ??= (async () => {
        watch.stop();
        await queue.stop(graceMs);
      })();
      return stopping;
    },
  };
}
