/**
 * The repository contract, run against both implementations: SQLite in a temporary file, and
 * PostgreSQL in a throwaway database on 127.0.0.1:5432 (skipped with the reason when
 * unreachable; a failure when SEKISHO_REQUIRE_FIXTURES=1).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresRepository, openSqliteRepository } from './open.js';
import { repositoryContract } from './testing/contract.js';
import { throwawayDatabase } from './testing/postgres.js';

repositoryContract('sqlite', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-store-'));
  const path = join(dir, 'sekisho.db');
  const options = { path, now: () => clock.now };
  const repository = await openSqliteRepository(options);
  return {
    repository,
    storedText: () => {
      const files = [path, `${path}-wal`].filter((f) => existsSync(f));
      return Promise.resolve(files.map((f) => readFileSync(f).toString('utf8')).join('\n'));
    },
    reopen: () => openSqliteRepository(options),
    raw: (sql) => {
      const db = new DatabaseSync(path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    close: async () => {
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const postgres = await throwawayDatabase();
if ('database' in postgres) {
  const { database } = postgres;
  afterAll(() => database.drop());
  repositoryContract('postgres', async (clock) => {
    const schema = await database.createSchema();
    const options = { connectionString: database.url, schema, max: 4, now: () => clock.now };
    const repository = await openPostgresRepository(options);
    return {
      repository,
      storedText: () => database.dumpSchema(schema),
      reopen: () => openPostgresRepository(options),
      raw: async (sql) => {
        const client = new pg.Client({ connectionString: database.url, options: `-c search_path=${schema}` });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      },
      close: () => repository.close(),
    };
  });
} else {
  console.warn(`repository contract on PostgreSQL skipped: ${postgres.skip}`);
  repositoryContract('postgres', null, postgres.skip);
}
