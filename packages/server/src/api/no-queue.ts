/**
 * The queue of a server started without one: it has no jobs, so it lists none and counts zero, and
 * refuses new ones with 503 (pushed scans, `sekisho image --server`, still work). The server command
 * swaps in the in-process pool (SQLite) or the PostgreSQL queue when they are available.
 */
import type { Page } from '@sekisho/model';
import type { JobQueue, JobRecord, QueueStats } from '../jobs/types.js';
import { ApiError } from './errors.js';

export class NoJobQueue implements JobQueue {
  enqueue(): Promise<never> {
    return Promise.reject(new ApiError(503, 'QUEUE_UNAVAILABLE', 'this server runs without a job queue: push scans with `sekisho image REF --server URL`'));
  }

  get(): Promise<JobRecord | null> {
    return Promise.resolve(null);
  }

  list(): Promise<Page<JobRecord>> {
    return Promise.resolve({ items: [], nextCursor: null });
  }

  stats(): Promise<QueueStats> {
    return Promise.resolve({ queued: 0, active: 0, failed: 0, dead: 0, completed: 0 });
  }

  work(): Promise<void> {
    return Promise.reject(new Error('this server runs without a job queue'));
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
