/**
 * A throwaway PostgreSQL database per test run (`sekisho_test_<random>` on 127.0.0.1:5432, or
 * $SEKISHO_TEST_POSTGRES_URL's server), dropped at the end; each test works in its own schema.
 * Unreachable: the suite skips with the reason, or fails when SEKISHO_REQUIRE_FIXTURES=1 (CI,
 * where PostgreSQL is always there).
 */
import { randomBytes } from 'node:crypto';
import { testDataRequired } from '@sekisho/testkit';
import pg from 'pg';

export const POSTGRES_URL_VARIABLE = 'SEKISHO_TEST_POSTGRES_URL';
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  /** Connection string of the new database. */
  readonly url: string;
  /** A fresh, empty schema in it. */
  createSchema(): Promise<string>;
  /** Every row of every table of `schema`, as text. */
  dumpSchema(schema: string): Promise<string>;
  drop(): Promise<void>;
}

export type PostgresFixture = { readonly database: ThrowawayDatabase } | { readonly skip: string };

export async function throwawayDatabase(): Promise<PostgresFixture> {
  const adminUrl = process.env[POSTGRES_URL_VARIABLE] ?? DEFAULT_URL;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  const name = `sekisho_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.connect();
    // A generated name (hex): database names cannot be bound as parameters.
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (cause) {
    await admin.end().catch(() => {});
    const reason = `PostgreSQL is unreachable at ${redactUrl(adminUrl)} (${(cause as Error).message})`;
    if (testDataRequired()) throw new Error(`${reason}; SEKISHO_REQUIRE_FIXTURES=1 makes it an error, not a skip`, { cause });
    return { skip: reason };
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let schemas = 0;
  return {
    database: {
      url: url.toString(),
      async createSchema() {
        schemas += 1;
        const schema = `t${schemas}_${randomBytes(3).toString('hex')}`;
        await client.query(`CREATE SCHEMA ${schema}`);
        return schema;
      },
      async dumpSchema(schema) {
        const tables = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
        let text = '';
        for (const { table_name } of tables.rows) {
          const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
          text += rows.rows.map((r) => r.row).join('\n');
        }
        return text;
      },
      async drop() {
        await client.end().catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    },
  };
}

function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
