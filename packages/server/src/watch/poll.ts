/**
 * Registry polling: every interval (with jitter, so a fleet of servers does not poll in step) a
 * scan-repository job is queued for each watched repository; the job lists the tags through
 * core's registry client and queues scans of new digests. Bounded: at most `maxRepositories`
 * repositories, and a repository whose previous job still waits is not queued again (its
 * singleton key).
 */
import { parseRegistryTarget } from '@sekisho/core';
import type { JobQueue } from '../jobs/types.js';

export const MAX_WATCHED_REPOSITORIES = 10_000;

export interface RegistryPollOptions {
  /** `registry/path` of each repository to watch. */
  readonly repositories: readonly string[];
  /** Time between polls (default 15 min; at least 10 s). */
  readonly intervalMs?: number;
  /** Each wait is stretched by up to this fraction at random (default 0.2). */
  readonly jitter?: number;
  readonly maxRepositories?: number;
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
}

export interface RegistryPoll {
  /** Queues one round now; resolves with how many jobs were queued. */
  poll(): Promise<number>;
  stop(): void;
}

/** The repositories, checked and deduplicated; throws on a name that is not `registry/path`. */
export function watchedRepositories(names: readonly string[], max = MAX_WATCHED_REPOSITORIES): string[] {
  if (names.length > max) throw new Error(`at most ${max} repositories can be watched (got ${names.length})`);
  const out = new Set<string>();
  for (const name of names) {
    const target = parseRegistryTarget(name);
    if (target.repository === null) throw new Error(`${JSON.stringify(name.slice(0, 80))} names a registry, not a repository (registry/path)`);
    out.add(`${target.registry}/${target.repository}`);
  }
  return [...out];
}

export function startRegistryPoll(queue: JobQueue, options: RegistryPollOptions): RegistryPoll {
  const repositories = watchedRepositories(options.repositories, options.maxRepositories);
  const interval = Math.max(10_000, options.intervalMs ?? 15 * 60_000);
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const poll = async (): Promise<number> => {
    let queued = 0;
    for (const repository of repositories) {
      if (stopped) break;
      try {
        await queue.enqueue('scan-repository', { repository }, { singletonKey: `repository:${repository}` });
        queued++;
      } catch (error) {
        options.onError?.(error);
      }
    }
    return queued;
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        void poll().finally(schedule);
      },
      interval * (1 + jitter * random()),
    );
    timer.unref();
  };
  schedule();
  return {
    poll,
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
