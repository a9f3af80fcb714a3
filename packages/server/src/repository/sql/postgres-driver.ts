/**
 * PostgreSQL through `pg` (node-postgres): the driver pg-boss and graphile-worker use, so the
 * queue can share the pool and enqueue inside a repository transaction later. `?` placeholders
 * are numbered `$1…$n` here; values are always bound.
 */
import pg from 'pg';
import { RepositoryError } from '../errors.js';
import type { SqlDriver, SqlRow, SqlTransaction, SqlValue } from './driver.js';

export interface PostgresDriverOptions {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string;
  /** Pool size. */
  readonly max?: number;
  /** Schema to work in (search_path); `public` otherwise. */
  readonly schema?: string;
  readonly statementTimeoutMs?: number;
}

/** `a = ? AND b = ?` → `a = $1 AND b = $2`. The repository's SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(options: PostgresDriverOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new RepositoryError('STORE_INVALID', `not a plain schema name: ${options.schema}`);
    }
    const settings = [`-c statement_timeout=${Math.trunc(options.statementTimeoutMs ?? 30_000)}`];
    if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10, options: settings.join(' ') });
    // An idle client that loses its connection must not crash the process; the next query reports it.
    this.#pool.on('error', () => {});
  }

  async #query(client: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await client.query(numberPlaceholders(sql), [...params]);
    } catch (cause) {
      throw unavailable(cause) ?? cause;
    }
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return (await this.#query(this.#pool, sql, params)).rows as SqlRow[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.#query(this.#pool, sql, params)).rowCount ?? 0;
  }

  async exec(tx: SqlTransaction, script: string): Promise<void> {
    await tx.run(script);
  }

  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw new RepositoryError('STORE_UNAVAILABLE', 'cannot connect to PostgreSQL', { cause });
    }
    const tx: SqlTransaction = {
      all: async (sql, params = []) => (await this.#query(client, sql, params)).rows as SqlRow[],
      run: async (sql, params = []) => (await this.#query(client, sql, params)).rowCount ?? 0,
      // Transaction-scoped advisory locks, taken in a fixed order so two writers cannot deadlock.
      lock: async (keys) => {
        for (const key of [...new Set(keys)].sort()) await this.#query(client, 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function unavailable(cause: unknown): RepositoryError | null {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '57P01' ? new RepositoryError('STORE_UNAVAILABLE', 'PostgreSQL is unreachable', { cause }) : null;
}
