import type { Agent, IncomingMessage, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';

/*
 * One HTTP exchange over node:http, for registries reached without a proxy (transport.ts).
 *
 * Why not undici here as well: in a fresh process undici costs more than the blob it fetches.
 * Importing it took 68-97 ms, and its HTTP parser is WebAssembly that V8 compiles in every process
 * (~60 ms of compiler-thread CPU while the layer is being inflated). First 60 MB blob from a local
 * registry in a fresh process: undici 161-189 ms wall / 233-256 ms CPU, node:http 99-145 / 115-158
 * (three runs each); node:http's parser is native and its modules are already part of Node.
 * A proxied request still goes through undici, whose EnvHttpProxyAgent knows HTTP(S)_PROXY and
 * NO_PROXY on every Node version this runs on.
 */

/** A response body as the registry code reads it: a stream, and `dump` to discard the rest. */
export type ResponseBody = Readable & { dump(opts?: { limit: number }): Promise<void> };

export interface Exchange {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: ResponseBody;
}

export interface NodeExchangeOptions {
  /** `http.request` or `https.request`, matching the agent. */
  readonly request: typeof httpRequest;
  readonly agent: Agent;
  /** Connect, response headers and idle body: each fails with LIMIT_TIMEOUT after this long. */
  readonly timeoutMs: number;
  /** Aborting destroys the request or its body with the signal's reason (the scan deadline). */
  readonly signal?: AbortSignal;
}

/** Bytes a `dump` reads to keep the connection for the next request before it closes it instead. */
const DEFAULT_DUMP_LIMIT = 128 * 1024;

/** Repeated headers (several WWW-Authenticate challenges) as arrays, single ones as strings. */
function headersOf(res: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) {
    if (values !== undefined) out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** Read and drop what is left of a body, up to `limit` bytes; past that the connection is closed instead. */
async function dump(res: IncomingMessage, limit: number): Promise<void> {
  // A body received whole but not read still holds its connection until it is read to the end.
  if (res.destroyed || res.readableEnded) return;
  let seen = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > limit) {
      res.destroy();
      return;
    }
  }
}

/**
 * A timeout is an error like a dropped connection (code ETIMEDOUT), not a SekishoError: an
 * idempotent request is tried again and a blob read resumes, as for undici's timeouts; what is
 * finally reported is LIMIT_TIMEOUT (transport.ts networkError).
 */
function timeoutError(detail: string): Error {
  return Object.assign(new Error(detail), { code: 'ETIMEDOUT' });
}

/**
 * Send one request and resolve with the response once its headers are in; the body is read by
 * the caller. Fails with a timeout when connecting or the response headers take longer than
 * `timeoutMs`, or the registry sends nothing for that long while the reader waits for more (time
 * in which the reader holds unread data is the reader's, not the registry's).
 */
export function nodeExchange(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | string | undefined, options: NodeExchangeOptions): Promise<Exchange> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted === true) {
    const reason: unknown = signal.reason;
    return Promise.reject(reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`));
  }
  return new Promise<Exchange>((resolve, reject) => {
    let response: IncomingMessage | null = null;
    let answered = false;
    const req = options.request(url, { method, headers, agent: options.agent });
    const fail = (error: Error): void => {
      if (response !== null) response.destroy(error);
      else req.destroy(error);
    };
    const onAbort = (): void => {
      const reason: unknown = signal?.reason;
      fail(reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`));
    };
    const headersTimer = setTimeout(() => fail(timeoutError(`no response within ${timeoutMs / 1000} s`)), timeoutMs);
    const finish = (): void => {
      clearTimeout(headersTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    req.setTimeout(timeoutMs, () => {
      if (response !== null && response.readableLength > 0) {
        req.setTimeout(timeoutMs); // the reader is behind: look again once it has had its time
        return;
      }
      fail(timeoutError(`nothing received for ${timeoutMs / 1000} s`));
    });
    req.on('error', (error) => {
      if (answered) return; // after the headers an error reaches the reader through the body
      finish();
      reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      clearTimeout(headersTimer);
      response = res;
      res.once('close', finish);
      const withDump = Object.assign(res, { dump: (opts?: { limit: number }) => dump(res, opts?.limit ?? DEFAULT_DUMP_LIMIT) });
      resolve({ status: res.statusCode ?? 0, headers: headersOf(res), body: withDump });
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}
