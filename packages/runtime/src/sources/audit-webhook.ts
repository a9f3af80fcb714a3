/**
 * The receiving end of the Kubernetes API server's webhook audit backend, compatible with Falco's
 * k8saudit plugin endpoint (`POST /k8s-audit`): the body is an audit.k8s.io/v1 EventList (batch
 * mode) or one Event. Limits follow the plugin's defaults (webhookMaxBatchSize 12 MiB).
 *
 * Responses: 200 accepted; 400 not JSON or not audit events; 404 another path; 405 another
 * method; 400 empty or 413 oversized body; 415 a non-JSON content type; 503 (with Retry-After)
 * when the engine's queue is full or too many bodies are in memory at once — the API server's
 * batch backend retries, and every refused event or request is counted.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_JSON_LIMITS, parseBoundedJson } from './bounded-json.js';
import { auditItems } from './k8s-audit.js';
import type { SourceItem } from './source-item.js';

export interface AuditWebhookOptions {
  readonly host: string;
  readonly port: number;
  /** Defaults to `/k8s-audit`. */
  readonly path?: string;
  /**
   * Turns a request body into items; any malformed item refuses the whole request (400) with its
   * reason. Defaults to audit events (Event or EventList).
   */
  readonly decode?: (value: unknown) => SourceItem[];
  /** Largest accepted request body (the plugin's webhookMaxBatchSize, 12 MiB). */
  readonly maxBodyBytes?: number;
  readonly maxDepth?: number;
  /** Request bodies held in memory at once, across connections (default 4 × maxBodyBytes); past it: 503. */
  readonly maxInFlightBytes?: number;
  /** PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Takes the events of one request; returns false when it has no room for them (the request
   * is then answered 503 and nothing of it is kept).
   */
  readonly accept: (items: readonly SourceItem[]) => boolean;
}

export interface AuditWebhookStats {
  requests: number;
  events: number;
  rejected: number;
  /** Events refused because the engine's queue was full. */
  dropped: number;
  /** Requests refused (503) because too many request bodies were in memory at once. */
  busy: number;
}

export interface AuditWebhook {
  readonly url: string;
  readonly port: number;
  readonly stats: AuditWebhookStats;
  close(): Promise<void>;
}

export const DEFAULT_WEBHOOK_MAX_BODY = 12 * 1024 * 1024;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startAuditWebhook(options: AuditWebhookOptions): Promise<AuditWebhook> {
  const path = options.path ?? '/k8s-audit';
  const decode = options.decode ?? auditItems;
  const maxBody = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY;
  const limits = { maxBytes: maxBody, maxDepth: options.maxDepth ?? DEFAULT_JSON_LIMITS.maxDepth };
  const stats: AuditWebhookStats = { requests: 0, events: 0, rejected: 0, dropped: 0, busy: 0 };
  const maxInFlight = options.maxInFlightBytes ?? 4 * maxBody;
  let inFlight = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, error: string, headers: Record<string, string> = {}): void => {
      stats.rejected++;
      // The rest of the body is not read: close the connection after the answer.
      res.setHeader('connection', 'close');
      // A client still sending is cut off once the answer is out; it is never read to its end.
      res.once('finish', () => {
        if (!req.complete) req.destroy();
      });
      reply(res, status, { error }, headers);
    };
    if (url.pathname !== path) {
      refuse(404, `not found; audit events go to POST ${path}`);
      return;
    }
    if (req.method !== 'POST') {
      refuse(405, 'only POST is accepted', { allow: 'POST' });
      return;
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/(?:[\w.+-]*\+)?json\b/i.test(type)) {
      refuse(415, `content type ${type} is not JSON`);
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBody) {
      refuse(413, `body larger than ${maxBody} bytes`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const release = (): void => {
      inFlight -= size;
      size = 0;
      chunks.length = 0;
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      inFlight += chunk.length;
      if (size > maxBody) {
        settled = true;
        release();
        refuse(413, `body larger than ${maxBody} bytes`);
        return;
      }
      if (inFlight > maxInFlight) {
        // Flooded: too many large bodies at once. Memory stays bounded; the sender retries.
        settled = true;
        release();
        stats.busy++;
        refuse(503, 'too many requests in flight; retry later', { 'retry-after': '1' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('close', () => {
      if (!settled) release();
    });
    req.on('end', () => {
      if (settled) return;
      if (size === 0) {
        refuse(400, 'empty body');
        return;
      }
      const body = Buffer.concat(chunks, size).toString('utf8');
      settled = true;
      release();
      const parsed = parseBoundedJson(body, limits);
      if (!parsed.ok) {
        refuse(400, parsed.reason === 'too-deep' ? `JSON nested deeper than ${limits.maxDepth}` : 'body is not valid JSON');
        return;
      }
      const items = decode(parsed.value);
      const bad = items.find((i) => i.kind === 'malformed');
      if (bad !== undefined) {
        refuse(400, bad.reason);
        return;
      }
      if (!options.accept(items)) {
        stats.dropped += items.length;
        stats.rejected++;
        reply(res, 503, { error: 'engine queue full; retry later', dropped: items.length }, { 'retry-after': '1' });
        return;
      }
      stats.events += items.length;
      reply(res, 200, { accepted: items.length });
    });
  };

  const server: Server = options.tls === undefined ? createHttpServer(handle) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}${path}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
