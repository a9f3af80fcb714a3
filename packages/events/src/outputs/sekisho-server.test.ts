/**
 * The Sekisho server output against a loopback receiver that plays the server's `POST
 * /api/v1/events`: batches as one JSON array with the bearer token, retries on 503, a 400 refuses
 * the batch for good, and the settings refuse a URL with credentials. (The real server is the
 * receiver in the CLI's server.test.ts.)
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SekishoEvent } from '@sekisho/model';
import { PermanentDeliveryError } from '../output.js';
import { testEvent } from '../testing/events.js';
import { SekishoServerOutput } from './sekisho-server.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function receiver(answers: number[]): Promise<{ url: string; batches: { path: string; auth: string | undefined; events: SekishoEvent[] }[] }> {
  const batches: { path: string; auth: string | undefined; events: SekishoEvent[] }[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      batches.push({ path: req.url ?? '', auth: req.headers.authorization, events: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SekishoEvent[] });
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'application/json' }).end('{"results":[]}');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/sekisho`, batches };
}

const fast = { baseMs: 1, maxMs: 5 };

describe('SekishoServerOutput', () => {
  it('posts a batch as one array to URL/api/v1/events with the token, retrying what the server could not take', async () => {
    const r = await receiver([503]);
    const output = new SekishoServerOutput({ name: 'server', url: r.url, token: 'skt_abc.secret', backoff: fast });
    const events = [testEvent(1), testEvent(2), testEvent(3)];
    await output.send(events, new AbortController().signal);
    expect(r.batches).toHaveLength(2);
    expect(r.batches[1]).toEqual({ path: '/sekisho/api/v1/events', auth: 'Bearer skt_abc.secret', events });
    expect(output.maxBatch).toBeLessThanOrEqual(500);
  });

  it('a 400 refuses the batch for good; a receiver that never answers 2xx leaves it to the bus', async () => {
    const r = await receiver([400]);
    const output = new SekishoServerOutput({ name: 'server', url: r.url, token: 't', backoff: fast, attempts: 2 });
    await expect(output.send([testEvent(1)], new AbortController().signal)).rejects.toBeInstanceOf(PermanentDeliveryError);
    const down = new SekishoServerOutput({ name: 'server', url: 'http://127.0.0.1:1/', token: 't', backoff: fast, attempts: 2 });
    const error = await down.send([testEvent(1)], new AbortController().signal).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(String(error)).toMatch(/2 attempts failed, last: connection failed/);
  });

  it('refuses a URL that carries credentials, or an empty token', () => {
    expect(() => new SekishoServerOutput({ name: 's', url: 'https://u:p@sekisho.example', token: 't' })).toThrow(/must not carry credentials/);
    expect(() => new SekishoServerOutput({ name: 's', url: 'ftp://sekisho.example', token: 't' })).toThrow(/http/);
    expect(() => new SekishoServerOutput({ name: 's', url: 'https://sekisho.example', token: '' })).toThrow(/token/);
  });
});
