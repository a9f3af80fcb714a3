/**
 * Rescans when advisories change: after `sekisho db update`, every stored inventory is re-matched
 * (no layer read). The digests are split into batches of rematch jobs so several workers share
 * the work; each batch has a singleton key per database version, so a second call for the same
 * version while the first batches wait queues nothing new.
 */
import type { Repository } from '../repository/types.js';
import { currentDbVersion } from './advisories.js';
import type { AdvisorySource } from './advisories.js';
import type { JobQueue } from './types.js';

export const REMATCH_BATCH = 200;

export interface RematchEnqueued {
  readonly dbVersion: string;
  readonly digests: number;
  readonly jobs: readonly string[];
}

export async function enqueueRematchAfterDbUpdate(repository: Repository, queue: JobQueue, dbVersion: string, batch = REMATCH_BATCH): Promise<RematchEnqueued> {
  const size = Math.max(1, Math.min(10_000, Math.trunc(batch)));
  const jobs: string[] = [];
  let digests = 0;
  let cursor: string | null = null;
  let part: string[] = [];
  const flush = async (): Promise<void> => {
    if (part.length === 0) return;
    const job = await queue.enqueue('rematch', { dbVersion, digests: part }, { singletonKey: `${dbVersion}|${part[0]}|${part.length}` });
    jobs.push(job.id);
    part = [];
  };
  do {
    const page = await repository.listImages({}, { limit: 500, cursor });
    for (const image of page.items) {
      part.push(image.digest);
      digests++;
      if (part.length >= size) await flush();
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  await flush();
  return { dbVersion, digests, jobs };
}

export interface DbVersionWatch {
  /** Checks now; resolves with what was queued when the version changed, else null. */
  check(): Promise<RematchEnqueued | null>;
  stop(): void;
}

/**
 * Watches the advisory database a worker or server reads: when its version differs from the one
 * seen before (a `db update` replaced the file), the re-match is queued. The first version seen
 * at start is the baseline unless `rematchOnStart` (a fresh server with an old store).
 */
export function watchDbVersion(
  repository: Repository,
  queue: JobQueue,
  advisories: AdvisorySource,
  options: { readonly intervalMs?: number; readonly rematchOnStart?: boolean; readonly onQueued?: (queued: RematchEnqueued) => void; readonly onError?: (error: unknown) => void } = {},
): DbVersionWatch {
  let seen: string | null | undefined = options.rematchOnStart === true ? null : undefined;
  let running: Promise<RematchEnqueued | null> | null = null;
  const once = async (): Promise<RematchEnqueued | null> => {
    try {
      const version = currentDbVersion(advisories);
      if (seen === undefined) {
        seen = version;
        return null;
      }
      if (version === null || version === seen) return null;
      const queued = await enqueueRematchAfterDbUpdate(repository, queue, version);
      seen = version;
      options.onQueued?.(queued);
      return queued;
    } catch (error) {
      options.onError?.(error);
      return null;
    }
  };
  // One check at a time: a caller during a check shares its result.
  const check = (): Promise<RematchEnqueued | null> => {
    if (running !== null) return running;
    const current = once().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  const timer = setInterval(() => void check(), Math.max(1000, options.intervalMs ?? 60_000));
  timer.unref();
  void check();
  return { check, stop: () => clearInterval(timer) };
}
