/**
 * A Fluentd Forward protocol v1 server for tests, written from the published specification
 * ("Fluentd Forward Protocol Specification (v1)"): Message, Forward, PackedForward and
 * CompressedPackedForward modes told apart by the second array element, EventTime (ext type 0),
 * `{"ack": chunk}` replies when the option carries a chunk, and the HELO/PING/PONG handshake with
 * a shared key (and optional user authentication). It checks what it receives strictly: a
 * malformed message, a wrong `size` or a bad digest closes the connection, as the spec asks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { decodeMulti, decodeMultiStream, encode } from '@msgpack/msgpack';
import { EventTime, forwardExtensions } from '../outputs/forward.js';

export interface ReceivedForwardEvent {
  readonly tag: string;
  readonly time: EventTime | number;
  readonly record: Record<string, unknown>;
  readonly mode: 'message' | 'forward' | 'packed-forward' | 'compressed-packed-forward';
}

export interface ForwardReceiverOptions {
  readonly sharedKey?: string;
  readonly serverHostname?: string;
  /** Users for the optional user authentication (`auth` salt in HELO). */
  readonly users?: Readonly<Record<string, string>>;
  /** Close the connection instead of acknowledging the first N chunks (the events are discarded). */
  readonly dropFirstChunks?: number;
  /** Sent in HELO; default true. */
  readonly keepalive?: boolean;
  /** Serve TLS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

function sha512hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha512');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}

export class ForwardReceiver {
  readonly events: ReceivedForwardEvent[] = [];
  readonly errors: string[] = [];
  handshakes = 0;
  connections = 0;
  acks = 0;
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #dropLeft: number;

  constructor(readonly options: ForwardReceiverOptions = {}) {
    this.#dropLeft = options.dropFirstChunks ?? 0;
  }

  get port(): number {
    return this.#port;
  }

  /** Listens on 127.0.0.1 (port 0 the first time; the same port again after `stop`). */
  async start(port = this.#port): Promise<void> {
    const tls = this.options.tls;
    const server: Server = tls === undefined ? createServer((socket) => void this.#serve(socket)) : createTlsServer({ cert: tls.cert, key: tls.key }, (socket) => void this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    this.#port = address.port;
    this.#server = server;
  }

  /** Kills the receiver: stops listening and cuts every connection at once (unacknowledged chunks are lost). */
  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #serve(socket: Socket): Promise<void> {
    this.#sockets.add(socket);
    this.connections += 1;
    socket.on('error', () => undefined);
    const write = (value: unknown) => socket.write(encode(value));
    const messages = decodeMultiStream(socket, { extensionCodec: forwardExtensions })[Symbol.asyncIterator]();
    try {
      if (this.options.sharedKey !== undefined && !(await this.#handshake(socket, messages, write))) return;
      for (;;) {
        const next = await messages.next();
        if (next.done === true) return;
        if (next.value === null) continue;
        if (!this.#accept(next.value, socket)) return;
      }
    } catch (error) {
      this.errors.push(error instanceof Error ? error.message : String(error));
      socket.destroy();
    } finally {
      this.#sockets.delete(socket);
    }
  }

  async #handshake(socket: Socket, messages: AsyncIterator<unknown>, write: (value: unknown) => void): Promise<boolean> {
    const key = this.options.sharedKey as string;
    const nonce = randomBytes(16);
    const authSalt = this.options.users === undefined ? '' : randomBytes(16).toString('hex');
    write(['HELO', { nonce, auth: authSalt, keepalive: this.options.keepalive ?? true }]);
    const next = await messages.next();
    const ping = next.value as unknown[];
    if (next.done === true || !Array.isArray(ping) || ping[0] !== 'PING' || ping.length !== 6) {
      this.errors.push('expected PING');
      socket.destroy();
      return false;
    }
    const [, clientHostname, salt, digest, username, passwordDigest] = ping as [string, string, string | Uint8Array, string, string, string];
    const serverHostname = this.options.serverHostname ?? 'receiver.test';
    let reason = '';
    if (digest !== sha512hex(salt, clientHostname, nonce, key)) reason = 'shared key mismatch';
    else if (this.options.users !== undefined) {
      const password = this.options.users[username];
      if (password === undefined || passwordDigest !== sha512hex(authSalt, username, password)) reason = 'username/password mismatch';
    }
    write(['PONG', reason === '', reason, serverHostname, reason === '' ? sha512hex(salt, serverHostname, nonce, key) : '']);
    if (reason !== '') {
      this.errors.push(reason);
      socket.end();
      return false;
    }
    this.handshakes += 1;
    return true;
  }

  /** Checks one transport message; false (and the connection closed) when it breaks the spec. */
  #accept(message: unknown, socket: Socket): boolean {
    const fail = (why: string) => {
      this.errors.push(why);
      socket.destroy();
      return false;
    };
    if (!Array.isArray(message) || message.length < 2 || message.length > 4 || typeof message[0] !== 'string') return fail('not a transport message');
    const tag = message[0];
    const second: unknown = message[1];
    let entries: unknown[];
    let option: unknown;
    let mode: ReceivedForwardEvent['mode'];
    if (typeof second === 'number' || second instanceof EventTime) {
      entries = [[second, message[2]]];
      option = message[3];
      mode = 'message';
    } else if (Array.isArray(second)) {
      entries = second;
      option = message[2];
      mode = 'forward';
    } else if (second instanceof Uint8Array || typeof second === 'string') {
      option = message[2];
      const compressed = option !== null && typeof option === 'object' && (option as Record<string, unknown>)['compressed'] === 'gzip';
      const bytes = typeof second === 'string' ? Buffer.from(second, 'latin1') : second;
      entries = [...decodeMulti(compressed ? gunzipSync(bytes) : bytes, { extensionCodec: forwardExtensions })];
      mode = compressed ? 'compressed-packed-forward' : 'packed-forward';
    } else return fail('unknown mode');
    const options = (option ?? {}) as Record<string, unknown>;
    if (typeof options !== 'object') return fail('option is not a map');
    if (options['size'] !== undefined && options['size'] !== entries.length) return fail(`size ${JSON.stringify(options['size'])} but ${entries.length} entries`);
    const received: ReceivedForwardEvent[] = [];
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) return fail('entry is not [time, record]');
      const [time, record] = entry as [unknown, unknown];
      if (!(typeof time === 'number' || time instanceof EventTime)) return fail('entry time is neither an integer nor EventTime');
      if (record === null || typeof record !== 'object' || Array.isArray(record)) return fail('record is not a map');
      received.push({ tag, time, record: record as Record<string, unknown>, mode });
    }
    const chunk = options['chunk'];
    if (chunk !== undefined && this.#dropLeft > 0) {
      this.#dropLeft -= 1;
      socket.destroy();
      return false;
    }
    this.events.push(...received);
    if (typeof chunk === 'string') {
      socket.write(encode({ ack: chunk }));
      this.acks += 1;
    }
    return true;
  }
}
