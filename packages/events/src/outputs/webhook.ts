import { createHmac } from 'node:crypto';
import type { SekishoEvent } from '@sekisho/model';
import type { BackoffOptions } from '../delivery/backoff.js';
import { postWithRetries } from '../delivery/http-post.js';
import type { Output } from '../output.js';
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
    const headers = (): Record<string, string> => {
      const timestamp = String(Math.floor((this.#options.now?.() ?? Date.now()) / 1000));
      return {
        ...this.#options.headers,
        'content-type': 'application/json',
        'user-agent': 'sekisho-events/1',
        'x-sekisho-event-id': event.id,
        [TIMESTAMP_HEADER]: timestamp,
        ...(this.#options.secret === undefined ? {} : { [SIGNATURE_HEADER]: webhookSignature(this.#options.secret, timestamp, body) }),
      };
    };
    await postWithRetries(
      {
        url: this.#options.url,
        headers,
        body,
        timeoutMs: this.#options.timeoutMs ?? 10_000,
        attempts: this.#options.attempts ?? 4,
        backoff: this.#backoff,
        who: `webhook ${this.name}`,
        what: `event ${event.id}`,
      },
      signal,
    );
  }

  async close(): Promise<void> {}
}
