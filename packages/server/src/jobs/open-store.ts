/** A store and the in-process job queue kept in it, sharing one connection (the SQLite default). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openRepository } from '../repository/open.js';
import type { OpenPostgresOptions, OpenSqliteOptions } from '../repository/open.js';
import type { SqlDriver } from '../repository/sql/driver.js';
import { PostgresDriver } from '../repository/sql/postgres-driver.js';
import type { SqlRepositoryOptions } from '../repository/sql/sql-repository.js';
import { SqliteDriver } from '../repository/sql/sqlite-driver.js';
import type { Repository } from '../repository/types.js';
import { LocalJobQueue } from './local-queue.js';
import type { LocalJobQueueOptions } from './local-queue.js';

export interface StoreWithQueue {
  readonly repository: Repository;
  readonly queue: LocalJobQueue;
}

/** The default: one SQLite file holding the store and its jobs. */
export async function openSqliteStore(options: OpenSqliteOptions, queue: LocalJobQueueOptions = {}): Promise<StoreWithQueue> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  return withQueue(new SqliteDriver(options), options, queue);
}

/** The in-process pool on PostgreSQL: for tests of the pool itself; fleets use pg-boss (`openPgBossQueue`). */
export async function openPostgresStore(options: OpenPostgresOptions, queue: LocalJobQueueOptions = {}): Promise<StoreWithQueue> {
  return withQueue(new PostgresDriver(options), options, queue);
}

async function withQueue(driver: SqlDriver, options: SqlRepositoryOptions, queue: LocalJobQueueOptions): Promise<StoreWithQueue> {
  const repository = await openRepository(driver, options);
  return { repository, queue: new LocalJobQueue(driver, { ...(options.now ? { now: options.now } : {}), ...queue }) };
}
