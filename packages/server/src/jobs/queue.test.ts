/**
 * The job-queue contract on every implementation: the in-process pool on SQLite (the default) and
 * on PostgreSQL, and pg-boss on PostgreSQL (a throwaway database on 127.0.0.1:5432; skipped with
 * the reason when unreachable, a failure when SEKISHO_REQUIRE_FIXTURES=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openPostgresStore, openSqliteStore } from '../repository/open.js';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { openPgBossQueue } from './pg-boss-queue.js';
import { jobQueueContract } from './testing/queue-contract.js';

jobQueueContract('in-process pool on SQLite', async (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-queue-'));
  const { repository, queue } = await openSqliteStore({ path: join(dir, 'sekisho.db') }, { ...options, pollMs: 50 });
  return {
    queue,
    close: async () => {
      await queue.stop(1000);
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const postgres = await throwawayDatabase();
if ('database' in postgres) {
  const { database } = postgres;
  afterAll(() => database.drop());
  jobQueueContract('in-process pool on PostgreSQL', async (options) => {
    const schema = await database.createSchema();
    const { repository, queue } = await openPostgresStore({ connectionString: database.url, schema, max: 4 }, { ...options, pollMs: 50 });
    return {
      queue,
      close: async () => {
        await queue.stop(1000);
        await repository.close();
      },
    };
  });
  jobQueueContract('pg-boss', async (options) => {
    const schema = await database.createSchema();
    const queue = await openPgBossQueue({ connectionString: database.url, schema, max: 4, ...options, pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 });
    return { queue, close: () => queue.stop(1000) };
  });
} else {
  console.warn(`job queue contract on PostgreSQL skipped: ${postgres.skip}`);
  jobQueueContract('in-process pool on PostgreSQL', null, postgres.skip);
  jobQueueContract('pg-boss', null, postgres.skip);
}
