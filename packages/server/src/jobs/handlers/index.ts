/** The handler of every job kind, and starting them on a queue. */
import type { WorkerContext } from '../context.js';
import type { JobHandler, JobKind, JobQueue } from '../types.js';
import { evaluatePolicyHandler } from './evaluate-policy.js';
import { rematchHandler } from './rematch.js';
import { scanImageHandler } from './scan-image.js';
import { scanRepositoryHandler } from './scan-repository.js';

export type JobHandlers = { readonly [K in JobKind]: JobHandler<K> };

export function createJobHandlers(ctx: WorkerContext): JobHandlers {
  return {
    'scan-image': scanImageHandler(ctx),
    'scan-repository': scanRepositoryHandler(ctx),
    rematch: rematchHandler(ctx),
    'evaluate-policy': evaluatePolicyHandler(ctx),
  };
}

/**
 * Starts every kind on `queue`: `concurrency` image scans at once (the heavy kind), and a
 * smaller share for the others (listing tags and re-matching are light but long).
 */
export async function startHandlers(queue: JobQueue, handlers: JobHandlers, concurrency: number): Promise<void> {
  const n = Math.max(1, Math.trunc(concurrency));
  await queue.work('scan-image', n, handlers['scan-image']);
  await queue.work('scan-repository', Math.max(1, Math.ceil(n / 2)), handlers['scan-repository']);
  await queue.work('rematch', Math.max(1, Math.ceil(n / 2)), handlers.rematch);
  await queue.work('evaluate-policy', n, handlers['evaluate-policy']);
}

export { DEFAULT_WORKER_SCANNERS } from './scan-image.js';
