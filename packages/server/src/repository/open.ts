/** Opening a repository: the driver, then any pending migrations. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './sql/migrate.js';
import type { SqlDriver } from './sql/driver.js';
import { PostgresDriver } from './sql/postgres-driver.js';
import type { PostgresDriverOptions } from './sql/postgres-driver.js';
import { SqlRepository } from './sql/sql-repository.js';
import type { SqlRepositoryOptions } from './sql/sql-repository.js';
import { SqliteDriver } from './sql/sqlite-driver.js';
import type { SqliteDriverOptions } from './sql/sqlite-driver.js';
import type { Repository } from './types.js';
import { LocalJobQueue } from '../jobs/local-queue.js';
import type { LocalJobQueueOptions } from '../jobs/local-queue.js';

export type OpenSqliteOptions = SqliteDriverOptions & SqlRepositoryOptions;
export type OpenPostgresOptions = PostgresDriverOptions & SqlRepositoryOptions;

/** The default store: one SQLite file (WAL), created with its folder when missing. */
export function openSqliteRepository(options: OpenSqliteOptions): Promise<Repository> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  return open(new SqliteDriver(options), options);
}

/** PostgreSQL, for teams: many servers and workers share it. */
export function openPostgresRepository(options: OpenPostgresOptions): Promise<Repository> {
  return open(new PostgresDriver(options), options);
}

async function open(driver: SqlDriver, options: SqlRepositoryOptions): Promise<Repository> {
  try {
    await migrate(driver, options.now ?? (() => new Date()));
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return new SqlRepository(driver, options);
}

/** A store and the in-process job queue kept in it, sharing one connection (the SQLite default). */
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
  const repository = await open(driver, options);
  return { repository, queue: new LocalJobQueue(driver, { ...(options.now ? { now: options.now } : {}), ...queue }) };
}
