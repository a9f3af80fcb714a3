/**
 * A real rsyslogd for tests: started as an unprivileged process (nobody, when the test runs as
 * root) with a configuration the test writes, listening on loopback on UDP (imudp), plain TCP
 * (imptcp, octet-counted framing) and TLS (imtcp with the gtls driver), writing every message as
 * one JSON object per line with each RFC 5424 field under its own name.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort, waitFor } from './services.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const RSYSLOG_GTLS = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

export interface ReceivedSyslog {
  readonly pri: string;
  readonly version: string;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appname: string;
  readonly procid: string;
  readonly msgid: string;
  readonly sd: string;
  readonly msg: string;
  readonly input: string;
}

export interface RsyslogHandle {
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly tlsPort: number | null;
  received(): ReceivedSyslog[];
  stop(): Promise<void>;
}

export interface RsyslogTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** `ports`: listen where an earlier instance did (a restart); default free ports. */
export async function startRsyslog(dir: string, tls: RsyslogTls | null, ports?: { udp: number; tcp: number; tls: number | null }): Promise<RsyslogHandle> {
  const udpPort = ports?.udp ?? (await freeUdpPort());
  const tcpPort = ports?.tcp ?? (await freeTcpPort());
  const tlsPort = tls === null ? null : (ports?.tls ?? (await freeTcpPort()));
  const out = join(dir, 'received.jsonl');
  const config = [
    `global(workDirectory="${dir}" maxMessageSize="64k"${tls === null ? '' : ` defaultNetstreamDriverCAFile="${tls.caFile}" defaultNetstreamDriverCertFile="${tls.certFile}" defaultNetstreamDriverKeyFile="${tls.keyFile}"`})`,
    'module(load="imudp")',
    'module(load="imptcp")',
    `input(type="imudp" address="127.0.0.1" port="${udpPort}" name="udp")`,
    `input(type="imptcp" address="127.0.0.1" port="${tcpPort}" name="tcp")`,
    ...(tlsPort === null
      ? []
      : ['module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")', `input(type="imtcp" address="127.0.0.1" port="${tlsPort}" name="tls")`]),
    'template(name="fields" type="list" option.jsonf="on") {',
    '  property(outname="pri" name="pri" format="jsonf")',
    '  property(outname="version" name="protocol-version" format="jsonf")',
    '  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")',
    '  property(outname="hostname" name="hostname" format="jsonf")',
    '  property(outname="appname" name="app-name" format="jsonf")',
    '  property(outname="procid" name="procid" format="jsonf")',
    '  property(outname="msgid" name="msgid" format="jsonf")',
    '  property(outname="sd" name="structured-data" format="jsonf")',
    '  property(outname="msg" name="msg" format="jsonf")',
    '  property(outname="input" name="inputname" format="jsonf")',
    '}',
    `action(type="omfile" file="${out}" template="fields" flushOnTXEnd="on" asyncWriting="off")`,
    '',
  ].join('\n');
  const confFile = join(dir, 'rsyslog.conf');
  writeFileSync(confFile, config);
  if (!existsSync(out)) writeFileSync(out, '');
  rmSync(join(dir, 'rsyslogd.pid'), { force: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    chownSync(dir, 65534, 65534);
    chownSync(out, 65534, 65534);
    if (tls !== null) for (const f of [tls.caFile, tls.certFile, tls.keyFile]) chownSync(f, 65534, 65534);
  }
  const child: ChildProcess = spawn(RSYSLOGD, ['-n', '-f', confFile, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 16_384) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when the pid file exists and the TCP port accepts (rsyslog opens inputs before writing it).
  await waitFor(() => (child.exitCode !== null ? Promise.reject(new Error(`rsyslogd exited: ${stderr}`)) : existsSync(join(dir, 'rsyslogd.pid')) ? true : undefined), 10_000, 'rsyslogd to start');
  return {
    udpPort,
    tcpPort,
    tlsPort,
    // Complete lines only: rsyslogd may be part-way through writing the last one.
    received: () => {
      const text = readFileSync(out, 'utf8');
      return text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ReceivedSyslog);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
