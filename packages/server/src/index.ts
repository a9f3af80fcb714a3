export * from './repository/types.js';
export { RepositoryError } from './repository/errors.js';
export type { RepositoryErrorCode } from './repository/errors.js';
export { openSqliteRepository, openPostgresRepository } from './repository/open.js';
export type { OpenSqliteOptions, OpenPostgresOptions } from './repository/open.js';
export { loadMigrations } from './repository/sql/migrate.js';
export type { Migration } from './repository/sql/migrate.js';
export type * from './jobs/types.js';
