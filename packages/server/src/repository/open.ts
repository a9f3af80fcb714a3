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

export type OpenSqliteOptions = SqliteDriverOptions & SqlRepositoryOptions;
export type OpenPostgresOptions = PostgresDriverOptions & SqlRepositoryOptions;

/** The default store: one SQLite file (WAL), created with its folder when missing. */
export function openSqliteRepository(options: OpenSqliteOptions): Promise<Repository> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  return openRepository(new SqliteDriver(options), options);
}

/** PostgreSQL, for teams: many servers and workers share it. */
export function openPostgresRepository(options: OpenPostgresOptions): Promise<Repository> {
  return openRepository(new PostgresDriver(options), options);
}

/** A repository on a driver the caller made (the job queue shares the driver's connection). */
export async function openRepository(driver: SqlDriver, options: SqlRepositoryOptions): Promise<Repository> {
  try {
    await migrate(driver, options.now ?? (() => new Date()));
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return new SqlRepository(driver, options);
}
