/**
 * Webhook output against a loopback HTTP receiver that verifies the HMAC signature the way a
 * consumer would (recomputed from the raw body, compared in constant time) and fails its first N
 * requests.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SekishoEvent } from '@sekisho/model';
import { EventBus } from '../bus.js';
import { PermanentDeliveryError } from '../output.js';
import { testEvent } from '../testing/events.js';
import { WebhookOutput } from './webhook.js';

const SECRET = 'whsec-test-0123456789';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  readonly signatureValid: boolean;
}

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

function verify(headers: IncomingMessage['headers'], raw: string): boolean {
  const timestamp = headers['x-sekisho-timestamp'];
  const signature = headers['x-sekisho-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers `status` to the first `failFirst` requests, then 204 to requests with a valid signature (401 otherwise). */
async function receiver(options: { failFirst?: number; status?: number; delayMs?: number } = {}): Promise<{ url: string; received: Received[]; requests: () => number }> {
  const received: Received[] = [];
  let requests = 0;
  let failLeft = options.failFirst ?? 0;
  const listening = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      const raw = Buffer.concat(chunks).toString('utf8');
      const respond = () => {
        if (failLeft > 0) {
          failLeft -= 1;
          res.writeHead(options.status ?? 503).end();
          return;
        }
        const signatureValid = verify(req.headers, raw);
        received.push({ headers: req.headers, body: JSON.parse(raw), signatureValid });
        res.writeHead(signatureValid ? 204 : 401).end();
      };
      if (options.delayMs === undefined) respond();
      else setTimeout(respond, options.delayMs);
    });
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const port = (listening.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, received, requests: () => requests };
}

const signal = new AbortController().signal;
const fast = { baseMs: 5, maxMs: 20 };

describe('webhook output', () => {
  it('posts the event as JSON with a valid HMAC-SHA256 signature, after retrying the first failures', async () => {
    const r = await receiver({ failFirst: 2 });
    const output = new WebhookOutput({ name: 'hook', url: r.url, secret: SECRET, backoff: fast });
    const event = testEvent(1);
    await output.send([event], signal);
    expect(r.requests()).toBe(3);
    expect(r.received).toHaveLength(1);
    expect(r.received[0]?.signatureValid).toBe(true);
    expect(r.received[0]?.headers['x-sekisho-event-id']).toBe(event.id);
    expect(r.received[0]?.body).toEqual(event);
  });

  it('a receiver with another secret sees an invalid signature', async () => {
    const r = await receiver();
    const output = new WebhookOutput({ name: 'hook', url: r.url, secret: 'another-secret', attempts: 1 });
    await expect(output.send([testEvent(1)], signal)).rejects.toThrow(/HTTP 401/);
    expect(r.received[0]?.signatureValid).toBe(false);
  });

  it('gives the batch back to the bus after its attempts, and the bus delivers it once the receiver recovers', async () => {
    const r = await receiver({ failFirst: 6 });
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-hook-'));
    const output = new WebhookOutput({ name: 'hook', url: r.url, secret: SECRET, attempts: 2, backoff: fast });
    const bus = new EventBus({ spoolDir: dir, retry: fast, outputs: [{ output }] });
    const events = [testEvent(1), testEvent(2)];
    for (const e of events) await bus.emit(e);
    expect(await bus.drain(10_000)).toBe(true);
    const stats = bus.stats()['hook'];
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
    expect(stats?.retries).toBeGreaterThanOrEqual(3);
    expect(new Set(r.received.map((x) => (x.body as SekishoEvent).id))).toEqual(new Set(events.map((e) => e.id)));
    expect(r.received.every((x) => x.signatureValid)).toBe(true);
  });

  it('times out a receiver that does not answer', async () => {
    const r = await receiver({ delayMs: 2000 });
    const output = new WebhookOutput({ name: 'hook', url: r.url, timeoutMs: 200, attempts: 2, backoff: fast });
    await expect(output.send([testEvent(1)], signal)).rejects.toThrow(/no answer within 200 ms/);
  });

  it('a 400 is a permanent refusal, not retried', async () => {
    const r = await receiver({ failFirst: 5, status: 400 });
    const output = new WebhookOutput({ name: 'hook', url: r.url, backoff: fast });
    await expect(output.send([testEvent(1)], signal)).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(r.requests()).toBe(1);
  });

  it('Slack and Teams layouts', async () => {
    const r = await receiver();
    const event = {
      ...testEvent(1, { severity: 'critical', environment: 'prod' }),
      links: [
        { rel: 'incident', href: '/incidents/7' },
        { rel: 'bad', href: 'javascript:alert(1)' },
      ],
      reasons: ['shell <script> & friends'],
    };
    for (const layout of ['slack', 'teams', 'teams-messagecard'] as const) {
      await new WebhookOutput({ name: layout, url: r.url, secret: SECRET, layout, linkBase: 'https://sekisho.example/' }).send([event], signal);
    }
    const [slack, teams, card] = r.received.map((x) => x.body as Record<string, unknown>);
    expect(slack?.['text']).toBe('[CRITICAL] runtime detected: exec shell in container #1');
    expect(JSON.stringify(slack?.['blocks'])).toContain('shell &lt;script&gt; &amp; friends');
    expect(JSON.stringify(slack?.['blocks'])).toContain('<https://sekisho.example/incidents/7|incident>');
    expect(JSON.stringify(slack)).not.toContain('javascript:');
    const attachment = (teams?.['attachments'] as { contentType: string; content: { type: string; version: string; body: unknown[]; actions: unknown[] } }[])[0];
    expect(teams?.['type']).toBe('message');
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment?.content.type).toBe('AdaptiveCard');
    expect(attachment?.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'incident', url: 'https://sekisho.example/incidents/7' }]);
    expect(JSON.stringify(attachment?.content.body)).toContain('"title":"Environment","value":"prod"');
    expect(card?.['@type']).toBe('MessageCard');
    expect(card?.['themeColor']).toBe('8B0000');
    expect(card?.['potentialAction']).toEqual([{ '@type': 'OpenUri', name: 'incident', targets: [{ os: 'default', uri: 'https://sekisho.example/incidents/7' }] }]);
  });

  it('refuses a non-http URL and header injection; the URL never appears in an error', async () => {
    expect(() => new WebhookOutput({ name: 'h', url: 'file:///etc/passwd' })).toThrow(/http\(s\)/);
    expect(() => new WebhookOutput({ name: 'h', url: 'https://x.example', headers: { 'X-A': 'a\r\nX-B: b' } })).toThrow(/not a valid header/);
    const output = new WebhookOutput({ name: 'h', url: 'http://127.0.0.1:1/T0000/B0000/secret-path', attempts: 1 });
    const error = await output.send([testEvent(1)], signal).catch((e: unknown) => e as Error);
    expect(String(error)).not.toContain('secret-path');
  });
});
