/**
 * Syslog output against a real rsyslogd (Debian rsyslog + rsyslog-gnutls) on loopback: UDP,
 * TCP with octet counting, TLS (CA-validated and fingerprint-pinned). Every RFC 5424 field is read
 * back from rsyslog's own parse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '@sekisho/model';
import type { SekishoEvent } from '@sekisho/model';
import { makeTestCerts } from '../testing/certs.js';
import type { TestCerts } from '../testing/certs.js';
import { RSYSLOG_GTLS, RSYSLOGD, startRsyslog } from '../testing/rsyslog.js';
import type { ReceivedSyslog, RsyslogHandle } from '../testing/rsyslog.js';
import { missingTools, waitFor } from '../testing/services.js';
import { EventBus } from '../bus.js';
import { SyslogOutput } from './syslog.js';
import type { SyslogTransport } from './syslog.js';

const skip = missingTools([RSYSLOGD, RSYSLOG_GTLS], 'rsyslog rsyslog-gnutls');

function event(n: number, extra: Partial<SekishoEvent> = {}): SekishoEvent {
  return createEvent({
    kind: 'admission',
    severity: 'high',
    source: { component: 'admission', instance: 'webhook-0' },
    subject: { type: 'workload', id: 'prod/Deployment/web', environment: 'prod' },
    action: 'admission.validate',
    result: 'denied',
    principal: 'system:serviceaccount:ci:deployer',
    sourceIp: '10.0.0.7',
    reasons: [`critical CVE in image #${n}`, 'quote " backslash \\ bracket ] ünïcode'],
    time: '2026-12-06T10:11:12.345Z',
    ...extra,
  });
}

describe.skipIf(skip !== null)('syslog output against rsyslogd', () => {
  let dir: string;
  let certs: TestCerts;
  // Unset when rsyslogd did not start.
  let rsyslog: RsyslogHandle | undefined;
  const running = (): RsyslogHandle => {
    if (rsyslog === undefined) throw new Error('rsyslogd did not start');
    return rsyslog;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sekisho-rsyslog-'));
    certs = makeTestCerts(dir);
    rsyslog = await startRsyslog(dir, certs);
  });
  afterAll(async () => {
    await rsyslog?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function roundTrip(
    transport: SyslogTransport,
    port: number,
    count: number,
    tls?: ConstructorParameters<typeof SyslogOutput>[0]['tls'],
  ): Promise<{ sent: SekishoEvent[]; got: ReceivedSyslog[] }> {
    const output = new SyslogOutput({ name: transport, transport, host: '127.0.0.1', port, hostname: 'node-1.example', appName: 'sekisho', procId: '4242', ...(tls === undefined ? {} : { tls }) });
    const sent = Array.from({ length: count }, (_, i) => event(i));
    await output.send(sent);
    await output.close();
    const ids = new Set(sent.map((e) => e.id));
    const got = await waitFor(
      () => {
        const mine = running()
          .received()
          .filter((r) => [...ids].some((id) => r.sd.includes(id)));
        return mine.length >= count ? mine : undefined;
      },
      5000,
      `${count} messages over ${transport}`,
    );
    return { sent, got };
  }

  function expectFields(received: ReceivedSyslog, sent: SekishoEvent, input: string): void {
    expect(received.input).toBe(input);
    expect(received.pri).toBe(String(16 * 8 + 3)); // local0, error (high)
    expect(received.version).toBe('1');
    expect(received.timestamp).toBe('2026-12-06T10:11:12.345Z');
    expect(received.hostname).toBe('node-1.example');
    expect(received.appname).toBe('sekisho');
    expect(received.procid).toBe('4242');
    expect(received.msgid).toBe('admission');
    expect(received.sd).toContain(
      `[sekisho@32473 id="${sent.id}" kind="admission" severity="high" result="denied" component="admission" subject="prod/Deployment/web" action="admission.validate" environment="prod" principal="system:serviceaccount:ci:deployer" sourceIp="10.0.0.7"]`,
    );
    const msg = received.msg.replace(/^\uFEFF/, '').trim();
    expect(JSON.parse(msg)).toEqual(sent);
  }

  it('UDP: one RFC 5424 message per datagram, every field as sent', async () => {
    const { sent, got } = await roundTrip('udp', running().udpPort, 3);
    for (const e of sent) expectFields(got.find((r) => r.sd.includes(e.id)) as ReceivedSyslog, e, 'udp');
  });

  it('TCP: octet-counted frames, including a message with a newline inside and multi-byte characters', async () => {
    const { sent, got } = await roundTrip('tcp', running().tcpPort, 50);
    expect(got).toHaveLength(50);
    for (const e of sent) expectFields(got.find((r) => r.sd.includes(e.id)) as ReceivedSyslog, e, 'tcp');
  });

  it('escaped SD-PARAM values keep rsyslog parsing every field after them', async () => {
    const output = new SyslogOutput({ name: 'tcp', transport: 'tcp', host: '127.0.0.1', port: running().tcpPort, hostname: 'node-1.example', procId: '4242' });
    const sent = { ...event(99), principal: 'evil"] [x@1 a="b\\' };
    await output.send([sent]);
    await output.close();
    const got = await waitFor(
      () =>
        running()
          .received()
          .find((r) => r.sd.includes(sent.id)),
      5000,
      'the escaped message',
    );
    expect(got.sd).toContain(' principal="evil\\"\\] [x@1 a=\\"b\\\\" sourceIp="10.0.0.7"]');
    expect(got.msgid).toBe('admission');
    expect(JSON.parse(got.msg.replace(/^\uFEFF/, '').trim())).toEqual(sent);
  });

  it('TLS: CA-validated, and pinned by fingerprint', async () => {
    const port = running().tlsPort as number;
    const validated = await roundTrip('tls', port, 5, { ca: certs.ca, serverName: 'localhost' });
    for (const e of validated.sent) expectFields(validated.got.find((r) => r.sd.includes(e.id)) as ReceivedSyslog, e, 'tls');
    const pinned = await roundTrip('tls', port, 2, { fingerprint: certs.fingerprint });
    for (const e of pinned.sent) expectFields(pinned.got.find((r) => r.sd.includes(e.id)) as ReceivedSyslog, e, 'tls');
  });

  it('TLS: refuses a server whose certificate is not trusted, or does not match the pin', async () => {
    const port = running().tlsPort as number;
    const untrusted = new SyslogOutput({ name: 't', transport: 'tls', host: '127.0.0.1', port });
    await expect(untrusted.send([event(0)])).rejects.toThrow();
    await untrusted.close();
    const wrongPin = new SyslogOutput({ name: 't', transport: 'tls', host: '127.0.0.1', port, tls: { fingerprint: `sha-256:${'AB:'.repeat(31)}AB` } });
    await expect(wrongPin.send([event(0)])).rejects.toThrow(/pinned fingerprint/);
    await wrongPin.close();
  });

  it('TCP: after rsyslogd restarts, the output reconnects and what was spooled meanwhile arrives', async () => {
    const spoolDir = join(dir, 'spool');
    const output = new SyslogOutput({ name: 'tcp', transport: 'tcp', host: '127.0.0.1', port: running().tcpPort, hostname: 'node-1.example', procId: '4242', connectTimeoutMs: 1000 });
    const bus = new EventBus({ spoolDir, retry: { baseMs: 20, maxMs: 200 }, outputs: [{ output }] });
    const before = Array.from({ length: 20 }, (_, i) => event(1000 + i));
    for (const e of before) await bus.emit(e);
    expect(await bus.drain(5000)).toBe(true);
    await waitFor(
      () =>
        before.every((e) =>
          running()
            .received()
            .some((r) => r.sd.includes(e.id)),
        )
          ? true
          : undefined,
      5000,
      'the events sent before the restart',
    );
    await running().stop();
    const during = Array.from({ length: 20 }, (_, i) => event(2000 + i));
    for (const e of during) await bus.emit(e);
    await waitFor(() => ((bus.stats()['tcp']?.retries ?? 0) > 0 ? true : undefined), 5000, 'a failed delivery while rsyslogd is down');
    rsyslog = await startRsyslog(dir, certs, { udp: running().udpPort, tcp: running().tcpPort, tls: running().tlsPort });
    const after = Array.from({ length: 20 }, (_, i) => event(3000 + i));
    for (const e of after) await bus.emit(e);
    expect(await bus.drain(10_000)).toBe(true);
    await bus.close();
    const received = await waitFor(
      () => {
        const sds = running()
          .received()
          .map((r) => r.sd);
        return after.every((e) => sds.some((sd) => sd.includes(e.id))) ? sds : undefined;
      },
      5000,
      'the events sent after the restart',
    );
    for (const e of [...before, ...after]) expect(received.some((sd) => sd.includes(e.id))).toBe(true);
    // Syslog has no acknowledgement: what was written to the dead connection before the error was
    // seen may be lost (RFC 5425 §6.3); everything spooled after it arrives.
    const lostDuring = during.filter((e) => !received.some((sd) => sd.includes(e.id))).length;
    expect(lostDuring).toBeLessThan(during.length);
  });
});
