/** Thrown when a remote call runs out of its share of the request's time. */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `call` with a signal that aborts after `ms` (or when `parent` aborts) and rejects at that
 * moment even if the callee ignores its signal: admission never waits past its deadline.
 */
export async function withDeadline<T>(what: string, ms: number, parent: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (ms <= 0) throw new DeadlineError(what, 0);
  const controller = new AbortController();
  const signal = parent === undefined ? controller.signal : AbortSignal.any([controller.signal, parent]);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(what, ms);
      controller.abort(error);
      reject(error);
    }, ms);
    parent?.addEventListener('abort', () => reject(parent.reason instanceof Error ? parent.reason : new DeadlineError(what, ms)), { once: true });
  });
  try {
    return await Promise.race([call(signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds left until `deadline` (an epoch time). */
export function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}
