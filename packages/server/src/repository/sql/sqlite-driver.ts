/**
 * node:sqlite (built into Node ≥ 22.13; SQLite 3.5x): one file, WAL journal, no native build.
 * The connection is synchronous, so the driver serialises all work through one async mutex: a
 * transaction that awaits between statements is never interleaved with another caller's
 * statements on the same connection. Other processes are excluded by SQLite's own locks
 * (`BEGIN IMMEDIATE`, busy timeout).
 */
import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue } from 'node:sqlite';
import { RepositoryError } from '../errors.js';
import type { SqlDriver, SqlRow, SqlTransaction, SqlValue } from './driver.js';

export interface SqliteDriverOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /** How long a writer waits for another process's lock, in ms. */
  readonly busyTimeoutMs?: number;
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: DatabaseSync;
  #tail: Promise<void> = Promise.resolve();

  constructor(options: SqliteDriverOptions) {
    try {
      this.#db = new DatabaseSync(options.path);
      this.#db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#db.exec('PRAGMA foreign_keys = ON');
    } catch (cause) {
      throw new RepositoryError('STORE_UNAVAILABLE', `cannot open SQLite database ${options.path}`, { cause });
    }
  }

  /** Runs `work` once every earlier caller is done. */
  async #serial<T>(work: () => Promise<T> | T): Promise<T> {
    const previous = this.#tail;
    let release = (): void => {};
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  #all(sql: string, params: readonly SqlValue[]): SqlRow[] {
    return this.#db.prepare(sql).all(...(params as SQLInputValue[]));
  }

  #run(sql: string, params: readonly SqlValue[]): number {
    return Number(this.#db.prepare(sql).run(...(params as SQLInputValue[])).changes);
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.#serial(() => this.#all(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.#serial(() => this.#run(sql, params));
  }

  exec(_tx: SqlTransaction, script: string): Promise<void> {
    this.#db.exec(script);
    return Promise.resolve();
  }

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      this.#db.exec('BEGIN IMMEDIATE');
      const tx: SqlTransaction = {
        all: (sql, params = []) => Promise.resolve(this.#all(sql, params)),
        run: (sql, params = []) => Promise.resolve(this.#run(sql, params)),
        lock: () => Promise.resolve(),
      };
      try {
        const result = await work(tx);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.#serial(() => {
      if (this.#db.isOpen) this.#db.close();
    });
  }
}
