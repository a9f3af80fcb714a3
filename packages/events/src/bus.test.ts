import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from './bus.js';
import { ForwardOutput } from './outputs/forward.js';
import { testEvent } from './testing/events.js';
import { ForwardReceiver } from './testing/forward-receiver.js';
import { MemoryOutput } from './testing/memory-output.js';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-bus-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fastRetry = { baseMs: 5, maxMs: 50 };

describe('EventBus', () => {
  it('redacts every event before any output sees it', async () => {
    const out = new MemoryOutput('mem');
    const bus = new EventBus({ spoolDir: dir, outputs: [{ output: out }], retry: fastRetry });
    const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    await bus.emit(testEvent(1, { details: { cmdline: `curl -H "Authorization: token ${token}"`, env: 'DB_PASSWORD=hunter2hunter2' } }));
    expect(await bus.drain(5000)).toBe(true);
    await bus.close();
    const delivered = JSON.stringify(out.received);
    expect(delivered).not.toContain(token);
    expect(delivered).not.toContain('hunter2hunter2');
    expect(out.received[0]?.details['env']).toBe('DB_PASSWORD=hun…(14 chars)');
  });

  it('applies each output its own filter (kind, minimum severity, environment)', async () => {
    const all = new MemoryOutput('all');
    const prodHigh = new MemoryOutput('prod-high');
    const admissionOnly = new MemoryOutput('admission');
    const bus = new EventBus({
      spoolDir: dir,
      retry: fastRetry,
      outputs: [{ output: all }, { output: prodHigh, filter: { minSeverity: 'high', environments: ['prod'] } }, { output: admissionOnly, filter: { kinds: ['admission'] } }],
    });
    const events = [
      testEvent(1, { severity: 'critical', environment: 'prod' }),
      testEvent(2, { severity: 'medium', environment: 'prod' }),
      testEvent(3, { severity: 'high', environment: 'dev' }),
      testEvent(4, { severity: 'high' }),
      testEvent(5, { kind: 'admission', severity: 'low' }),
    ];
    for (const e of events) await bus.emit(e);
    expect(await bus.drain(5000)).toBe(true);
    await bus.close();
    expect(all.received.map((e) => e.details['seq'])).toEqual([1, 2, 3, 4, 5]);
    expect(prodHigh.received.map((e) => e.details['seq'])).toEqual([1]);
    expect(admissionOnly.received.map((e) => e.details['seq'])).toEqual([5]);
    expect(bus.stats()['prod-high']?.filtered).toBe(4);
  });

  it('rate-limits an output with a token bucket and counts what it held back', async () => {
    const out = new MemoryOutput('chat');
    const bus = new EventBus({ spoolDir: dir, retry: fastRetry, outputs: [{ output: out, rateLimit: { perSecond: 0.001, burst: 3 } }] });
    for (let i = 0; i < 10; i += 1) await bus.emit(testEvent(i));
    expect(await bus.drain(5000)).toBe(true);
    await bus.close();
    expect(out.received).toHaveLength(3);
    expect(bus.stats()['chat']).toMatchObject({ accepted: 3, rateLimited: 7, delivered: 3 });
  });

  it('retries a failing receiver with backoff until it takes the events; a rejected batch is counted, not retried forever', async () => {
    const flaky = new MemoryOutput('flaky', 3);
    const picky = new MemoryOutput('picky', 0, 1, (e) => e.details['seq'] === 2);
    const bus = new EventBus({ spoolDir: dir, retry: fastRetry, outputs: [{ output: flaky }, { output: picky }] });
    for (let i = 0; i < 4; i += 1) await bus.emit(testEvent(i));
    expect(await bus.drain(5000)).toBe(true);
    await bus.close();
    expect(flaky.received.map((e) => e.details['seq'])).toEqual([0, 1, 2, 3]);
    expect(bus.stats()['flaky']).toMatchObject({ delivered: 4, retries: 3, pending: 0, lastError: 'receiver unavailable' });
    expect(picky.received.map((e) => e.details['seq'])).toEqual([0, 1, 3]);
    expect(bus.stats()['picky']).toMatchObject({ delivered: 3, rejected: 1 });
  });

  it('a spool that fails under the delivery loop (its folder removed) is reported and retried, never a crash', async () => {
    const out = new MemoryOutput('mem');
    const bus = new EventBus({ spoolDir: dir, retry: fastRetry, outputs: [{ output: out }] });
    await bus.emit(testEvent(1));
    expect(await bus.drain(5000)).toBe(true);
    rmSync(join(dir, 'mem'), { recursive: true, force: true });
    await bus.emit(testEvent(2)).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bus.stats()['mem']?.lastError).toMatch(/ENOENT/);
    await bus.close();
    expect(out.received.map((e) => e.details['seq'])).toEqual([1]);
  });

  it('replays spooled events after a restart', async () => {
    const down = new MemoryOutput('siem', Number.MAX_SAFE_INTEGER);
    const first = new EventBus({ spoolDir: dir, retry: { baseMs: 1000, maxMs: 1000 }, outputs: [{ output: down }] });
    const events = Array.from({ length: 20 }, (_, i) => testEvent(i));
    for (const e of events) await first.emit(e);
    await first.close();
    expect(down.received).toHaveLength(0);
    const up = new MemoryOutput('siem');
    const second = new EventBus({ spoolDir: dir, retry: fastRetry, outputs: [{ output: up }] });
    expect(await second.drain(5000)).toBe(true);
    await second.close();
    expect(up.received.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('a Forward receiver killed and restarted mid-stream loses nothing: count in = count out once the spool drains', async () => {
    const receiver = new ForwardReceiver();
    await receiver.start(0);
    const output = new ForwardOutput({ name: 'fluent', host: '127.0.0.1', port: receiver.port, ackTimeoutMs: 1000, connectTimeoutMs: 1000, maxBatch: 25 });
    const bus = new EventBus({ spoolDir: dir, retry: { baseMs: 20, maxMs: 200 }, outputs: [{ output }] });
    const sent: string[] = [];
    for (let i = 0; i < 1500; i += 1) {
      const e = testEvent(i);
      sent.push(e.id);
      await bus.emit(e);
      if (i === 500) await receiver.stop(); // killed mid-stream: connections cut, chunks in flight unacknowledged
      if (i === 1000) await receiver.start(); // back on the same port
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await bus.drain(20_000)).toBe(true);
    const stats = bus.stats()['fluent'];
    await bus.close();
    await receiver.stop();
    const got = new Set(receiver.events.map((e) => e.record['id'] as string));
    expect(got.size).toBe(sent.length);
    for (const id of sent) expect(got.has(id)).toBe(true);
    expect(stats?.retries).toBeGreaterThan(0);
    expect(stats?.dropped).toBe(0);
  });

  it('a receiver that never answers does not hold the producer: emits return, the spool stays within its bound and counts what it dropped', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const output = new ForwardOutput({ name: 'stalled', host: '127.0.0.1', port, ackTimeoutMs: 60_000 });
    const maxBytes = 256 * 1024;
    let log = '';
    const logger = createLogger({
      name: 'test',
      destination: new Writable({
        write: (chunk: Buffer, _e, done) => {
          log += chunk.toString('utf8');
          done();
        },
      }),
    });
    const bus = new EventBus({ spoolDir: dir, retry: fastRetry, sendTimeoutMs: 60_000, outputs: [{ output, spool: { maxBytes } }], logger });
    const count = 3000; // about 1.5 MB of events: six times the bound
    const started = performance.now();
    for (let i = 0; i < count; i += 1) await bus.emit(testEvent(i, { details: { seq: i, pad: 'p'.repeat(200) } }));
    const elapsed = performance.now() - started;
    const stats = bus.stats()['stalled'];
    await bus.close();
    for (const s of sockets) s.destroy();
    silent.close();
    expect(stats?.delivered).toBe(0);
    expect(stats?.dropped).toBeGreaterThan(0);
    expect((stats?.pending ?? 0) + (stats?.dropped ?? 0)).toBe(count);
    // Every drop is reported in the service log, as well as counted.
    const reported = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; dropped?: number; output?: string })
      .filter((l) => l.msg === 'spool full: oldest undelivered events dropped');
    expect(reported.every((l) => l.output === 'stalled')).toBe(true);
    expect(reported.reduce((sum, l) => sum + (l.dropped ?? 0), 0)).toBe(stats?.dropped);
    // Generous: 3000 appends take well under a second here; a producer waiting on the receiver would take 60 s.
    expect(elapsed).toBeLessThan(20_000);
  });
});
