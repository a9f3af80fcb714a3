import { createHmac } from 'node:crypto';
import type { SekishoEvent } from '@sekisho/model';
import type { BackoffOptions } from '../delivery/backoff.js';
import { backoffDelay, sleep } from '../delivery/backoff.js';
import type { Output } from '../output.js';
import { PermanentDeliveryError } from '../output.js';
import type { WebhookLayout } from './webhook-layouts.js';
import { webhookBody } from './webhook-layouts.js';

export interface WebhookOutputOptions {
  readonly name: string;
  /** May itself be a secret (Slack and Teams webhook URLs are); it never appears in an error. */
  readonly url: string;
  readonly layout?: WebhookLayout;
  /** HMAC-SHA256 key: when set, every request carries `X-Sekisho-Signature`. */
  readonly secret?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** Attempts within one delivery before the batch goes back to the spool; default 4. */
  readonly attempts?: number;
  readonly backoff?: BackoffOptions;
  /** Base for relative event links (the dashboard's address). */
  readonly linkBase?: string;
  /** Test seam: the clock for the signature timestamp. */
  readonly now?: () => number;
}

/** Statuses that mean the content itself is refused: retrying the same body cannot succeed. */
const PERMANENT = new Set([400, 413, 415, 422]);
const SIGNATURE_HEADER = 'x-sekisho-signature';
const TIMESTAMP_HEADER = 'x-sekisho-timestamp';

/**
 * The signature a receiver recomputes: `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>`,
 * the timestamp (Unix seconds) from `X-Sekisho-Timestamp`, so an old request cannot be replayed
 * with a new timestamp.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function retryAfterMs(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * One POST per event, signed, with a timeout per request and retries with exponential backoff and
 * full jitter (honouring `Retry-After` up to the backoff ceiling). 2xx is delivered; 400, 413, 415
 * and 422 reject the event for good; anything else (5xx, 429, 408, 401/403/404 from a
 * misconfigured receiver, network errors) is retried, then left in the spool for the bus.
 */
export class WebhookOutput implements Output {
  readonly name: string;
  /** One event per delivery: a failure never resends events the receiver already took. */
  readonly maxBatch = 1;
  readonly #options: WebhookOutputOptions;
  readonly #backoff: BackoffOptions;

  constructor(options: WebhookOutputOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(`webhook ${options.name}: url is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`webhook ${options.name}: url must be http(s)`);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(name) || /[\r\n]/.test(value)) throw new Error(`webhook ${options.name}: header ${JSON.stringify(name)} is not a valid header`);
    }
    this.name = options.name;
    this.#options = options;
    this.#backoff = options.backoff ?? { baseMs: 250, maxMs: 10_000 };
  }

  async send(events: readonly SekishoEvent[], signal: AbortSignal): Promise<void> {
    for (const event of events) await this.#post(event, signal);
  }

  async #post(event: SekishoEvent, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(webhookBody(this.#options.layout ?? 'json', event, this.#options.linkBase));
    const attempts = Math.max(1, this.#options.attempts ?? 4);
    let lastError = '';
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (signal.aborted) throw new Error(`webhook ${this.name}: aborted`);
      const timestamp = String(Math.floor((this.#options.now?.() ?? Date.now()) / 1000));
      const headers: Record<string, string> = {
        ...this.#options.headers,
        'content-type': 'application/json',
        'user-agent': 'sekisho-events/1',
        'x-sekisho-event-id': event.id,
        [TIMESTAMP_HEADER]: timestamp,
      };
      if (this.#options.secret !== undefined) headers[SIGNATURE_HEADER] = webhookSignature(this.#options.secret, timestamp, body);
      let wait: number | null = null;
      try {
        const response = await fetch(this.#options.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.#options.timeoutMs ?? 10_000)]),
        });
        await response.body?.cancel().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) return;
        if (PERMANENT.has(response.status)) throw new PermanentDeliveryError(`webhook ${this.name}: the receiver refused event ${event.id} with HTTP ${response.status}`);
        lastError = `HTTP ${response.status}`;
        wait = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof PermanentDeliveryError) throw error;
        lastError = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.#options.timeoutMs ?? 10_000} ms` : 'connection failed';
      }
      if (attempt + 1 < attempts) await sleep(Math.min(this.#backoff.maxMs, wait ?? backoffDelay(attempt, this.#backoff)), signal);
    }
    throw new Error(`webhook ${this.name}: ${attempts} attempts failed, last: ${lastError}`);
  }

  async close(): Promise<void> {}
}
