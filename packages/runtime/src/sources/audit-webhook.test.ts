import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuditWebhook, type AuditWebhook } from './audit-webhook.js';
import type { SourceItem } from './source-item.js';
import { ReadableStream as WebReadableStream } from 'node:stream/web';

const event = (verb: string) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Metadata',
  auditID: `id-${verb}`,
  stage: 'ResponseComplete',
  verb,
  requestURI: '/api/v1/namespaces/default/pods',
  user: { username: 'alice' },
  objectRef: { resource: 'pods', namespace: 'default' },
  stageTimestamp: '2026-12-06T10:00:00.000000Z',
});
const eventList = (...verbs: string[]) => ({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: verbs.map(event) });

let hook: AuditWebhook | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

async function start(options: { capacity?: number; maxBodyBytes?: number } = {}): Promise<{ hook: AuditWebhook; got: SourceItem[] }> {
  const got: SourceItem[] = [];
  hook = await startAuditWebhook({
    host: '127.0.0.1',
    port: 0,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    accept: (items) => {
      if (got.length + items.length > (options.capacity ?? Infinity)) return false;
      got.push(...items);
      return true;
    },
  });
  return { hook, got };
}

const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(url, { method: 'POST', body, headers });

describe('audit webhook receiver', () => {
  it('accepts an EventList (batch mode) and a single Event at POST /k8s-audit', async () => {
    const { hook, got } = await start();
    const a = await post(hook.url, JSON.stringify(eventList('create', 'delete')));
    expect([a.status, await a.json()]).toEqual([200, { accepted: 2 }]);
    const b = await post(hook.url, JSON.stringify(event('get')));
    expect(b.status).toBe(200);
    expect(got.map((i) => (i.kind === 'event' ? (i.event['verb'] as string) : i.reason))).toEqual(['create', 'delete', 'get']);
    expect(got[0]).toMatchObject({ source: 'k8s_audit', timeNs: 1796551200000000000n });
    expect(hook.stats).toMatchObject({ requests: 2, events: 3, rejected: 0 });
  });

  it('answers wrong paths, methods, content types and bodies with distinct statuses', async () => {
    const { hook, got } = await start({ maxBodyBytes: 4096 });
    const base = hook.url.replace('/k8s-audit', '');
    expect((await post(`${base}/other`, '{}')).status).toBe(404);
    expect((await fetch(hook.url)).status).toBe(405);
    expect((await post(hook.url, '<xml/>', { 'content-type': 'text/xml' })).status).toBe(415);
    expect((await post(hook.url, '{"kind":')).status).toBe(400);
    const notAudit = await post(hook.url, '{"kind":"Pod"}');
    expect([notAudit.status, await notAudit.json()]).toEqual([400, { error: 'data not recognized as a k8s audit event' }]);
    expect((await post(hook.url, '['.repeat(5000) + ']'.repeat(5000))).status).toBe(413);
    expect((await post(hook.url, `{"a":${'['.repeat(200)}${']'.repeat(200)}}`)).status).toBe(400);
    expect((await post(hook.url, '')).status).toBe(400);
    expect(got).toEqual([]);
    expect(hook.stats.rejected).toBe(8);
  });

  it('refuses a body over the limit while streaming, without buffering it', async () => {
    const { hook } = await start({ maxBodyBytes: 1024 });
    const chunks = (function* () {
      for (let i = 0; i < 1000; i++) yield new TextEncoder().encode('x'.repeat(1024));
    })();
    const res = await fetch(hook.url, {
      method: 'POST',
      body: WebReadableStream.from(chunks) as unknown as BodyInit,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e);
    if (res instanceof Response) expect(res.status).toBe(413);
    expect(hook.stats.rejected).toBe(1);
  });

  it('answers 503 with Retry-After and counts the events when the engine queue is full', async () => {
    const { hook, got } = await start({ capacity: 2 });
    expect((await post(hook.url, JSON.stringify(eventList('a', 'b')))).status).toBe(200);
    const full = await post(hook.url, JSON.stringify(eventList('c', 'd', 'e')));
    expect([full.status, full.headers.get('retry-after')]).toEqual([503, '1']);
    expect(got).toHaveLength(2);
    expect(hook.stats.dropped).toBe(3);
  });

  it('refuses (503) a request that would hold too many bodies in memory at once, and frees them after', async () => {
    const got: SourceItem[] = [];
    hook = await startAuditWebhook({ host: '127.0.0.1', port: 0, maxInFlightBytes: 3000, accept: (items) => (got.push(...items), true) });
    const { request } = await import('node:http');
    // A slow sender holds 2000 bytes in flight…
    const slow = request(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    slow.on('error', () => undefined);
    slow.write(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${' '.repeat(2000)}`);
    await new Promise((r) => setTimeout(r, 100));
    // …so a second 2000-byte body does not fit.
    const second = await post(hook.url, JSON.stringify({ ...eventList('x'), pad: ' '.repeat(2000) }));
    expect([second.status, second.headers.get('retry-after')]).toEqual([503, '1']);
    expect(hook.stats.busy).toBe(1);
    const slowStatus = new Promise<number>((resolve) =>
      slow.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    slow.end(']}');
    expect(await slowStatus).toBe(200);
    // Both bodies are released: a new one fits again.
    expect((await post(hook.url, JSON.stringify(eventList('y')))).status).toBe(200);
  });

  it('serves HTTPS with a given certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      const got: SourceItem[] = [];
      hook = await startAuditWebhook({ host: '127.0.0.1', port: 0, tls: { cert, key: readFileSync(join(dir, 'key.pem')) }, accept: (items) => (got.push(...items), true) });
      expect(hook.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/k8s-audit$/);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(hook!.url, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify(event('create')));
      });
      expect(status).toBe(200);
      expect(got).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
