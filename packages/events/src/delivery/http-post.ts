/**
 * One HTTP POST with a timeout per attempt and retries with exponential backoff and full jitter,
 * honouring `Retry-After` up to the backoff ceiling. 2xx resolves; the statuses that mean the body
 * itself is refused throw PermanentDeliveryError; anything else (5xx, 429, 408, 401/403/404 from a
 * misconfigured receiver, network errors) is retried and finally thrown as an ordinary error, so
 * the bus keeps the batch spooled. Shared by the webhook and Sekisho server outputs.
 */
import type { BackoffOptions } from './backoff.js';
import { backoffDelay, sleep } from './backoff.js';
import { PermanentDeliveryError } from '../output.js';

/** Statuses that mean the content itself is refused: retrying the same body cannot succeed. */
const PERMANENT = new Set([400, 413, 415, 422]);

export interface PostOptions {
  readonly url: string;
  /** Called before each attempt (a signature carries the attempt's timestamp). */
  readonly headers: () => Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly backoff: BackoffOptions;
  /** How errors name the output and the content, e.g. `webhook alerts` and `event 1f…`; never the URL, which may be a secret. */
  readonly who: string;
  readonly what: string;
}

function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export async function postWithRetries(options: PostOptions, signal: AbortSignal): Promise<void> {
  const attempts = Math.max(1, options.attempts);
  let lastError = '';
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (signal.aborted) throw new Error(`${options.who}: aborted`);
    let wait: number | null = null;
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: options.headers(),
        body: options.body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return;
      if (PERMANENT.has(response.status)) throw new PermanentDeliveryError(`${options.who}: the receiver refused ${options.what} with HTTP ${response.status}`);
      lastError = `HTTP ${response.status}`;
      wait = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof PermanentDeliveryError) throw error;
      lastError = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'connection failed';
    }
    if (attempt + 1 < attempts) await sleep(Math.min(options.backoff.maxMs, wait ?? backoffDelay(attempt, options.backoff)), signal);
  }
  throw new Error(`${options.who}: ${attempts} attempts failed, last: ${lastError}`);
}
