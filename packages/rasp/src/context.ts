import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One piece of data the client sent, named the way a finding should name it. */
export interface RequestValue {
  readonly source: 'query' | 'path' | 'header' | 'cookie' | 'body';
  readonly name: string;
  readonly value: string;
}

export interface RequestContext {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly sourceIp: string | null;
  readonly response: ServerResponse | null;
  /** Query, path and header values, known at the start. */
  readonly values: RequestValue[];
  readonly bodyChunks: Buffer[];
  bodyBytes: number;
  contentType: string;
  /** Body values, parsed on first use (after the body has arrived). */
  bodyValues: RequestValue[] | null;
  bodyValuesAt: number;
}

/** Body bytes kept per request for matching; the rest still flows to the application untouched. */
export const MAX_BODY_BYTES = 1024 * 1024;
const HEADERS = ['user-agent', 'referer', 'x-forwarded-host', 'x-original-url', 'x-rewrite-url'];

export const requestStorage = new AsyncLocalStorage<RequestContext>();

function flatten(value: unknown, name: string, out: RequestValue[], depth = 0): void {
  if (out.length > 10_000 || depth > 32) return;
  if (typeof value === 'string') out.push({ source: 'body', name, value });
  else if (typeof value === 'number' || typeof value === 'boolean') out.push({ source: 'body', name, value: String(value) });
  else if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${name}[${i}]`, out, depth + 1));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ source: 'body', name: name === '' ? k : `${name}.${k}`, value: k });
      flatten(v, name === '' ? k : `${name}.${k}`, out, depth + 1);
    }
  }
}

/** The body's values: JSON leaves by path, form fields by name, else the whole text. */
export function bodyValues(context: RequestContext, parseJson: (text: string) => unknown): RequestValue[] {
  if (context.bodyValues !== null && context.bodyValuesAt === context.bodyBytes) return context.bodyValues;
  const text = Buffer.concat(context.bodyChunks).toString('utf8');
  const out: RequestValue[] = [];
  if (text !== '') {
    if (context.contentType.includes('json')) {
      try {
        flatten(parseJson(text), '', out);
      } catch {
        out.push({ source: 'body', name: '(body)', value: text });
      }
    } else if (context.contentType.includes('x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(text)) out.push({ source: 'body', name: k, value: v });
    } else out.push({ source: 'body', name: '(body)', value: text });
  }
  context.bodyValues = out;
  context.bodyValuesAt = context.bodyBytes;
  return out;
}

function startValues(request: IncomingMessage): { path: string; values: RequestValue[] } {
  const values: RequestValue[] = [];
  let path = request.url ?? '/';
  try {
    const url = new URL(request.url ?? '/', 'http://request.invalid');
    path = url.pathname;
    for (const [k, v] of url.searchParams) {
      values.push({ source: 'query', name: k, value: v });
      values.push({ source: 'query', name: k, value: k });
    }
    url.pathname.split('/').forEach((segment, i) => {
      if (segment === '') return;
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // keep the raw segment
      }
      values.push({ source: 'path', name: `segment ${i}`, value: decoded });
    });
  } catch {
    values.push({ source: 'path', name: 'url', value: request.url ?? '' });
  }
  for (const h of HEADERS) {
    const v = request.headers[h];
    if (typeof v === 'string') values.push({ source: 'header', name: h, value: v });
  }
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) values.push({ source: 'cookie', name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  }
  return { path, values };
}

/**
 * Every request of Node's HTTP server (Express and Fastify run on it) gets a context for the rest
 * of its asynchronous life: Node publishes `http.server.request.start` before the application's
 * handler runs, and entering the store there makes the handler and everything it awaits see it.
 * Body chunks are copied as the request emits them, without changing how the stream flows, and
 * everything the request emits runs in its context.
 */
export function trackRequests(): void {
  subscribe('http.server.request.start', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    const { path, values } = startValues(request);
    const context: RequestContext = {
      id: randomUUID(),
      method: request.method ?? 'GET',
      path,
      sourceIp: request.socket.remoteAddress ?? null,
      response,
      values,
      bodyChunks: [],
      bodyBytes: 0,
      contentType: (request.headers['content-type'] ?? '').toLowerCase(),
      bodyValues: null,
      bodyValuesAt: -1,
    };
    const emit = request.emit.bind(request);
    request.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && context.bodyBytes < MAX_BODY_BYTES) {
        const chunk = args[0];
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : null;
        if (buf !== null) {
          const kept = buf.subarray(0, MAX_BODY_BYTES - context.bodyBytes);
          context.bodyChunks.push(Buffer.from(kept));
          context.bodyBytes += kept.length;
        }
      }
      // Listeners (body parsers) run in this request's context even when the socket's own
      // context belongs to an earlier request on the same keep-alive connection.
      return requestStorage.run(context, () => emit(event, ...args));
    }) as typeof request.emit;
    requestStorage.enterWith(context);
  });
}
