/**
 * The webhook's HTTPS server: `POST /validate`, `POST /mutate`, `GET /healthz`, `GET /metrics`.
 * TLS 1.2 or newer; the certificate and key are re-read when their files change (cert-manager
 * rotates them in place) and swapped in with `setSecureContext`, without dropping a connection.
 * Bodies are bounded in size and nesting; every request ends within its deadline. `drain` ends it
 * without failing a review the API server already sent: readiness fails first, the server keeps
 * answering for a delay (endpoints catch up), then stops accepting and waits for reviews in flight.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { BODY_LIMITS, parseJsonBody } from './body.js';
import type { AdmissionController, Endpoint } from './controller.js';
import { AdmissionMetrics } from './metrics.js';
import { parseAdmissionReview, reviewResponse } from './review.js';

export interface AdmissionServerOptions {
  readonly controller: AdmissionController;
  readonly certFile: string;
  readonly keyFile: string;
  readonly host?: string;
  readonly port?: number;
  /** How often the certificate files are checked for a change (default 10 s). */
  readonly reloadIntervalMs?: number;
  readonly maxBodyBytes?: number;
  readonly maxDepth?: number;
  /** A request whose body has not arrived after this long is dropped (default 10 s). */
  readonly requestTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly metrics?: AdmissionMetrics;
  /** Problems that do not stop the server (an unreadable certificate during rotation). */
  readonly onWarning?: (message: string) => void;
}

export interface AdmissionServer {
  readonly server: Server;
  readonly metrics: AdmissionMetrics;
  /** The bound address, once `listen` resolved. */
  address(): AddressInfo;
  listen(): Promise<AddressInfo>;
  /** Checks the certificate files now; true when a new certificate was loaded. */
  reloadCertificate(): Promise<boolean>;
  /**
   * A graceful stop: `/readyz` answers 503 at once; requests are still answered for `delayMs`;
   * then new connections are refused and requests in flight get up to `graceMs` to finish
   * (keep-alive connections are closed as their responses end) before the rest are cut.
   * Resolves with the number of requests that had to be cut.
   */
  drain(options: { readonly delayMs: number; readonly graceMs: number }): Promise<number>;
  close(): Promise<void>;
}

const TLS_OPTIONS: SecureContextOptions = { minVersion: 'TLSv1.2' };

async function readPair(certFile: string, keyFile: string): Promise<{ cert: Buffer; key: Buffer; fingerprint: string }> {
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  return { cert, key, fingerprint: createHash('sha256').update(cert).update('\0').update(key).digest('hex') };
}

/** The API server's `?timeout=10s` on webhook calls, in milliseconds. */
export function timeoutOf(url: string | undefined): number | undefined {
  const m = /[?&]timeout=(\d{1,6})(ms|s)(?:&|$)/.exec(url ?? '');
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  send(res, status, JSON.stringify({ error: { status, message } }));
}

/** Reads the body up to `limit` bytes; null (and the connection answered 413) when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

export async function createAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const metrics = options.metrics ?? new AdmissionMetrics();
  const limits = { bytes: options.maxBodyBytes ?? BODY_LIMITS.bytes, depth: options.maxDepth ?? BODY_LIMITS.depth };
  const controller = options.controller;
  let current = await readPair(options.certFile, options.keyFile);
  // fails here, at start, on a bad pair
  createSecureContext({ ...TLS_OPTIONS, cert: current.cert, key: current.key });

  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;
  const server = createServer({ ...TLS_OPTIONS, cert: current.cert, key: current.key }, (req, res) => {
    inFlight += 1;
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
    void handle(req, res).catch((error: unknown) => {
      sendError(res, 500, error instanceof Error ? error.message : 'internal error');
    });
  });
  server.requestTimeout = options.requestTimeoutMs ?? 10_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  server.keepAliveTimeout = 30_000;
  server.maxConnections = options.maxConnections ?? 2000;
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') {
      if (path === '/readyz' && draining) send(res, 503, 'draining\n', 'text/plain');
      else send(res, 200, 'ok\n', 'text/plain');
      return;
    }
    if (path === '/metrics') {
      const stats = controller.cacheStats;
      metrics.verdictCache.set({ stat: 'hits' }, stats.hits);
      metrics.verdictCache.set({ stat: 'misses' }, stats.misses);
      metrics.verdictCache.set({ stat: 'entries' }, stats.size);
      metrics.eventsDropped.set(controller.eventsDropped);
      send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
      return;
    }
    if (path !== '/validate' && path !== '/mutate') {
      sendError(res, 404, `no such endpoint ${path ?? ''}`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, 405, `${path} takes POST`);
      return;
    }
    const endpoint: Endpoint = path === '/validate' ? 'validate' : 'mutate';
    const body = await readBody(req, limits.bytes);
    if (body === null) {
      metrics.refused.inc({ status: '413' });
      res.setHeader('connection', 'close');
      sendError(res, 413, `body larger than ${limits.bytes} bytes`);
      return;
    }
    const started = process.hrtime.bigint();
    const parsed = parseJsonBody(body, limits);
    if (!parsed.ok) {
      metrics.refused.inc({ status: String(parsed.status) });
      sendError(res, parsed.status, parsed.message);
      return;
    }
    const review = parseAdmissionReview(parsed.value);
    if (!review.ok) {
      metrics.refused.inc({ status: '400' });
      sendError(res, 400, review.message);
      return;
    }
    const outcome = await controller.review(review.request, endpoint, timeoutOf(req.url));
    send(res, 200, JSON.stringify(reviewResponse(outcome.response)));
    metrics.requests.inc({ endpoint, result: outcome.response.status?.code === 500 ? 'error' : outcome.result });
    metrics.duration.observe({ endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  async function reloadCertificate(): Promise<boolean> {
    let next;
    try {
      next = await readPair(options.certFile, options.keyFile);
    } catch (error) {
      metrics.certificateReloads.inc({ outcome: 'invalid' });
      options.onWarning?.(`certificate not reloaded: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (next.fingerprint === current.fingerprint) return false;
    try {
      // a half-written pair (the key of the new certificate not there yet) is refused here and tried again next time
      createSecureContext({ ...TLS_OPTIONS, cert: next.cert, key: next.key });
      server.setSecureContext({ ...TLS_OPTIONS, cert: next.cert, key: next.key });
    } catch (error) {
      metrics.certificateReloads.inc({ outcome: 'invalid' });
      options.onWarning?.(`certificate not reloaded, the old one stays: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    current = next;
    metrics.certificateReloads.inc({ outcome: 'loaded' });
    return true;
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    server,
    metrics,
    address: () => server.address() as AddressInfo,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8443, options.host ?? '0.0.0.0', () => {
          server.off('error', reject);
          timer = setInterval(() => void reloadCertificate(), options.reloadIntervalMs ?? 10_000);
          timer.unref();
          resolve(server.address() as AddressInfo);
        });
      }),
    reloadCertificate,
    async drain({ delayMs, graceMs }) {
      draining = true;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (timer !== null) clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, graceMs);
          idle = () => {
            clearTimeout(deadline);
            resolve();
          };
        });
      }
      const cut = inFlight;
      server.closeAllConnections();
      await closed;
      return cut;
    },
    close: () =>
      new Promise((resolve) => {
        if (timer !== null) clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
