/**
 * The contract every JobQueue passes: `jobQueueContract(name, factory)` runs once per
 * implementation (queue.test.ts): the in-process pool on SQLite and on PostgreSQL, and pg-boss.
 * The factory opens an empty queue with a short retry policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RepositoryError } from '../../repository/errors.js';
import { PermanentJobError } from '../errors.js';
import type { RetryPolicy } from '../retry.js';
import type { JobQueue, JobRecord, JobState } from '../types.js';

export interface QueueSubject {
  readonly queue: JobQueue;
  close(): Promise<void>;
}

export interface QueueFactoryOptions {
  readonly retry: RetryPolicy;
  readonly perRegistryConcurrency: number;
}

export type QueueFactory = (options: QueueFactoryOptions) => Promise<QueueSubject>;

/** Fast enough for tests on both: pg-boss counts retry delays in whole seconds. */
export const TEST_RETRY: RetryPolicy = { attempts: 2, baseSeconds: 1, maxSeconds: 1 };

const DIGEST_A = `sha256:${'a'.repeat(64)}`;

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function settledAs(queue: JobQueue, id: string, state: JobState, timeoutMs?: number): Promise<JobRecord> {
  return until(
    `job ${id} to be ${state}`,
    async () => {
      const job = await queue.get(id);
      return job?.state === state ? job : null;
    },
    timeoutMs,
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof RepositoryError ? error.code : `not a RepositoryError: ${String(error)}`;
  }
}

export function jobQueueContract(name: string, factory: QueueFactory | null, skip?: string): void {
  describe.skipIf(factory === null)(`job queue contract: ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let subject: QueueSubject | null = null;
    const open = async (options: Partial<QueueFactoryOptions> = {}): Promise<JobQueue> => {
      subject = await (factory as QueueFactory)({ retry: TEST_RETRY, perRegistryConcurrency: 4, ...options });
      return subject.queue;
    };
    afterEach(async () => {
      await subject?.close();
      subject = null;
    });

    it('queues a job, reads it back by id, and refuses malformed payloads with STORE_INVALID', async () => {
      const queue = await open();
      const job = await queue.enqueue('scan-image', { reference: 'registry.example/team/app:1', digest: DIGEST_A });
      expect(job).toMatchObject({ kind: 'scan-image', state: 'queued', attempts: 0, payload: { reference: 'registry.example/team/app:1', digest: DIGEST_A }, startedAt: null, finishedAt: null });
      expect(await queue.get(job.id)).toMatchObject({ id: job.id, state: 'queued' });
      expect(await queue.get('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await queue.get("'; DROP TABLE jobs; --")).toBeNull();
      const bad: unknown[] = [{ reference: 5 }, { reference: 'a', extra: 1 }, { reference: 'x'.repeat(5000) }, { reference: 'a\u0000b' }, { reference: 'a', digest: 'sha256:short' }, null, []];
      for (const payload of bad) expect(await codeOf(queue.enqueue('scan-image', payload as never))).toBe('STORE_INVALID');
      expect(await codeOf(queue.enqueue('rematch', { dbVersion: 'v1', digests: ['nope'] }))).toBe('STORE_INVALID');
      expect(await codeOf(queue.enqueue('nope' as never, {} as never))).toBe('STORE_INVALID');
    });

    it('queues one job per singleton key while it is queued or running, and a new one once it finished', async () => {
      const queue = await open();
      const first = await queue.enqueue('scan-image', { reference: 'r.example/a:1', digest: DIGEST_A }, { singletonKey: DIGEST_A });
      const second = await queue.enqueue('scan-image', { reference: 'r.example/a:latest', digest: DIGEST_A }, { singletonKey: DIGEST_A });
      expect(second.id).toBe(first.id);
      const other = await queue.enqueue('scan-image', { reference: 'r.example/b:1' });
      const another = await queue.enqueue('scan-image', { reference: 'r.example/b:1' });
      expect(new Set([first.id, other.id, another.id]).size).toBe(3);
      const runs: string[] = [];
      await queue.work('scan-image', 2, (job) => {
        runs.push(job.payload.reference);
        return Promise.resolve({ scanned: job.payload.reference });
      });
      const done = await settledAs(queue, first.id, 'completed');
      expect(done.result).toEqual({ scanned: 'r.example/a:1' });
      expect(done.attempts).toBe(1);
      await settledAs(queue, another.id, 'completed');
      expect(runs.filter((r) => r.startsWith('r.example/a')).length).toBe(1);
      const again = await queue.enqueue('scan-image', { reference: 'r.example/a:1', digest: DIGEST_A }, { singletonKey: DIGEST_A });
      expect(again.id).not.toBe(first.id);
    });

    it('retries a failing job with backoff, then dead-letters it with the redacted error; a permanent error fails at once', async () => {
      const queue = await open();
      const flaky = await queue.enqueue('evaluate-policy', { digest: DIGEST_A });
      const doomed = await queue.enqueue('evaluate-policy', { digest: `sha256:${'b'.repeat(64)}` });
      const permanent = await queue.enqueue('evaluate-policy', { digest: `sha256:${'c'.repeat(64)}` });
      const times: number[] = [];
      await queue.work('evaluate-policy', 3, (job) => {
        if (job.id === flaky.id) {
          times.push(Date.now());
          if (times.length === 1) return Promise.reject(new Error('registry answered 503'));
          return Promise.resolve({ ok: true });
        }
        if (job.id === permanent.id) return Promise.reject(new PermanentJobError('reference is malformed'));
        return Promise.reject(new Error('always down; token AKIAZ3MHT4V5QX7RW2PL'));
      });
      const ok = await settledAs(queue, flaky.id, 'completed');
      expect(ok.attempts).toBe(2);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(500);
      const dead = await settledAs(queue, doomed.id, 'dead');
      expect(dead.attempts).toBe(TEST_RETRY.attempts);
      expect(dead.error).toContain('always down');
      expect(dead.error).not.toContain('AKIAZ3MHT4V5QX7RW2PL');
      const failed = await settledAs(queue, permanent.id, 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.error).toContain('reference is malformed');
      const stats = await queue.stats();
      expect(stats).toMatchObject({ completed: 1, dead: 1, failed: 1, active: 0, queued: 0 });
      expect((await queue.list({ state: 'dead' })).items.map((j) => j.id)).toEqual([doomed.id]);
    });

    it('runs at most the per-registry limit of one registry at once, while another registry proceeds', async () => {
      const queue = await open({ perRegistryConcurrency: 1 });
      const ids: string[] = [];
      for (const ref of ['slow.example/a:1', 'slow.example/b:1', 'slow.example/c:1', 'fast.example/a:1']) ids.push((await queue.enqueue('scan-image', { reference: ref })).id);
      const running = new Map<string, number>();
      const peak = new Map<string, number>();
      let overlapped = false;
      await queue.work('scan-image', 4, async (job) => {
        const registry = job.payload.reference.split('/')[0]!;
        running.set(registry, (running.get(registry) ?? 0) + 1);
        peak.set(registry, Math.max(peak.get(registry) ?? 0, running.get(registry)!));
        if ((running.get('slow.example') ?? 0) > 0 && (running.get('fast.example') ?? 0) > 0) overlapped = true;
        await new Promise((r) => setTimeout(r, 300));
        running.set(registry, running.get(registry)! - 1);
        return {};
      });
      for (const id of ids) await settledAs(queue, id, 'completed', 30_000);
      expect(peak.get('slow.example')).toBe(1);
      expect(overlapped).toBe(true);
    });

    it('lists newest first, by kind and state, in keyset pages', async () => {
      const queue = await open();
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        made.push((await queue.enqueue('rematch', { dbVersion: `v${i}` })).id);
        await new Promise((r) => setTimeout(r, 5));
      }
      await queue.enqueue('scan-repository', { repository: 'r.example/team/app' });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await queue.list({ kind: 'rematch', state: 'queued' }, { limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((j) => j.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([...made].reverse());
      expect((await queue.list({ kind: 'scan-repository' })).items).toHaveLength(1);
      expect((await queue.list({ state: 'completed' })).items).toHaveLength(0);
      expect(await codeOf(queue.list({}, { cursor: 'garbage' }))).toBe('STORE_INVALID');
      expect((await queue.stats()).queued).toBe(6);
    });

    it('stop() lets a running job finish and takes no new ones', async () => {
      const queue = await open();
      const a = await queue.enqueue('evaluate-policy', { digest: DIGEST_A });
      let started = 0;
      let finished = 0;
      await queue.work('evaluate-policy', 1, async () => {
        started++;
        await new Promise((r) => setTimeout(r, 400));
        finished++;
        return { done: true };
      });
      await settledAs(queue, a.id, 'active');
      await queue.enqueue('evaluate-policy', { digest: `sha256:${'d'.repeat(64)}` });
      await queue.stop(10_000);
      expect({ started, finished }).toEqual({ started: 1, finished: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(started).toBe(1);
    });
  });
}
