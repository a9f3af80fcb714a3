import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '@sekisho/core';
import { EmailOutput } from '../outputs/email.js';
import { ForwardOutput } from '../outputs/forward.js';
import { NatsOutput } from '../outputs/nats.js';
import { SyslogOutput } from '../outputs/syslog.js';
import { WebhookOutput } from '../outputs/webhook.js';
import { createBusOutputs, EventsConfigError, parseEventsConfig } from './load.js';

const FULL = `
apiVersion: sekisho.dev/v1
kind: Policy
outputs:
  siem:
    type: syslog
    transport: tls
    host: siem.example.com
    facility: local4
    tls: { ca: { file: ca.pem }, serverName: siem.example.com }
    filter: { minSeverity: high, environments: [prod] }
    spool: { maxBytes: 16MiB, fsync: always }
  fluent:
    type: forward
    host: 127.0.0.1
    mode: forward
    sharedKey: { env: FLUENT_KEY }
    username: sekisho
    password: { file: ./secrets/fluent-password }
  stream:
    type: nats
    servers: [nats://127.0.0.1:4222]
    subjectPrefix: sekisho.events
    token: { env: NATS_TOKEN }
  slack:
    type: webhook
    layout: slack
    url: { env: SLACK_URL }
    secret: { env: HOOK_SECRET }
    rateLimit: { perSecond: 1, burst: 10 }
    filter: { kinds: [runtime, admission] }
  mail:
    type: email
    host: smtp.example.com
    from: sekisho@example.com
    to: [secops@example.com]
    user: sekisho
    password: { env: SMTP_PASSWORD }
  off:
    type: webhook
    url: https://hooks.example.com/x
    enabled: false
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-events-config-'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'fluent-password'), 'pw-from-file\n');
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ENV = { FLUENT_KEY: 'k-123', NATS_TOKEN: 'nats-tok', SLACK_URL: 'https://hooks.slack.com/services/T0/B0/xyz', HOOK_SECRET: 'hmac-key', SMTP_PASSWORD: 'smtp-pw' };

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EventsConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('outputs configuration', () => {
  it('builds every enabled output with its filter, rate limit and spool, secrets from env and files', () => {
    const config = parseEventsConfig(FULL, join(dir, 'sekisho.yaml'));
    const outputs = createBusOutputs(config, { env: ENV });
    expect(outputs.map((o) => [o.output.name, o.output.constructor])).toEqual([
      ['siem', SyslogOutput],
      ['fluent', ForwardOutput],
      ['stream', NatsOutput],
      ['slack', WebhookOutput],
      ['mail', EmailOutput],
    ]);
    expect(outputs[0]).toMatchObject({ filter: { minSeverity: 'high', environments: ['prod'] }, spool: { maxBytes: 16 * 1024 * 1024, fsync: 'always' } });
    expect(outputs[3]).toMatchObject({ rateLimit: { perSecond: 1, burst: 10 }, filter: { kinds: ['runtime', 'admission'] } });
  });

  it('no outputs section: no outputs', () => {
    expect(parseEventsConfig('apiVersion: sekisho.dev/v1\n', 'x.yaml').outputs).toEqual({});
    expect(parseEventsConfig('', 'x.yaml').outputs).toEqual({});
  });

  it('names the file and the setting in every error', () => {
    expect(errorOf(() => parseEventsConfig('outputs:\n  a: { type: kafka }\n', 's.yaml'))).toMatch(/^s\.yaml: outputs\.a\.type: /);
    expect(errorOf(() => parseEventsConfig('outputs:\n  a: { type: syslog, transport: tcp, host: h, port: 70000 }\n', 's.yaml'))).toMatch(/^s\.yaml: outputs\.a\.port: /);
    expect(errorOf(() => parseEventsConfig('outputs:\n  a: { type: syslog, transport: tcp, host: h, colour: red }\n', 's.yaml'))).toMatch(/outputs\.a: .*colour/);
    expect(errorOf(() => parseEventsConfig('outputs:\n  "bad name": { type: syslog, transport: tcp, host: h }\n', 's.yaml'))).toMatch(/output names/);
    expect(errorOf(() => parseEventsConfig('outputs:\n  a: { type: syslog, transport: tcp, host: h, spool: { maxBytes: lots } }\n', 's.yaml'))).toMatch(/outputs\.a\.spool\.maxBytes: a size/);
    expect(errorOf(() => parseEventsConfig('outputs:\n  a: { type: webhook, url: "file:///etc/passwd" }\n', 's.yaml'))).toMatch(/outputs\.a\.url/);
    expect(errorOf(() => parseEventsConfig('outputs: [1, 2]\n', 's.yaml'))).toMatch(/outputs/);
    expect(errorOf(() => parseEventsConfig('outputs: {a: [\n', 's.yaml'))).toMatch(/not valid YAML/);
  });

  it('refuses a secret written inline, without repeating it', () => {
    const message = errorOf(() => parseEventsConfig('outputs:\n  f: { type: forward, host: h, sharedKey: "inline-secret-value" }\n', 's.yaml'));
    expect(message).toMatch(/outputs\.f\.sharedKey/);
    expect(message).not.toContain('inline-secret-value');
  });

  it('a missing secret names its reference, never a value', () => {
    const config = parseEventsConfig(FULL, join(dir, 'sekisho.yaml'));
    const message = errorOf(() => createBusOutputs(config, { env: { ...ENV, HOOK_SECRET: undefined } }));
    expect(message).toBe('outputs.slack.secret: environment variable HOOK_SECRET is not set');
    rmSync(join(dir, 'secrets', 'fluent-password'));
    expect(errorOf(() => createBusOutputs(config, { env: ENV }))).toMatch(/^outputs\.fluent\.password: cannot read secret file .*fluent-password$/);
  });

  it('selects outputs by name (a disabled one too), and an unknown name lists the configured ones', () => {
    const config = parseEventsConfig(FULL, join(dir, 'sekisho.yaml'));
    expect(createBusOutputs(config, { env: ENV, only: ['off'] }).map((o) => o.output.name)).toEqual(['off']);
    expect(errorOf(() => createBusOutputs(config, { env: ENV, only: ['nope'] }))).toMatch(/no output named "nope" \(configured: siem, fluent, stream, slack, mail, off\)/);
  });

  it('one sekisho.yaml holds the policy and the outputs: each reader takes its own section', () => {
    const text = `apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: acme }\nenvironments: { prod: {} }\n${FULL.slice(FULL.indexOf('outputs:'))}`;
    expect(parsePolicy(text, 'sekisho.yaml').metadata.name).toBe('acme');
    expect(Object.keys(parseEventsConfig(text, 'sekisho.yaml').outputs)).toEqual(['siem', 'fluent', 'stream', 'slack', 'mail', 'off']);
  });
});
