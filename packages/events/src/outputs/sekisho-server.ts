import type { SekishoEvent } from '@sekisho/model';
import type { BackoffOptions } from '../delivery/backoff.js';
import { postWithRetries } from '../delivery/http-post.js';
import type { Output } from '../output.js';

export interface SekishoServerOutputOptions {
  readonly name: string;
  /** The server's base URL, e.g. `https://sekisho.example.com/`. */
  readonly url: string;
  /** An API token with the scanner role. */
  readonly token: string;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** Attempts within one delivery before the batch goes back to the spool; default 4. */
  readonly attempts?: number;
  readonly backoff?: BackoffOptions;
}

/** The most events the server takes in one request (its `POST /api/v1/events` limit is 500). */
const MAX_BATCH = 100;

/**
 * Sends events to a Sekisho server's `POST /api/v1/events` in batches, with the API token: the
 * server keeps them for the dashboard's timeline and files those that call for a response under
 * incidents. The server keeps each event id once, so a batch resent after a lost answer changes
 * nothing twice. Retries, timeouts and permanent refusals (400, 413, 415, 422) as for webhooks.
 */
export class SekishoServerOutput implements Output {
  readonly name: string;
  readonly maxBatch = MAX_BATCH;
  readonly #endpoint: string;
  readonly #options: SekishoServerOutputOptions;

  constructor(options: SekishoServerOutputOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(`sekisho output ${options.name}: url is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`sekisho output ${options.name}: url must be http(s)`);
    if (url.username !== '' || url.password !== '') throw new Error(`sekisho output ${options.name}: url must not carry credentials (use token)`);
    if (options.token === '' || /[\r\n]/.test(options.token)) throw new Error(`sekisho output ${options.name}: token is empty or not a valid header value`);
    this.name = options.name;
    this.#endpoint = new URL('api/v1/events', url.href.endsWith('/') ? url : new URL(`${url.href}/`)).href;
    this.#options = options;
  }

  async send(events: readonly SekishoEvent[], signal: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const body = JSON.stringify(events);
    const headers = (): Record<string, string> => ({ 'content-type': 'application/json', 'user-agent': 'sekisho-events/1', authorization: `Bearer ${this.#options.token}` });
    await postWithRetries(
      {
        url: this.#endpoint,
        headers,
        body,
        timeoutMs: this.#options.timeoutMs ?? 10_000,
        attempts: this.#options.attempts ?? 4,
        backoff: this.#options.backoff ?? { baseMs: 250, maxMs: 10_000 },
        who: `sekisho output ${this.name}`,
        what: `${events.length} event(s) starting with ${events[0]?.id ?? '?'}`,
      },
      signal,
    );
  }

  async close(): Promise<void> {}
}
