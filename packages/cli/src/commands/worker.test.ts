import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqliteStore } from '@sekisho/server';
import { repoRoot, requiredTestData } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

/*
 * `sekisho worker`: usage errors exit 2 before anything is opened; the built CLI on a SQLite store
 * takes a real image scan from the queue another process filled, and on SIGTERM finishes and exits 0.
 */
describe('sekisho worker', () => {
  it('refuses a missing database and out-of-range numbers with exit 2', async () => {
    const saved = process.env['SEKISHO_DATABASE'];
    delete process.env['SEKISHO_DATABASE'];
    try {
      const none = await runCaptured(['worker']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('--database');
    } finally {
      if (saved !== undefined) process.env['SEKISHO_DATABASE'] = saved;
    }
    for (const flags of [
      ['--concurrency', '0'],
      ['--concurrency', 'many'],
      ['--per-registry', '-1'],
      ['--grace', '99999'],
    ]) {
      const run = await runCaptured(['worker', '--database', join(tmpdir(), 'never-opened.db'), ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
    }
  });

  const main = resolve(import.meta.dirname, '../../bin/sekisho.js');
  const fixture = requiredTestData(join(process.env['SEKISHO_FIXTURES_DIR'] ?? join(repoRoot(), '.fixtures', 'images'), 'compare-before', 'oci'), 'path', 'run scripts/build-fixture-images.sh');
  it.skipIf(!existsSync(resolve(import.meta.dirname, '../../dist/bundle/main.js')) || fixture === null)(
    'takes jobs from the queue until SIGTERM, then exits 0 (built CLI, SQLite store)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sekisho-worker-cli-'));
      try {
        const database = join(dir, 'store.db');
        const store = await openSqliteStore({ path: database });
        const job = await store.queue.enqueue('scan-image', { reference: fixture as string });
        const child = spawn(process.execPath, [main, '--cache-dir', join(dir, 'cache'), 'worker', '--database', database, '--db', join(dir, 'none.sqlite'), '--grace', '5'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        let done = null;
        for (let i = 0; i < 1200 && done === null; i++) {
          const current = await store.queue.get(job.id);
          if (current?.state === 'completed' || current?.state === 'failed' || current?.state === 'dead') done = current;
          else await new Promise((r) => setTimeout(r, 100));
        }
        expect(done?.state, stderr).toBe('completed');
        expect((await store.repository.listScans(String(done?.result?.['digest']))).items).toHaveLength(1);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(stderr).toContain('stopped');
        await store.repository.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
