import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { createHash, X509Certificate } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import type { SekishoEvent } from '@sekisho/model';
import type { Output } from '../output.js';
import { withTimeout } from '../output.js';
import type { SyslogFormatOptions } from './syslog-format.js';
import { createSyslogFormatter, octetCounted } from './syslog-format.js';

export type SyslogTransport = 'udp' | 'tcp' | 'tls';

export interface SyslogTlsOptions {
  /** PEM CA bundle for path validation; absent: the system's roots. */
  readonly ca?: string;
  /** Client certificate and key (PEM) for mutual authentication. */
  readonly cert?: string;
  readonly key?: string;
  /** RFC 5425 §5.2 fingerprint pinning: `sha-256:AB:CD:…` or `sha-1:…`; when set, the peer certificate must match it (path validation is then not required). */
  readonly fingerprint?: string;
  /** Name checked against the certificate (subjectAltName); default the host. */
  readonly serverName?: string;
}

export interface SyslogOutputOptions extends SyslogFormatOptions {
  readonly name: string;
  readonly transport: SyslogTransport;
  readonly host: string;
  /** Default 514 (UDP/TCP) or 6514 (TLS). */
  readonly port?: number;
  readonly tls?: SyslogTlsOptions;
  readonly connectTimeoutMs?: number;
  readonly maxBatch?: number;
}

/** `sha-256:AB:CD…` → algorithm and hex without colons (lower case). */
function parseFingerprint(value: string): { algorithm: 'sha1' | 'sha256'; hex: string } {
  const match = /^(sha-1|sha-256):([0-9A-Fa-f:]+)$/.exec(value.trim());
  if (match === null) throw new Error('syslog tls fingerprint must look like sha-256:AB:CD:… or sha-1:AB:CD:…');
  return { algorithm: match[1] === 'sha-1' ? 'sha1' : 'sha256', hex: (match[2] as string).replace(/:/g, '').toLowerCase() };
}

/**
 * Syslog over UDP (RFC 5426: one message per datagram), TCP (RFC 6587 octet counting) or TLS
 * (RFC 5425: same framing, the sender is the TLS client). Stream transports keep one connection
 * and reconnect after an error. Syslog has no application acknowledgement: a batch counts as
 * delivered once the socket has flushed it to the kernel, so a connection that breaks right after
 * can lose what was in flight (RFC 5425 §6.3). Use Fluentd Forward with `ack` or JetStream where
 * that matters.
 */
export class SyslogOutput implements Output {
  readonly name: string;
  readonly maxBatch: number;
  readonly #options: SyslogOutputOptions;
  readonly #format: (event: SekishoEvent) => Buffer;
  readonly #port: number;
  #socket: Socket | null = null;
  #udp: UdpSocket | null = null;

  constructor(options: SyslogOutputOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch ?? 500;
    this.#options = options;
    this.#port = options.port ?? (options.transport === 'tls' ? 6514 : 514);
    this.#format = createSyslogFormatter({ ...options, maxBytes: options.maxBytes ?? (options.transport === 'udp' ? 2048 : 8192) });
    if (options.tls?.fingerprint !== undefined) parseFingerprint(options.tls.fingerprint);
  }

  async send(events: readonly SekishoEvent[]): Promise<void> {
    if (this.#options.transport === 'udp') return this.#sendUdp(events);
    const socket = await this.#connection();
    const frames = Buffer.concat(events.map((e) => octetCounted(this.#format(e))));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.write(frames, (error) => (error === undefined || error === null ? resolve() : reject(error)));
      });
    } catch (error) {
      this.#drop();
      throw error;
    }
  }

  async #sendUdp(events: readonly SekishoEvent[]): Promise<void> {
    if (this.#udp === null) {
      const udp = createSocket(this.#options.host.includes(':') ? 'udp6' : 'udp4');
      udp.on('error', () => this.#dropUdp());
      udp.unref();
      this.#udp = udp;
    }
    const udp = this.#udp;
    for (const event of events) {
      await new Promise<void>((resolve, reject) => {
        udp.send(this.#format(event), this.#port, this.#options.host, (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    }
  }

  async #connection(): Promise<Socket> {
    if (this.#socket !== null && !this.#socket.destroyed && this.#socket.writable) return this.#socket;
    this.#drop();
    const timeout = this.#options.connectTimeoutMs ?? 10_000;
    const socket = await withTimeout(this.#options.transport === 'tls' ? this.#connectTls() : this.#connectTcp(), timeout, `syslog ${this.#options.host}:${this.#port}`);
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    // Syslog receivers never write back; anything read is ignored, an error or close forgets the socket.
    socket.on('data', () => undefined);
    socket.on('error', () => this.#drop(socket));
    socket.on('close', () => this.#drop(socket));
    this.#socket = socket;
    return socket;
  }

  #connectTcp(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ host: this.#options.host, port: this.#port });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  #connectTls(): Promise<Socket> {
    const tls = this.#options.tls ?? {};
    const pin = tls.fingerprint === undefined ? null : parseFingerprint(tls.fingerprint);
    return new Promise((resolve, reject) => {
      const socket = connectTls({
        host: this.#options.host,
        port: this.#port,
        servername: tls.serverName ?? (/^[\d.:]+$/.test(this.#options.host) ? undefined : this.#options.host),
        minVersion: 'TLSv1.2',
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls.key === undefined ? {} : { key: tls.key }),
        // With a pinned fingerprint the pin is the authentication (RFC 5425 §5.2): checked below.
        rejectUnauthorized: pin === null,
        ...(pin === null ? {} : { checkServerIdentity: () => undefined }),
      });
      socket.once('secureConnect', () => {
        if (pin !== null) {
          // An empty object when the server sent no certificate, which Node's types leave out.
          const peer: Partial<PeerCertificate> = socket.getPeerCertificate();
          const raw = peer.raw;
          const actual = raw === undefined ? '' : createHash(pin.algorithm).update(new X509Certificate(raw).raw).digest('hex');
          if (actual !== pin.hex) {
            socket.destroy();
            reject(new Error(`syslog ${this.#options.host}:${this.#port}: the server certificate does not match the pinned fingerprint`));
            return;
          }
        }
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  #drop(which?: Socket): void {
    const socket = this.#socket;
    if (socket === null || (which !== undefined && which !== socket)) return;
    this.#socket = null;
    socket.destroy();
  }

  #dropUdp(): void {
    const udp = this.#udp;
    this.#udp = null;
    udp?.close();
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    // RFC 5425 §4.4: close_notify before closing (end() sends it on TLS sockets).
    if (socket !== null && !socket.destroyed) {
      await withTimeout(new Promise<void>((resolve) => socket.end(resolve)), 2000, 'syslog close').catch(() => undefined);
      socket.destroy();
    }
    this.#dropUdp();
  }
}
