/**
 * The retry policy both queues share: attempts, and an exponential backoff with jitter
 * (`baseSeconds · 2^(attempt-1)`, ±25 %, capped), so a registry answering 429 is not hammered
 * by every worker at the same instant.
 */
export interface RetryPolicy {
  /** Runs in all, the first included. */
  readonly attempts: number;
  readonly baseSeconds: number;
  readonly maxSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseSeconds: 10, maxSeconds: 600 };

/** Seconds to wait before the attempt after `attempt` (1-based) failed. */
export function backoffSeconds(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.baseSeconds * 2 ** Math.min(30, Math.max(0, attempt - 1));
  const jittered = exponential * (0.75 + 0.5 * random());
  return Math.min(policy.maxSeconds, jittered);
}
