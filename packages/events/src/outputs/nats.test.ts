/**
 * NATS JetStream output against the NATS server on 127.0.0.1:4222 (skipped with the reason when
 * unreachable; a failure when SEKISHO_REQUIRE_FIXTURES=1). Each run uses its own stream and
 * subject prefix and deletes the stream afterwards.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataRequired } from '@sekisho/testkit';
import { testEvent } from '../testing/events.js';
import { NatsOutput } from './nats.js';

const SERVER = 'nats://127.0.0.1:4222';

async function reachable(): Promise<string | null> {
  try {
    const nc = await connect({ servers: SERVER, timeout: 2000, reconnect: false });
    const jsm = await nc.jetstreamManager({ timeout: 2000 });
    await jsm.getAccountInfo();
    await nc.close();
    return null;
  } catch (error) {
    const reason = `NATS with JetStream at ${SERVER} unreachable: ${error instanceof Error ? error.message : String(error)}`;
    if (testDataRequired()) throw new Error(`${reason}; SEKISHO_REQUIRE_FIXTURES=1 makes it an error, not a skip`, { cause: error });
    console.warn(`skipped: ${reason}`);
    return reason;
  }
}

const skip = await reachable();

describe.skipIf(skip !== null)('NATS JetStream output', () => {
  const run = randomBytes(4).toString('hex');
  const stream = `SEKISHO_TEST_${run}`;
  const prefix = `sekisho.test${run}.events`;
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: SERVER, timeout: 2000 });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('creates the stream when absent, publishes to <prefix>.<kind> with publish acks, and a consumer reads the events back', async () => {
    const output = new NatsOutput({ name: 'nats', servers: [SERVER], subjectPrefix: prefix, stream });
    const events = [testEvent(1), testEvent(2, { kind: 'admission' }), testEvent(3, { kind: 'audit', severity: 'low' })];
    await output.send(events);
    // At-least-once: the same batch again (a retry after a lost ack) is dropped by the stream by Nats-Msg-Id.
    await output.send(events);
    await output.close();

    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    expect(info.config.subjects).toEqual([`${prefix}.>`]);
    expect(info.state.messages).toBe(3);

    const consumer = await nc.jetstream().consumers.get(stream);
    const messages = await consumer.fetch({ max_messages: 10, expires: 2000 });
    const got: { subject: string; id: string; schema: string | undefined }[] = [];
    for await (const m of messages) {
      const body = m.json<{ id: string }>();
      got.push({ subject: m.subject, id: body.id, schema: m.headers?.get('Sekisho-Schema') });
      m.ack();
      if (got.length === 3) break;
    }
    expect(got).toEqual([
      { subject: `${prefix}.runtime`, id: events[0]?.id, schema: 'sekisho.event/v1' },
      { subject: `${prefix}.admission`, id: events[1]?.id, schema: 'sekisho.event/v1' },
      { subject: `${prefix}.audit`, id: events[2]?.id, schema: 'sekisho.event/v1' },
    ]);
  });

  it('fails (for the bus to retry) when the stream is absent and creating it is not allowed', async () => {
    const output = new NatsOutput({ name: 'nats', servers: [SERVER], subjectPrefix: `${prefix}x`, stream: `${stream}_ABSENT`, createStream: false });
    await expect(output.send([testEvent(1)])).rejects.toThrow(/stream not found/i);
    await output.close();
  });

  it('refuses a subject prefix that is not plain tokens', () => {
    expect(() => new NatsOutput({ name: 'n', servers: [SERVER], subjectPrefix: 'sekisho.>' })).toThrow(/subject prefix/);
  });
});
