/**
 * Forward output against a receiver written from the Forward protocol v1 specification
 * (testing/forward-receiver.ts): both modes, EventTime, chunk/ack, the shared-key handshake with
 * user authentication, and refusals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestCerts } from '../testing/certs.js';
import { ForwardReceiver } from '../testing/forward-receiver.js';
import { testEvent } from '../testing/events.js';
import { EventTime, ForwardOutput } from './forward.js';

let receiver: ForwardReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
});

async function start(options: ConstructorParameters<typeof ForwardReceiver>[0] = {}): Promise<ForwardReceiver> {
  receiver = new ForwardReceiver(options);
  await receiver.start(0);
  return receiver;
}

describe('Fluentd Forward output', () => {
  it('Forward mode: one message per tag, EventTime with milliseconds, acknowledged chunks', async () => {
    const r = await start();
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, mode: 'forward' });
    const events = [testEvent(1), testEvent(2, { kind: 'admission' }), testEvent(3)];
    await output.send(events);
    await output.close();
    expect(r.acks).toBe(2);
    expect(r.events.map((e) => [e.tag, e.mode, e.record['id']])).toEqual([
      ['sekisho.runtime', 'forward', events[0]?.id],
      ['sekisho.runtime', 'forward', events[2]?.id],
      ['sekisho.admission', 'forward', events[1]?.id],
    ]);
    const first = r.events[0];
    const ms = Date.parse(events[0]?.time ?? '');
    expect(first?.time).toEqual(new EventTime(Math.floor(ms / 1000), (ms % 1000) * 1_000_000));
    expect(first?.record).toEqual(events[0]);
  });

  it('PackedForward with the shared-key handshake and user authentication', async () => {
    const r = await start({ sharedKey: 's3cret-key', users: { sekisho: 'pw' } });
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 's3cret-key', username: 'sekisho', password: 'pw', selfHostname: 'node-1' });
    const events = Array.from({ length: 100 }, (_, i) => testEvent(i));
    await output.send(events.slice(0, 50));
    await output.send(events.slice(50));
    await output.close();
    expect(r.handshakes).toBe(1);
    expect(r.events.map((e) => e.record['id'])).toEqual(events.map((e) => e.id));
    expect(new Set(r.events.map((e) => e.mode))).toEqual(new Set(['packed-forward']));
    expect(r.errors).toEqual([]);
  });

  it('refuses a server when the shared key or the password differs', async () => {
    const r = await start({ sharedKey: 'right', users: { sekisho: 'pw' } });
    const wrongKey = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 'wrong', username: 'sekisho', password: 'pw' });
    await expect(wrongKey.send([testEvent(1)])).rejects.toThrow(/authentication refused: shared key mismatch/);
    const wrongPassword = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 'right', username: 'sekisho', password: 'nope' });
    await expect(wrongPassword.send([testEvent(1)])).rejects.toThrow(/username\/password mismatch/);
    expect(r.events).toHaveLength(0);
  });

  it('fails a batch whose chunk is not acknowledged, and the next attempt on a new connection succeeds', async () => {
    const r = await start({ dropFirstChunks: 1 });
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, ackTimeoutMs: 2000 });
    const events = [testEvent(1), testEvent(2)];
    await expect(output.send(events)).rejects.toThrow();
    await output.send(events);
    await output.close();
    expect(r.events.map((e) => e.record['id'])).toEqual(events.map((e) => e.id));
  });

  it('a server answering garbage or the wrong ack fails the batch at once, without waiting for the timeout', async () => {
    const { createServer } = await import('node:net');
    for (const answer of [Buffer.from([0xc1, 0xc1, 0xc1]), Buffer.from([0x81, 0xa3, 0x61, 0x63, 0x6b, 0xa1, 0x78])]) {
      const hostile = createServer((socket) => socket.once('data', () => socket.write(answer)));
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
      const port = (hostile.address() as { port: number }).port;
      const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port, ackTimeoutMs: 10_000 });
      const started = Date.now();
      await expect(output.send([testEvent(1)])).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
      await output.close();
      await new Promise((resolve) => hostile.close(resolve));
    }
  });

  it('times out on a server that never acknowledges', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port, ackTimeoutMs: 300 });
    await expect(output.send([testEvent(1)])).rejects.toThrow(/no answer within 300 ms/);
    await output.close();
    silent.close();
  });

  it('over TLS, with the handshake inside it; an untrusted server certificate is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sekisho-forward-tls-'));
    try {
      const certs = makeTestCerts(dir);
      const r = await start({ sharedKey: 'k', tls: { cert: readFileSync(certs.certFile, 'utf8'), key: readFileSync(certs.keyFile, 'utf8') } });
      const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 'k', tls: { ca: certs.ca, serverName: 'localhost' } });
      const event = testEvent(1);
      await output.send([event]);
      await output.close();
      expect(r.events.map((e) => e.record['id'])).toEqual([event.id]);
      const untrusted = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 'k', tls: { serverName: 'localhost' } });
      await expect(untrusted.send([testEvent(2)])).rejects.toThrow(/certificate/);
      await untrusted.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CompressedPackedForward (gzip), and a connection per delivery when HELO says keepalive: false', async () => {
    const r = await start({ sharedKey: 'k', keepalive: false });
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: r.port, sharedKey: 'k', mode: 'compressed-packed-forward' });
    const events = Array.from({ length: 20 }, (_, i) => testEvent(i));
    await output.send(events.slice(0, 10));
    await output.send(events.slice(10));
    await output.close();
    expect(r.events.map((e) => e.record['id'])).toEqual(events.map((e) => e.id));
    expect(new Set(r.events.map((e) => e.mode))).toEqual(new Set(['compressed-packed-forward']));
    expect(r.handshakes).toBe(2);
    expect(r.connections).toBe(2);
  });
});
