/**
 * Faults on PostgreSQL (a throwaway database on 127.0.0.1:5432): a worker process killed with
 * SIGKILL in the middle of a real image scan leaves nothing half-written and its job is retried by
 * another worker; workers and the store carry on after every PostgreSQL connection was cut.
 * The server here is shared with other test runs, so a restart (`pg_ctlcluster 15 main restart`)
 * is simulated by terminating every backend of the throwaway database with pg_terminate_backend.
 * The kill test runs the built server (`npm run build`); it skips, saying so, without it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot, requiredTestData } from '@sekisho/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresRepository } from '../repository/open.js';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { openPgBossQueue } from './pg-boss-queue.js';
import { settledAs, until } from './testing/queue-contract.js';

const postgres = await throwawayDatabase();
if ('skip' in postgres) console.warn(`fault tests skipped: ${postgres.skip}`);
const database = 'database' in postgres ? postgres.database : null;
afterAll(() => database?.drop());

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const CHILD = resolve(import.meta.dirname, 'testing/worker-child.mjs');
const built = existsSync(DIST);
if (!built) console.warn(`worker kill test skipped: ${DIST} is missing (run npm run build)`);
const fixture = requiredTestData(join(process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images'), 'debian-python', 'oci'), 'path', 'run scripts/build-fixture-images.sh');

function startChild(url: string, cacheDir: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, WORKER_DATABASE: url, WORKER_ADVISORY_DB: join(cacheDir, 'no-advisories.sqlite'), WORKER_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((ok, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
    child.once('exit', (code) => fail(new Error(`worker exited (${code}) before it was ready: ${stderr.slice(0, 2000)}`)));
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, ready, exited };
}

/** The largest blob of an OCI layout: the layer a scan of it spends longest reading. */
function largestBlob(layout: string): string {
  const dir = join(layout, 'blobs', 'sha256');
  const sized = readdirSync(dir).map((name) => ({ path: join(dir, name), size: statSync(join(dir, name)).size }));
  return sized.reduce((a, b) => (b.size > a.size ? b : a)).path;
}

/** Whether process `pid` has `file` open (Linux /proc): it is reading that layer now. */
function holdsOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false;
  }
}

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A fixed table name of our schema.
    return Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe.skipIf(database === null)('queue faults on PostgreSQL', () => {
  it.skipIf(!built || fixture === null)(
    'a worker killed with SIGKILL mid-scan leaves nothing half-written; another worker retries the job to the end',
    async () => {
      const url = database!.url;
      const cache = mkdtempSync(join(tmpdir(), 'sekisho-kill-'));
      const children: ChildProcess[] = [];
      try {
        const repository = await openPostgresRepository({ connectionString: url });
        const queue = await openPgBossQueue({ connectionString: url, max: 2 });
        try {
          const job = await queue.enqueue('scan-image', { reference: fixture as string });
          const first = startChild(url, join(cache, 'a'));
          children.push(first.child);
          await first.ready;
          await settledAs(queue, job.id, 'active', 30_000);
          // Killed while it reads the largest layer: mid-scan however fast the machine (a fixed
          // wait let a fast one finish the scan first).
          const layer = largestBlob(fixture as string);
          for (const end = Date.now() + 30_000; !holdsOpen(first.child.pid ?? -1, layer);) {
            if (Date.now() > end) throw new Error(`the worker never opened ${layer}`);
            await new Promise((r) => setTimeout(r, 2));
          }
          first.child.kill('SIGKILL');
          expect(await first.exited).toBeNull();
          // The scan was running: not one row of it was written.
          for (const table of ['images', 'scans', 'inventories', 'inventory_packages', 'findings', 'finding_intervals']) expect(await count(url, table), table).toBe(0);
          expect((await queue.get(job.id))?.state).toBe('active');

          const second = startChild(url, join(cache, 'b'));
          children.push(second.child);
          await second.ready;
          const done = await settledAs(queue, job.id, 'completed', 150_000);
          expect(done.attempts).toBe(2);
          const digest = String(done.result?.['digest']);
          const scans = (await repository.listScans(digest)).items;
          expect(scans).toHaveLength(1);
          expect((await repository.getInventory(digest))?.packages.length).toBe(scans[0]!.packageCount);
          second.child.kill('SIGTERM');
          expect(await second.exited).toBe(0);
        } finally {
          await queue.stop(1000);
          await repository.close();
        }
      } finally {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        rmSync(cache, { recursive: true, force: true });
      }
    },
    240_000,
  );

  it('carries on after every PostgreSQL connection was terminated (a restart, simulated with pg_terminate_backend)', async () => {
    const url = database!.url;
    const schema = await database!.createSchema();
    const errors: Error[] = [];
    // Named connections: only ours are cut (the throwaway database's own admin client stays).
    const named = new URL(url);
    named.searchParams.set('application_name', 'sekisho-store');
    const repository = await openPostgresRepository({ connectionString: named.toString(), schema, max: 2 });
    const queue = await openPgBossQueue({ connectionString: url, schema: `${schema}_boss`, max: 3, pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1, onError: (e) => errors.push(e) });
    try {
      await queue.work('evaluate-policy', 1, (job) => Promise.resolve({ digest: job.payload.digest }));
      const before = await queue.enqueue('evaluate-policy', { digest: `sha256:${'a'.repeat(64)}` });
      await settledAs(queue, before.id, 'completed');
      expect((await repository.listImages({})).items).toHaveLength(0);

      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const cut = await admin.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('sekisho-store', 'sekisho-queue')");
      await admin.end();
      expect(cut.rows.length).toBeGreaterThanOrEqual(2);

      // The first statements after the cut may fail; the pools open new connections and go on.
      const after = await until('an enqueue after the cut', async () => queue.enqueue('evaluate-policy', { digest: `sha256:${'b'.repeat(64)}` }).catch(() => null), 20_000);
      const done = await settledAs(queue, after.id, 'completed', 30_000);
      expect(done.result).toEqual({ digest: `sha256:${'b'.repeat(64)}` });
      const listed = await until('the store after the cut', async () => repository.listImages({}).catch(() => null), 20_000);
      expect(listed.items).toHaveLength(0);
    } finally {
      await queue.stop(1000);
      await repository.close();
    }
  }, 90_000);
});
