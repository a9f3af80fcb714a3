import type { ConnectionOptions, JetStreamClient, NatsConnection } from 'nats';
import type { SekishoEvent } from '@sekisho/model';
import type { Output } from '../output.js';
import { withTimeout } from '../output.js';

export interface NatsOutputOptions {
  readonly name: string;
  /** `nats://host:port`, one or more. */
  readonly servers: readonly string[];
  /** Events go to `<subjectPrefix>.<kind>`; default `sekisho.events`. */
  readonly subjectPrefix?: string;
  /** JetStream stream capturing `<subjectPrefix>.>`; created when absent. Default `SEKISHO_EVENTS`. */
  readonly stream?: string;
  /** Whether to create the stream when it does not exist (default true). */
  readonly createStream?: boolean;
  /** Age limit of a created stream; default 7 days. */
  readonly maxAgeSeconds?: number;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly timeoutMs?: number;
  readonly maxBatch?: number;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Publishes each event to JetStream at `<prefix>.<kind>` and waits for every publish ack, with
 * the event id as `Nats-Msg-Id` so the stream drops the duplicates an at-least-once retry can
 * produce (within its duplicate window).
 */
export class NatsOutput implements Output {
  readonly name: string;
  readonly maxBatch: number;
  readonly #options: NatsOutputOptions;
  readonly #prefix: string;
  #connection: NatsConnection | null = null;
  #js: JetStreamClient | null = null;

  constructor(options: NatsOutputOptions) {
    this.name = options.name;
    this.maxBatch = options.maxBatch ?? 200;
    this.#options = options;
    this.#prefix = options.subjectPrefix ?? 'sekisho.events';
    if (!this.#prefix.split('.').every((t) => TOKEN.test(t))) throw new Error(`NATS subject prefix ${JSON.stringify(this.#prefix)}: dot-separated tokens of letters, digits, "_" and "-"`);
  }

  get subjectPrefix(): string {
    return this.#prefix;
  }

  get stream(): string {
    return this.#options.stream ?? 'SEKISHO_EVENTS';
  }

  async #client(): Promise<JetStreamClient> {
    if (this.#js !== null && this.#connection !== null && !this.#connection.isClosed()) return this.#js;
    await this.#drop();
    const timeout = this.#options.timeoutMs ?? 10_000;
    const tls = this.#options.tls;
    const settings: ConnectionOptions = {
      servers: [...this.#options.servers],
      timeout,
      // The spool is the buffer: no reconnect loop inside the client, a failed send is retried by the bus.
      reconnect: false,
      name: `sekisho-events-${this.name}`,
      ...(this.#options.user === undefined ? {} : { user: this.#options.user, pass: this.#options.password ?? '' }),
      ...(this.#options.token === undefined ? {} : { token: this.#options.token }),
      ...(tls === undefined
        ? {}
        : { tls: { ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(tls.cert === undefined ? {} : { cert: tls.cert }), ...(tls.key === undefined ? {} : { key: tls.key }) } }),
    };
    // Loaded on first use: a process without a NATS output never pays for the client.
    const { connect } = await import('nats');
    const connection = await connect(settings);
    try {
      const manager = await connection.jetstreamManager({ timeout });
      try {
        await manager.streams.info(this.stream);
      } catch (error) {
        if (this.#options.createStream === false || !/stream not found/i.test(error instanceof Error ? error.message : '')) throw error;
        await manager.streams.add({ name: this.stream, subjects: [`${this.#prefix}.>`], max_age: (this.#options.maxAgeSeconds ?? 7 * 86400) * 1e9 });
      }
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.#connection = connection;
    this.#js = connection.jetstream({ timeout });
    return this.#js;
  }

  async send(events: readonly SekishoEvent[]): Promise<void> {
    const js = await this.#client();
    const { headers: natsHeaders } = await import('nats');
    try {
      const acks = events.map((event) => {
        const h = natsHeaders();
        h.set('Sekisho-Schema', event.schema);
        return js.publish(`${this.#prefix}.${event.kind}`, new TextEncoder().encode(JSON.stringify(event)), { msgID: event.id, headers: h });
      });
      await withTimeout(Promise.all(acks), this.#options.timeoutMs ?? 10_000, `NATS ${this.stream} publish acks`);
    } catch (error) {
      await this.#drop();
      throw error;
    }
  }

  async #drop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    this.#js = null;
    if (connection !== null && !connection.isClosed()) await connection.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    if (connection !== null && !connection.isClosed()) await withTimeout(connection.drain(), 5000, 'NATS drain').catch(() => undefined);
    await this.#drop();
  }
}
