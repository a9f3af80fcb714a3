/**
 * The little a repository needs from a database: parameterised statements (`?` placeholders;
 * the PostgreSQL driver numbers them), multi-statement scripts for migrations, and transactions.
 * Values are only ever bound, never spliced into SQL text.
 */
import type { Dialect } from '../types.js';

export type SqlValue = string | number | null;
export type SqlRow = Readonly<Record<string, unknown>>;

export interface SqlExecutor {
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlTransaction extends SqlExecutor {
  /**
   * Serialise writers of the same scopes (finding lifecycle per repository) until the
   * transaction ends. SQLite transactions already exclude each other.
   */
  lock(keys: readonly string[]): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: Dialect;
  /** A script without parameters (a migration). */
  exec(tx: SqlTransaction, script: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
