/**
 * Fluentd Forward protocol v1 client (Forward and PackedForward modes, EventTime, `chunk`/`ack`,
 * the HELO/PING/PONG shared-key handshake, optional TLS), on @msgpack/msgpack.
 *
 * Hand-written over the protocol rather than on a logger library: the npm Forward clients keep
 * their own in-memory queue and retry policy, while here the on-disk spool owns both and a batch
 * must be acknowledged (or failed) as one unit before the spool commits it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { decodeMultiStream, encode, ExtensionCodec } from '@msgpack/msgpack';
import type { SekishoEvent } from '@sekisho/model';
import type { Output } from '../output.js';
import { withTimeout } from '../output.js';

export type ForwardMode = 'forward' | 'packed-forward' | 'compressed-packed-forward';

export interface ForwardOutputOptions {
  readonly name: string;
  readonly host: string;
  /** Default 24224. */
  readonly port?: number;
  /** Tag of each event: `<tagPrefix>.<kind>`; default `sekisho`. */
  readonly tagPrefix?: string;
  /** Default `packed-forward`. */
  readonly mode?: ForwardMode;
  /** Send a `chunk` id and wait for the server's `ack` (default true; without it delivery ends at the socket write). */
  readonly requireAck?: boolean;
  readonly ackTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Shared key for the handshake; when set the client waits for the server's HELO. */
  readonly sharedKey?: string;
  readonly username?: string;
  readonly password?: string;
  /** `self_hostname` sent in PING; default the machine's host name. */
  readonly selfHostname?: string;
  readonly tls?: { readonly ca?: string; readonly serverName?: string; readonly cert?: string; readonly key?: string };
  readonly maxBatch?: number;
}

/** EventTime (msgpack ext type 0): big-endian uint32 seconds + uint32 nanoseconds. */
export class EventTime {
  constructor(
    readonly seconds: number,
    readonly nanoseconds: number,
  ) {}

  static fromIso(time: string): EventTime {
    const ms = Date.parse(time);
    const at = Number.isNaN(ms) ? Date.now() : ms;
    return new EventTime(Math.floor(at / 1000), (at % 1000) * 1_000_000);
  }
}

export const forwardExtensions = new ExtensionCodec();
forwardExtensions.register({
  type: 0,
  encode: (value: unknown) => {
    if (!(value instanceof EventTime)) return null;
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, value.seconds);
    view.setUint32(4, value.nanoseconds);
    return bytes;
  },
  decode: (data: Uint8Array) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return new EventTime(view.getUint32(0), view.getUint32(4));
  },
});

function sha512hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function asBytes(value: unknown): Uint8Array | string | null {
  return typeof value === 'string' || value instanceof Uint8Array ? value : null;
}

/** One connection: a queue of decoded server messages with a waiter. */
class ForwardConnection {
  readonly socket: Socket;
  keepalive = true;
  readonly #queue: unknown[] = [];
  #waiter: ((value: unknown) => void) | null = null;
  #failed: Error | null = null;
  #onFail: ((error: Error) => void) | null = null;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed by the server')));
    void this.#read();
  }

  async #read(): Promise<void> {
    try {
      for await (const message of decodeMultiStream(this.socket, { extensionCodec: forwardExtensions, maxStrLength: 65_536, maxBinLength: 65_536, maxArrayLength: 64, maxMapLength: 64 })) {
        if (message === null) continue; // heartbeat
        const waiter = this.#waiter;
        this.#waiter = null;
        if (waiter !== null) waiter(message);
        else if (this.#queue.length < 1024) this.#queue.push(message);
      }
      this.#fail(new Error('connection closed by the server'));
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fail(error: Error): void {
    if (this.#failed !== null) return;
    this.#failed = error;
    this.socket.destroy();
    this.#onFail?.(error);
  }

  get broken(): boolean {
    return this.#failed !== null || this.socket.destroyed;
  }

  /** The next message from the server, or an error when the connection ends first. */
  next(): Promise<unknown> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failed !== null) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#onFail = reject;
    });
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => (error === undefined || error === null ? resolve() : reject(error)));
    });
  }

  close(): void {
    this.#failed ??= new Error('closed');
    this.socket.end();
    this.socket.destroy();
  }
}

export class ForwardOutput implements Output {
  readonly name: string;
  readonly maxBatch: number;
  readonly #options: ForwardOutputOptions;
  readonly #port: number;
  #connection: ForwardConnection | null = null;

  constructor(options: ForwardOutputOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch ?? 500;
    this.#options = options;
    this.#port = options.port ?? 24224;
  }

  async send(events: readonly SekishoEvent[]): Promise<void> {
    const connection = await this.#connect();
    try {
      const byTag = new Map<string, SekishoEvent[]>();
      for (const event of events) {
        const tag = `${this.#options.tagPrefix ?? 'sekisho'}.${event.kind}`;
        const list = byTag.get(tag) ?? [];
        list.push(event);
        byTag.set(tag, list);
      }
      for (const [tag, list] of byTag) await this.#sendTagged(connection, tag, list);
      // A server whose HELO said keepalive: false expects a connection per delivery.
      if (!connection.keepalive) this.#drop();
    } catch (error) {
      this.#drop();
      throw error;
    }
  }

  async #sendTagged(connection: ForwardConnection, tag: string, events: readonly SekishoEvent[]): Promise<void> {
    const requireAck = this.#options.requireAck ?? true;
    const chunk = requireAck ? randomBytes(16).toString('base64') : undefined;
    const mode = this.#options.mode ?? 'packed-forward';
    const option: Record<string, unknown> = { size: events.length, ...(chunk === undefined ? {} : { chunk }), ...(mode === 'compressed-packed-forward' ? { compressed: 'gzip' } : {}) };
    const entries = events.map((e) => [EventTime.fromIso(e.time), e]);
    let body: unknown[];
    if (mode === 'forward') body = [tag, entries, option];
    else {
      const packed = Buffer.concat(entries.map((entry) => encode(entry, { extensionCodec: forwardExtensions })));
      body = [tag, mode === 'compressed-packed-forward' ? gzipSync(packed) : packed, option];
    }
    await connection.write(encode(body, { extensionCodec: forwardExtensions }));
    if (chunk === undefined) return;
    const reply = await withTimeout(connection.next(), this.#options.ackTimeoutMs ?? 10_000, `forward ${this.#options.host}:${this.#port} ack`);
    const ack = reply !== null && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Record<string, unknown>)['ack'] : undefined;
    if (ack !== chunk) throw new Error(`forward ${this.#options.host}:${this.#port}: expected the ack of chunk ${chunk}, got ${(JSON.stringify(reply) as string | undefined)?.slice(0, 200)}`);
  }

  async #connect(): Promise<ForwardConnection> {
    if (this.#connection !== null && !this.#connection.broken) return this.#connection;
    this.#drop();
    const where = `forward ${this.#options.host}:${this.#port}`;
    const socket = await withTimeout(this.#open(), this.#options.connectTimeoutMs ?? 10_000, where);
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    const connection = new ForwardConnection(socket);
    try {
      if (this.#options.sharedKey !== undefined) await withTimeout(this.#handshake(connection, this.#options.sharedKey), this.#options.connectTimeoutMs ?? 10_000, `${where} handshake`);
    } catch (error) {
      connection.close();
      throw error;
    }
    this.#connection = connection;
    return connection;
  }

  #open(): Promise<Socket> {
    const tls = this.#options.tls;
    return new Promise((resolve, reject) => {
      const socket =
        tls === undefined
          ? connectTcp({ host: this.#options.host, port: this.#port })
          : connectTls({
              host: this.#options.host,
              port: this.#port,
              minVersion: 'TLSv1.2',
              ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              ...(tls.cert === undefined ? {} : { cert: tls.cert }),
              ...(tls.key === undefined ? {} : { key: tls.key }),
            });
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** HELO → PING → PONG (spec "Handshake Messages"); the server's PONG digest proves it knows the key too. */
  async #handshake(connection: ForwardConnection, sharedKey: string): Promise<void> {
    const where = `forward ${this.#options.host}:${this.#port}`;
    const helo = await connection.next();
    if (!Array.isArray(helo) || helo[0] !== 'HELO' || helo[1] === null || typeof helo[1] !== 'object') throw new Error(`${where}: expected HELO, the server sent something else`);
    const heloOptions = helo[1] as Record<string, unknown>;
    const nonce = asBytes(heloOptions['nonce']);
    if (nonce === null) throw new Error(`${where}: HELO without a nonce`);
    const authSalt = asBytes(heloOptions['auth']);
    connection.keepalive = heloOptions['keepalive'] !== false;
    const self = this.#options.selfHostname ?? osHostname();
    const salt = randomBytes(16).toString('hex');
    const username = this.#options.username ?? '';
    const needsUser = authSalt !== null && authSalt.length > 0;
    if (needsUser && this.#options.username === undefined) throw new Error(`${where}: the server asks for a username and password`);
    const passwordDigest = needsUser ? sha512hex(authSalt, username, this.#options.password ?? '') : '';
    await connection.write(encode(['PING', self, salt, sha512hex(salt, self, nonce, sharedKey), needsUser ? username : '', passwordDigest]));
    const pong = await connection.next();
    if (!Array.isArray(pong) || pong[0] !== 'PONG') throw new Error(`${where}: expected PONG`);
    const [, authenticated, reason, serverHostname, digest] = pong as [string, unknown, unknown, unknown, unknown];
    if (authenticated !== true) throw new Error(`${where}: authentication refused: ${typeof reason === 'string' ? reason.slice(0, 200) : 'no reason given'}`);
    if (typeof serverHostname !== 'string' || digest !== sha512hex(salt, serverHostname, nonce, sharedKey)) throw new Error(`${where}: the server's PONG digest does not match the shared key`);
  }

  #drop(): void {
    this.#connection?.close();
    this.#connection = null;
  }

  close(): Promise<void> {
    this.#drop();
    return Promise.resolve();
  }
}
