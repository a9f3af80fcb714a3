// npm run bench:events — events/s delivered by @sekisho/events on loopback, each against a floor
// measured in the same run:
// - syslog TCP: the bus (redaction, on-disk spool, batching, octet-counted frames) into an
//   in-process TCP sink that counts frames, against the floor of writing the same pre-formatted
//   frames straight to the same sink;
// - NATS JetStream (127.0.0.1:4222): the bus into a throwaway stream with every publish ack
//   awaited, against the floor of publishing the same payloads with js.publish in batches of the
//   same size, acks awaited, no bus.
// Also the producer side: how fast emit() returns (redact + spool append) while nothing is sent.
// Bounded: BENCH_EVENTS events per run (default 20000), every wait capped by BENCH_TIMEOUT_MS.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { createEvent } from '@sekisho/model';
import { createSyslogFormatter, EventBus, NatsOutput, octetCounted, SyslogOutput } from '../packages/events/dist/index.js';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 20_000);
const TIMEOUT = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000);
const NATS = process.env.BENCH_NATS ?? 'nats://127.0.0.1:4222';

const events = Array.from({ length: TOTAL }, (_, i) =>
  createEvent({
    kind: 'runtime',
    severity: i % 7 === 0 ? 'critical' : 'high',
    source: { component: 'runtime', instance: 'bench-node' },
    subject: { type: 'workload', id: `prod/Pod/web-${i % 50}`, environment: 'prod' },
    action: 'exec shell in container',
    result: 'detected',
    principal: 'system:serviceaccount:default:web',
    sourceIp: '10.0.0.7',
    reasons: ['a shell was spawned in a container with an attached terminal'],
    details: { rule: 'Terminal shell in container', 'proc.cmdline': `bash -il #${i}`, 'container.image.repository': 'registry.example/web' },
  }),
);

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** A TCP sink that counts RFC 6587 octet-counted frames. */
async function frameSink() {
  let count = 0;
  let waiters = [];
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let at = 0;
      for (;;) {
        const space = buffer.indexOf(0x20, at);
        if (space === -1) break;
        const length = Number(buffer.toString('ascii', at, space));
        if (space + 1 + length > buffer.length) break;
        at = space + 1 + length;
        count += 1;
      }
      buffer = buffer.subarray(at);
      waiters = waiters.filter(([n, resolve]) => (count >= n ? (resolve(), false) : true));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get count() {
      return count;
    },
    until: (n) =>
      new Promise((resolve, reject) => {
        if (count >= n) return resolve();
        waiters.push([n, resolve]);
        setTimeout(() => reject(new Error(`sink: ${count}/${n} frames after ${TIMEOUT} ms`)), TIMEOUT).unref();
      }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function syslogBench() {
  // Floor: the same frames, formatted up front, written straight to a socket.
  const floorSink = await frameSink();
  const format = createSyslogFormatter({ hostname: 'bench', procId: '1' });
  const frames = events.map((e) => octetCounted(format(e)));
  const { connect: tcp } = await import('node:net');
  let started = process.hrtime.bigint();
  const socket = tcp(floorSink.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  for (let i = 0; i < frames.length; i += 200) socket.write(Buffer.concat(frames.slice(i, i + 200)));
  await floorSink.until(TOTAL);
  const floor = TOTAL / seconds(started);
  socket.destroy();
  await floorSink.close();

  const sink = await frameSink();
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
  const bus = new EventBus({
    spoolDir: dir,
    outputs: [{ output: new SyslogOutput({ name: 'syslog', transport: 'tcp', host: '127.0.0.1', port: sink.port, hostname: 'bench', procId: '1' }), spool: { maxBytes: 1024 ** 3 } }],
  });
  started = process.hrtime.bigint();
  for (const e of events) await bus.emit(e);
  const emitted = seconds(started);
  await sink.until(TOTAL);
  const total = seconds(started);
  if (!(await bus.drain(TIMEOUT))) throw new Error('syslog bus did not drain');
  await bus.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  return { floor, bus: TOTAL / total, emit: TOTAL / emitted };
}

async function natsBench() {
  let nc;
  try {
    nc = await connect({ servers: NATS, timeout: 2000, reconnect: false });
  } catch (error) {
    return { skipped: `NATS at ${NATS} unreachable: ${error.message}` };
  }
  const run = Math.random().toString(16).slice(2, 10);
  const stream = `SEKISHO_BENCH_${run}`;
  const prefix = `sekisho.bench${run}`;
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], max_age: 600 * 1e9 });
  try {
    const js = nc.jetstream();
    const encoder = new TextEncoder();
    let started = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += 200) {
      await Promise.all(events.slice(i, i + 200).map((e) => js.publish(`${prefix}.floor.${e.kind}`, encoder.encode(JSON.stringify(e)), { msgID: `floor-${e.id}` })));
    }
    const floor = TOTAL / seconds(started);

    const dir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
    const bus = new EventBus({ spoolDir: dir, outputs: [{ output: new NatsOutput({ name: 'nats', servers: [NATS], subjectPrefix: `${prefix}.bus`, stream }), spool: { maxBytes: 1024 ** 3 } }] });
    started = process.hrtime.bigint();
    for (const e of events) await bus.emit(e);
    if (!(await bus.drain(TIMEOUT))) throw new Error('NATS bus did not drain');
    const total = seconds(started);
    const delivered = bus.stats().nats.delivered;
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
    const info = await jsm.streams.info(stream);
    if (delivered !== TOTAL || info.state.messages !== 2 * TOTAL) throw new Error(`NATS: delivered ${delivered}, stream holds ${info.state.messages} (expected ${2 * TOTAL})`);
    return { floor, bus: TOTAL / total };
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
}

const syslog = await syslogBench();
const nats = await natsBench();
console.log(`events: ${TOTAL} per run (~${Math.round(JSON.stringify(events[0]).length)} bytes of JSON each)`);
console.log(`producer: emit() (redact + spool append) ${Math.round(syslog.emit)} events/s`);
console.log(`syslog TCP floor (pre-formatted frames, one socket): ${Math.round(syslog.floor)} events/s`);
console.log(`syslog TCP through the bus:                          ${Math.round(syslog.bus)} events/s (${(syslog.bus / syslog.floor).toFixed(2)}× floor)`);
if (nats.skipped) console.log(`NATS: skipped (${nats.skipped})`);
else {
  console.log(`NATS JetStream floor (js.publish, batches of 200, acks awaited): ${Math.round(nats.floor)} events/s`);
  console.log(`NATS JetStream through the bus:                                ${Math.round(nats.bus)} events/s (${(nats.bus / nats.floor).toFixed(2)}× floor)`);
}
