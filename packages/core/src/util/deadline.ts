import { SekishoError } from '../errors.js';

/*
 * The overall deadline of a scan (`--timeout`, Trivy's flag: default 5 minutes). It is an
 * AbortSignal whose reason is a LIMIT_TIMEOUT SekishoError, so that every reader that takes the
 * signal (undici requests, layer reads) fails with that code; readers that know what they were
 * doing add it to the message with `deadlineError`.
 */

export const DEFAULT_SCAN_TIMEOUT_MS = 5 * 60_000;

const reasons = new WeakSet<object>();

/** `5m`, `90s`, `1h30m`, `250ms`: durations for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The reason a scan deadline aborts with. */
export function deadlineReason(timeoutMs: number): SekishoError {
  const reason = new SekishoError('LIMIT_TIMEOUT', `the scan did not finish within ${formatDuration(timeoutMs)} (--timeout)`);
  reasons.add(reason);
  return reason;
}

/** A signal aborted `timeoutMs` from now with a LIMIT_TIMEOUT reason (the timer does not keep the process alive). */
export function scanDeadline(timeoutMs: number): { readonly signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(deadlineReason(timeoutMs)), timeoutMs);
  timer.unref();
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}

/** Whether `error` is the reason of an aborted scan signal (as rethrown by undici or a reader). */
export function isDeadline(error: unknown): error is SekishoError {
  return typeof error === 'object' && error !== null && reasons.has(error);
}

/**
 * The error for a reader stopped by `signal`: its reason with `doing` (the host, the blob digest)
 * added; a signal aborted for another reason (cancellation) is LIMIT_TIMEOUT too.
 */
export function deadlineError(signal: AbortSignal, doing: string): SekishoError {
  const reason: unknown = signal.reason;
  const base = reason instanceof SekishoError ? reason.message : `the scan was cancelled${reason instanceof Error ? ` (${reason.message})` : ''}`;
  return new SekishoError(reason instanceof SekishoError ? reason.code : 'LIMIT_TIMEOUT', `${base}: stopped while ${doing}`, { cause: reason });
}

/** Throw the deadline error when `signal` has fired. */
export function checkDeadline(signal: AbortSignal | undefined, doing: string): void {
  if (signal?.aborted === true) throw deadlineError(signal, doing);
}

/** A byte stream that stops with the deadline error once `signal` fires (checked between chunks). */
export async function* untilDeadline(source: AsyncIterable<Buffer>, signal: AbortSignal, doing: string): AsyncGenerator<Buffer> {
  checkDeadline(signal, doing);
  for await (const chunk of source) {
    checkDeadline(signal, doing);
    yield chunk;
  }
}
