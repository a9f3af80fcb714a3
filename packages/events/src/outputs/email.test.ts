/**
 * Email output against a local SMTP server (Debian python3-aiosmtpd, Mailbox handler writing a
 * Maildir) started by the test on a free loopback port.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort, missingTools, waitFor } from '../testing/services.js';
import { testEvent } from '../testing/events.js';
import { EmailOutput } from './email.js';

const PYTHON = '/usr/bin/python3';
const skip = missingTools(['/usr/lib/python3/dist-packages/aiosmtpd/__init__.py'], 'python3-aiosmtpd');

describe.skipIf(skip !== null)('email output against aiosmtpd', () => {
  let dir: string;
  let port: number;
  // Unset when aiosmtpd did not start.
  let stop: (() => void) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sekisho-smtp-'));
    port = await freeTcpPort();
    const child = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'mail')], { stdio: 'ignore' });
    stop = () => child.kill('SIGTERM');
    await waitFor(
      () =>
        new Promise<true | undefined>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          socket.once('data', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(undefined));
        }),
      10_000,
      'aiosmtpd to listen',
    );
  });
  afterAll(() => {
    stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one message per batch: subject, recipients, a text summary and the events as JSON', async () => {
    const output = new EmailOutput({ name: 'mail', host: '127.0.0.1', port, requireTls: false, from: 'sekisho@example.test', to: ['secops@example.test', 'oncall@example.test'] });
    const events = [testEvent(1, { severity: 'medium' }), testEvent(2, { severity: 'critical', environment: 'prod' })];
    await output.send(events);
    await output.close();
    const file = await waitFor(
      () => {
        const names = readdirSync(join(dir, 'mail', 'new'));
        return names.length > 0 ? join(dir, 'mail', 'new', names[0] as string) : undefined;
      },
      5000,
      'the message in the Maildir',
    );
    const message = readFileSync(file, 'utf8');
    // RFC 5322 unfolding: a line break followed by white space continues the header.
    const headers = message.slice(0, message.indexOf('\n\n')).replace(/\r?\n(?=[ \t])/g, '');
    expect(headers).toMatch(/^From: sekisho@example\.test$/m);
    expect(headers).toMatch(/^To: secops@example\.test, oncall@example\.test$/m);
    expect(headers).toMatch(/^Subject: \[Sekisho\] 2 events, highest critical: \[CRITICAL\] runtime detected: exec shell in container #2$/m);
    expect(headers).toContain(`X-Sekisho-Event-Ids: ${events[0]?.id} ${events[1]?.id}`);
    expect(message).toContain('subject:   workload prod/Pod/web-1 (prod)');
    expect(message).toContain('Content-Type: application/json; name=events.json');
    const base64 = /filename=events\.json\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(message)?.[1];
    expect(JSON.parse(Buffer.from(base64 ?? '', 'base64').toString('utf8'))).toEqual(events);
  });

  it('fails when the server offers no STARTTLS and TLS is required (the default)', async () => {
    const output = new EmailOutput({ name: 'mail', host: '127.0.0.1', port, from: 'sekisho@example.test', to: ['secops@example.test'], timeoutMs: 3000 });
    await expect(output.send([testEvent(1)])).rejects.toThrow(/STARTTLS/i);
    await output.close();
  });
});
