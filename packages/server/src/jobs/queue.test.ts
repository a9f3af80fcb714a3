/**
 * The job-queue contract on every implementation: the in-process pool on SQLite (the default) and
 * on PostgreSQL, and pg-boss on PostgreSQL (a throwaway database on 127.0.0.1:5432; skipped with
 * the reason when unreachable, a failure when SEKISHO_REQUIRE_FIXTURES=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore } from './open-store.js';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { openPgBossQueue } from './pg-boss-queue.js';
import { jobQueueContract, settledAs } from './testing/queue-contract.js';

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

describe('in-process pool: a job whose worker vanished', () => {
  it('is taken again once its lease lapsed, and that attempt counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-lease-'));
    const path = join(dir, 'sekisho.db');
    const { repository, queue } = await openSqliteStore({ path }, { pollMs: 50, retry: { attempts: 3, baseSeconds: 0.1, maxSeconds: 0.1 } });
    try {
      const job = await queue.enqueue('evaluate-policy', { digest: `sha256:${'e'.repeat(64)}` });
      // What a worker killed mid-job leaves behind: an active job, its lease run out, its owner gone.
      const raw = new DatabaseSync(path);
      raw.exec('PRAGMA busy_timeout = 5000');
      raw
        .prepare("UPDATE jobs SET state = 'active', attempts = 1, lease_owner = 'killed-worker', lease_until = '2000-01-01T00:00:00.000Z', started_at = '2000-01-01T00:00:00.000Z' WHERE id = ?")
        .run(job.id);
      raw.close();
      await queue.work('evaluate-policy', 1, () => Promise.resolve({ ok: true }));
      const done = await settledAs(queue, job.id, 'completed');
      expect(done.attempts).toBe(2);
    } finally {
      await queue.stop(1000);
      await repository.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
