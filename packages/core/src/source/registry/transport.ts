import { readFileSync } from 'node:fs';
import type * as HttpModule from 'node:http';
import type * as HttpsModule from 'node:https';
import type * as TlsModule from 'node:tls';
import type { Dispatcher } from 'undici';
import type * as UndiciModule from 'undici';
import { SekishoError } from '../../errors.js';
import { deadlineError, isDeadline } from '../../util/deadline.js';
import { nodeExchange } from './node-exchange.js';
import type { Exchange } from './node-exchange.js';
import type { RegistryOptions, RegistryRequestKind } from './options.js';

/*
 * Network modules are loaded on the first request that needs them: most scans never talk to a
 * registry. node:tls and what it pulls in cost ~11 ms; undici, which only a proxied request uses,
 * 70-100 ms. node:http comes through process.getBuiltinModule, not import(): an ES import of
 * node:http reads every export for its namespace, and one of them loads Node's internal copy of
 * undici (33 ms against 4 ms).
 */
let tlsModule: typeof TlsModule | null = null;
async function loadTls(): Promise<typeof TlsModule> {
  tlsModule ??= await import('node:tls');
  return tlsModule;
}
let undiciModule: typeof UndiciModule | null = null;
async function loadUndici(): Promise<typeof UndiciModule> {
  undiciModule ??= await import('undici');
  return undiciModule;
}
const httpModule = (): typeof HttpModule => process.getBuiltinModule('node:http');
const httpsModule = (): typeof HttpsModule => process.getBuiltinModule('node:https');

/** Whether `env` names a proxy: requests then go through undici's EnvHttpProxyAgent, which applies NO_PROXY. */
function proxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'].some((name) => (env[name] ?? '') !== '');
}

export interface HttpResponse extends Exchange {
  /** The URL that answered (after redirects). */
  readonly url: URL;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH';
  readonly url: URL;
  readonly kind: RegistryRequestKind;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** The Authorization value for a URL, or null. Asked at every hop: credentials stay with their origin. */
  readonly authorization?: (url: URL) => string | null;
  /** Statuses returned to the caller instead of retried (e.g. 416 for a range past the end). */
  readonly acceptStatus?: (status: number) => boolean;
  /** Attempts for this request (default: the `retries` option). */
  readonly attempts?: number;
}

export const MAX_REDIRECTS = 5;
/** Minimum transfer rate (RegistryOptions.minTransferBytes / minTransferWindowMs). */
export const DEFAULT_MIN_TRANSFER_BYTES = 1024 * 1024;
export const DEFAULT_MIN_TRANSFER_WINDOW_MS = 60_000;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_ERROR_BODY = 4096;

export interface TransportDeps {
  /** Waits between attempts; tests record the delays instead of waiting. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How a dispatcher connects: no TLS, TLS verified against the trusted roots, or TLS unverified (--insecure-registry). */
type ConnectionKind = 'plain' | 'verified' | 'unverified';

let systemCas: string[] | null = null;

/** The bundled Mozilla roots plus the operating system's store (Node ≥ 22.15 has `tls.getCACertificates`). */
function trustedRoots(tls: typeof TlsModule): string[] {
  if (systemCas !== null) return systemCas;
  const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  const roots = new Set<string>(tls.rootCertificates);
  if (get !== undefined) {
    for (const type of ['default', 'system']) {
      try {
        for (const cert of get(type)) roots.add(cert);
      } catch {
        // a platform without a readable system store: the bundled roots remain
      }
    }
  }
  systemCas = [...roots];
  return systemCas;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new SekishoError('USAGE_INVALID', `cannot read the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Host names compare case-insensitively; default ports are implied. */
export function hostKey(url: URL): string {
  return url.host.toLowerCase();
}

/** The TLS a kind of connection needs: none for plain HTTP, else one secure context (verified or not). */
type TlsSettings = { readonly secureContext: TlsModule.SecureContext; readonly rejectUnauthorized: boolean } | null;

/**
 * HTTP for registries: node:http, or undici when a proxy is configured (node-exchange.ts says
 * why); TLS per the options (system + extra CAs, client certificates, verification off only for
 * `--insecure-registry` hosts), proxies from HTTP(S)_PROXY/NO_PROXY, retries with backoff on
 * 429/5xx/dropped connections honouring Retry-After, redirects followed by hand so the
 * Authorization header is recomputed for every hop.
 */
export class Transport {
  readonly options: RegistryOptions;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #insecure: Set<string>;
  readonly #proxied: boolean;
  /** One TLS setting, and one agent or dispatcher, per kind of connection, made when first needed. */
  readonly #tls = new Map<ConnectionKind, TlsSettings>();
  readonly #agents = new Map<ConnectionKind, HttpModule.Agent>();
  readonly #dispatchers = new Map<ConnectionKind, Dispatcher>();

  constructor(options: RegistryOptions, deps: TransportDeps = {}) {
    this.options = options;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#insecure = new Set(
      (options.insecureRegistries ?? []).map((h) =>
        h
          .toLowerCase()
          .replace(/^[a-z]+:\/\//, '')
          .replace(/\/.*$/, ''),
      ),
    );
    this.#proxied = proxyConfigured(options.env ?? process.env);
  }

  /** Whether `host` (host:port) was named with --insecure-registry (with or without its port). */
  isInsecure(host: string): boolean {
    const h = host.toLowerCase();
    if (this.#insecure.has(h)) return true;
    const colon = h.lastIndexOf(':');
    return colon > 0 && !h.endsWith(']') && this.#insecure.has(h.slice(0, colon));
  }

  #kind(url: URL): ConnectionKind {
    return url.protocol !== 'https:' ? 'plain' : this.isInsecure(hostKey(url)) ? 'unverified' : 'verified';
  }

  get #timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  async #tlsFor(kind: ConnectionKind): Promise<TlsSettings> {
    const made = this.#tls.get(kind);
    if (made !== undefined) return made;
    // Plain HTTP (a registry named with http://, or a redirect to one) never uses a TLS context:
    // reading the system's CA store and parsing every root costs ~75 ms, so only TLS pays for it.
    if (kind === 'plain') {
      this.#tls.set(kind, null);
      return null;
    }
    const o = this.options;
    const context: TlsModule.SecureContextOptions = {};
    if (o.clientCertFile !== undefined || o.clientKeyFile !== undefined) {
      if (o.clientCertFile === undefined || o.clientKeyFile === undefined) throw new SekishoError('USAGE_INVALID', 'a client certificate needs its key and the other way round');
      context.cert = readPem(o.clientCertFile, 'client certificate');
      context.key = readPem(o.clientKeyFile, 'client key');
    }
    const tls = await loadTls();
    // Unverified (--insecure-registry) needs no roots: an empty list spares loading the default
    // store (~12 ms), which a context without `ca` reads whether or not it verifies.
    context.ca = kind === 'verified' ? [...trustedRoots(tls), ...(o.caCertFiles ?? []).map((f) => readPem(f, 'CA certificate'))] : [];
    let secureContext: TlsModule.SecureContext;
    try {
      // One context per kind: passing `ca` per connection would parse every root each time.
      secureContext = tls.createSecureContext(context);
    } catch (error) {
      throw new SekishoError('USAGE_INVALID', `invalid TLS material: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const settings = { secureContext, rejectUnauthorized: kind === 'verified' };
    this.#tls.set(kind, settings);
    return settings;
  }

  async #agent(kind: ConnectionKind): Promise<HttpModule.Agent> {
    const made = this.#agents.get(kind);
    if (made !== undefined) return made;
    const tls = await this.#tlsFor(kind);
    const agent = tls === null ? new (httpModule().Agent)({ keepAlive: true }) : new (httpsModule().Agent)({ keepAlive: true, ...tls });
    this.#agents.set(kind, agent);
    return agent;
  }

  async #dispatcher(kind: ConnectionKind): Promise<Dispatcher> {
    const made = this.#dispatchers.get(kind);
    if (made !== undefined) return made;
    const tls = await this.#tlsFor(kind);
    const lib = await loadUndici();
    const timeout = this.#timeoutMs;
    const connect = tls === null ? { timeout } : { timeout, secureContext: tls.secureContext, ...(tls.rejectUnauthorized ? {} : { rejectUnauthorized: false }) };
    const env = this.options.env ?? process.env;
    const dispatcher = new lib.EnvHttpProxyAgent({
      httpProxy: env['http_proxy'] ?? env['HTTP_PROXY'] ?? '',
      httpsProxy: env['https_proxy'] ?? env['HTTPS_PROXY'] ?? '',
      noProxy: env['no_proxy'] ?? env['NO_PROXY'] ?? '',
      connect,
      requestTls: connect,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: 10_000,
    });
    this.#dispatchers.set(kind, dispatcher);
    return dispatcher;
  }

  /** One request and its response headers, over node:http or (through a proxy) undici. */
  async #exchange(url: URL, method: string, headers: Record<string, string>, body: Buffer | string | undefined): Promise<Exchange> {
    const signal = this.options.signal;
    const kind = this.#kind(url);
    if (!this.#proxied) {
      const agent = await this.#agent(kind);
      return nodeExchange(url, method, headers, body, {
        request: kind === 'plain' ? httpModule().request : httpsModule().request,
        agent,
        timeoutMs: this.#timeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
    }
    const dispatcher = await this.#dispatcher(kind);
    const lib = await loadUndici();
    const res = await lib.request(url, { method, headers, body, dispatcher, ...(signal === undefined ? {} : { signal }) });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  /** Wait before the next attempt of something (a resumed blob read). */
  pause(attempt: number, doing: string): Promise<void> {
    return this.#wait(backoff(attempt, this.options.maxRetryDelayMs ?? 30_000), doing);
  }

  /** The scan's deadline signal, if any. */
  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Sleep, cut short by the deadline. */
  async #wait(ms: number, doing: string): Promise<void> {
    const signal = this.options.signal;
    if (signal === undefined) return this.#sleep(ms);
    if (signal.aborted) throw deadlineError(signal, doing);
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(deadlineError(signal, doing));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.#sleep(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Watch a response body for the minimum transfer rate: call `add` with each chunk's size and
   * `stop` when done. Too slow a body is destroyed with LIMIT_TIMEOUT naming `what` (host and
   * blob digest), which the reader then throws.
   */
  guard(response: HttpResponse, what: string, where: { image?: string; layer?: string } = {}): RateGuard {
    return new RateGuard(response, what, this.options.minTransferBytes ?? DEFAULT_MIN_TRANSFER_BYTES, this.options.minTransferWindowMs ?? DEFAULT_MIN_TRANSFER_WINDOW_MS, where);
  }

  async close(): Promise<void> {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
    const open = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(open.map((d) => d.close()));
  }

  /**
   * Send a request: follow up to MAX_REDIRECTS redirects, retry transient failures. A response
   * with any other status is returned (the caller reads or dumps its body).
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const attempts = Math.max(1, req.attempts ?? this.options.retries ?? 4);
    const maxDelay = this.options.maxRetryDelayMs ?? 30_000;
    const idempotent = req.method === 'GET' || req.method === 'HEAD';
    const signal = this.options.signal;
    const doing = `requesting ${describe(req.url)}`;
    // A function, not a narrowed property: the signal fires while awaiting.
    const stopped = (): boolean => signal?.aborted === true;
    for (let attempt = 1; ; attempt++) {
      if (signal !== undefined && stopped()) throw deadlineError(signal, doing);
      let response: HttpResponse;
      try {
        response = await this.#follow(req, attempt);
      } catch (error) {
        if (signal !== undefined && stopped()) throw deadlineError(signal, doing);
        if (error instanceof SekishoError || !idempotent || attempt >= attempts) throw networkError(error, req.url);
        await this.#wait(backoff(attempt, maxDelay), doing);
        continue;
      }
      if (!RETRYABLE_STATUS.has(response.status) || req.acceptStatus?.(response.status) === true) return response;
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      await response.body.dump({ limit: MAX_ERROR_BODY }).catch(() => undefined);
      const retryable = idempotent || response.status === 429;
      if (!retryable || attempt >= attempts) throw httpError(response.status, response.url, null);
      if (retryAfter !== null && retryAfter > maxDelay) {
        throw new SekishoError(
          'REGISTRY_HTTP',
          `${describe(response.url)} answered ${response.status} and asks to retry after ${Math.ceil(retryAfter / 1000)} s (longer than the ${Math.ceil(maxDelay / 1000)} s limit)`,
        );
      }
      await this.#wait(Math.max(retryAfter ?? 0, backoff(attempt, maxDelay)), doing);
    }
  }

  async #follow(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    let url = req.url;
    const seen = new Set<string>();
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'sekisho', ...req.headers };
      const authorization = req.authorization?.(url) ?? null;
      if (authorization !== null) headers['authorization'] = authorization;
      // Bodies are only sent to the URL asked for; a redirected upload is re-sent by the caller.
      const body = hop === 0 ? req.body : undefined;
      const method = hop > 0 && req.method === 'POST' ? 'GET' : req.method;
      const res = await this.#exchange(url, method, headers, body);
      this.options.onRequest?.({ method, url: `${url.origin}${url.pathname}`, status: res.status, kind: req.kind, attempt });
      const location = res.headers['location'];
      if (res.status < 300 || res.status >= 400 || res.status === 304 || typeof location !== 'string' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        return { ...res, url };
      }
      await res.body.dump({ limit: MAX_ERROR_BODY }).catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new SekishoError('REGISTRY_PROTOCOL', `${describe(url)} redirects to an invalid URL`, { cause: error });
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new SekishoError('REGISTRY_UNTRUSTED_REDIRECT', `${describe(url)} redirects to a ${next.protocol} URL`);
      }
      if (url.protocol === 'https:' && next.protocol === 'http:' && !this.isInsecure(hostKey(next))) {
        throw new SekishoError('REGISTRY_UNTRUSTED_REDIRECT', `${describe(url)} redirects from HTTPS to plain HTTP (${next.host}); refused`);
      }
      const key = next.href;
      if (seen.has(key) || hop + 1 > MAX_REDIRECTS) {
        throw new SekishoError('REGISTRY_REDIRECT_LOOP', `${describe(req.url)}: more than ${MAX_REDIRECTS} redirects or a redirect loop`);
      }
      seen.add(key);
      url = next;
    }
  }
}

/** Exponential backoff with full jitter: 250 ms · 2^(n-1), capped. */
function backoff(attempt: number, max: number): number {
  const base = Math.min(max, 250 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 100);
  if (text === undefined || text === '') return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A URL for messages: no query string (signed URLs carry secrets). */
export function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function networkError(error: unknown, url: URL): SekishoError {
  if (error instanceof SekishoError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ETIMEDOUT') return new SekishoError('LIMIT_TIMEOUT', `${describe(url)}: timed out (${message})`, { cause: error });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new SekishoError('LIMIT_TIMEOUT', `${describe(url)}: timed out (${code})`, { cause: error });
  }
  return new SekishoError('REGISTRY_HTTP', `cannot reach ${describe(url)}: ${message}${code ? ` (${code})` : ''}`, { cause: error });
}

/** The registry's error (OCI distribution-spec error codes) for messages. */
export function httpError(status: number, url: URL, body: Buffer | null): SekishoError {
  let detail = '';
  if (body !== null && body.length > 0) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
      const first = parsed.errors?.[0];
      if (first !== undefined) detail = `: ${String(first.code ?? '')} ${String(first.message ?? '')}`.slice(0, 300);
    } catch {
      detail = '';
    }
  }
  if (status === 401 || status === 403) return new SekishoError('REGISTRY_AUTH', `${describe(url)}: access denied (${status})${detail}`);
  return new SekishoError('REGISTRY_HTTP', `${describe(url)} answered ${status}${detail}`);
}

/** Read an error body (bounded) and turn the response into an error. */
export async function failure(response: HttpResponse): Promise<SekishoError> {
  let body: Buffer | null = null;
  try {
    body = await readBounded(response, MAX_ERROR_BODY, 'error body', { truncate: true });
  } catch {
    body = null;
  }
  return httpError(response.status, response.url, body);
}

/**
 * A whole response body, refusing more than `max` bytes — by Content-Length before reading, and
 * while reading (endless chunked responses) — and slow drips past `deadlineMs`.
 */
export async function readBounded(response: HttpResponse, max: number, what: string, options: { truncate?: boolean; deadlineMs?: number; transport?: Transport } = {}): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? Number.NaN);
  if (options.truncate !== true && Number.isFinite(declared) && declared > max) {
    response.body.destroy();
    throw new SekishoError('LIMIT_JSON_SIZE', `${what} from ${describe(response.url)} is ${declared} bytes, over the ${max}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    response.body.destroy();
  }, options.deadlineMs ?? 120_000);
  const guard = options.transport?.guard(response, `${what} from ${describe(response.url)}`) ?? null;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      guard?.add(chunk.length);
      size += chunk.length;
      if (size > max) {
        if (options.truncate === true) {
          chunks.push(chunk.subarray(0, chunk.length - (size - max)));
          break;
        }
        throw new SekishoError('LIMIT_JSON_SIZE', `${what} from ${describe(response.url)} is over the ${max}-byte limit`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    const signal = options.transport?.signal;
    if (isDeadline(error) && signal !== undefined) throw deadlineError(signal, `reading the ${what} from ${describe(response.url)}`);
    if (error instanceof SekishoError) throw error;
    if (timedOut) throw new SekishoError('LIMIT_TIMEOUT', `${what} from ${describe(response.url)} took too long`);
    throw networkError(error, response.url);
  } finally {
    guard?.stop();
    clearTimeout(timer);
    response.body.destroy();
  }
  if (timedOut) throw new SekishoError('LIMIT_TIMEOUT', `${what} from ${describe(response.url)} took too long`);
  return Buffer.concat(chunks);
}

export function header(response: HttpResponse, name: string): string | null {
  const value = response.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

export function headerList(response: HttpResponse, name: string): string[] {
  const value = response.headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The minimum transfer rate of one response body, as a sliding window: every quarter window the
 * bytes received so far are sampled; when fewer than `minBytes` arrived since the sample one
 * window back, the body is destroyed with a LIMIT_TIMEOUT naming what was read. A body that ends
 * (or is abandoned) first is not judged: small responses finish long before a window passes.
 * Time the reader spends on what it received (`pause`/`resume`) is not counted.
 */
export class RateGuard {
  #total = 0;
  readonly #samples: { at: number; total: number }[] = [];
  readonly #timer: NodeJS.Timeout | null = null;
  #pausedAt: number | null = null;
  #pausedFor = 0;

  constructor(response: HttpResponse, what: string, minBytes: number, windowMs: number, where: { image?: string; layer?: string }) {
    if (minBytes <= 0 || windowMs <= 0) return;
    this.#samples.push({ at: this.#clock(), total: 0 });
    this.#timer = setInterval(
      () => {
        if (this.#pausedAt !== null) return;
        const now = this.#clock();
        this.#samples.push({ at: now, total: this.#total });
        // The newest sample at least one window old; older ones are no longer needed.
        let from = -1;
        for (let i = 0; i < this.#samples.length && (this.#samples[i]?.at ?? now) <= now - windowMs; i++) from = i;
        if (from < 0) return;
        this.#samples.splice(0, from);
        const base = this.#samples[0] as { at: number; total: number };
        const moved = this.#total - base.total;
        if (moved >= minBytes) return;
        this.stop();
        const seconds = Math.round((now - base.at) / 100) / 10;
        response.body.destroy(
          new SekishoError('LIMIT_TIMEOUT', `${what} is too slow: ${moved} bytes in the last ${seconds} s, under the minimum of ${minBytes} bytes per ${windowMs / 1000} s`, { where }),
        );
      },
      Math.max(10, Math.floor(windowMs / 4)),
    );
    this.#timer.unref();
  }

  /** Time spent waiting for the registry: the clock stands still while the reader holds a chunk. */
  #clock(): number {
    return (this.#pausedAt ?? performance.now()) - this.#pausedFor;
  }

  add(bytes: number): void {
    this.#total += bytes;
  }

  /** The reader is busy with what it got (a slow layer walk is not a slow registry). */
  pause(): void {
    this.#pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.#pausedAt === null) return;
    this.#pausedFor += performance.now() - this.#pausedAt;
    this.#pausedAt = null;
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
  }
}
