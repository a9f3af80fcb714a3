/**
 * The Forward client against an independent implementation of the protocol's server side: the
 * FluentServer of @fluent-org/logger (fluent-logger-forward-node), with the shared-key handshake
 * and user authentication on. fluentd and fluent-bit are not packaged in Debian 12.
 */
import { FluentServer } from '@fluent-org/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { testEvent } from '../testing/events.js';
import { ForwardOutput } from './forward.js';

let server: FluentServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('Forward output against @fluent-org/logger FluentServer', () => {
  it.each(['forward', 'packed-forward', 'compressed-packed-forward'] as const)('%s with the handshake, user authentication and acks', async (mode) => {
    server = new FluentServer({
      security: { serverHostname: 'fluent-server', sharedKey: 'interop-key', authorize: true, userDict: { sekisho: 'pw' } },
      keepalive: true,
      listenOptions: { port: 0, host: '127.0.0.1' },
    });
    const entries: { tag: string; time: unknown; record: Record<string, unknown> }[] = [];
    server.on('entry', (tag: string, time: unknown, record: Record<string, unknown>) => entries.push({ tag, time, record }));
    await server.listen();
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: server.port, mode, sharedKey: 'interop-key', username: 'sekisho', password: 'pw', ackTimeoutMs: 3000 });
    const events = [testEvent(1), testEvent(2, { kind: 'admission' })];
    await output.send(events);
    await output.close();
    expect(entries.map((e) => [e.tag, e.record['id']]).sort()).toEqual([
      ['sekisho.admission', events[1]?.id],
      ['sekisho.runtime', events[0]?.id],
    ]);
    expect(entries.find((e) => e.record['id'] === events[0]?.id)?.record).toEqual(events[0]);
  });

  it('is refused with a wrong shared key', async () => {
    server = new FluentServer({ security: { serverHostname: 's', sharedKey: 'right', authorize: false, userDict: {} }, listenOptions: { port: 0, host: '127.0.0.1' } });
    await server.listen();
    const output = new ForwardOutput({ name: 'fw', host: '127.0.0.1', port: server.port, sharedKey: 'wrong', ackTimeoutMs: 2000, connectTimeoutMs: 2000 });
    await expect(output.send([testEvent(1)])).rejects.toThrow();
    await output.close();
  });
});
