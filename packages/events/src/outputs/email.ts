import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { SekishoEvent } from '@sekisho/model';
import { severityRank } from '@sekisho/model';
import type { Output } from '../output.js';
import { PermanentDeliveryError } from '../output.js';
import { eventTitle } from './webhook-layouts.js';

export interface EmailOutputOptions {
  readonly name: string;
  readonly host: string;
  /** Default 587 (25 without STARTTLS, 465 with `secure`). */
  readonly port?: number;
  /** Implicit TLS from the first byte (port 465). */
  readonly secure?: boolean;
  /** Refuse to send unless the server offers STARTTLS (default true unless `secure`). */
  readonly requireTls?: boolean;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
  /** Subject prefix; default `[Sekisho]`. */
  readonly subjectPrefix?: string;
  readonly tls?: { readonly ca?: string; readonly serverName?: string };
  readonly timeoutMs?: number;
  /** Events per email; default 20. */
  readonly maxBatch?: number;
}

/** SMTP codes that refuse the message itself (mailbox unavailable, size, policy): retrying cannot help. */
const PERMANENT_SMTP = new Set([550, 551, 552, 553, 554]);

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

function describeEvent(event: SekishoEvent): string {
  const lines = [
    eventTitle(event),
    `  subject:   ${event.subject.type} ${event.subject.id}${event.subject.environment === undefined ? '' : ` (${event.subject.environment})`}`,
    `  time:      ${event.time}`,
    `  source:    ${event.source.component} (${event.source.instance})`,
  ];
  if (event.principal !== null) lines.push(`  principal: ${event.principal}`);
  if (event.sourceIp !== null) lines.push(`  source IP: ${event.sourceIp}`);
  lines.push(`  event id:  ${event.id}`);
  for (const reason of event.reasons.slice(0, 20)) lines.push(`  - ${oneLine(reason)}`);
  for (const link of event.links.slice(0, 10)) lines.push(`  ${link.rel}: ${link.href}`);
  return lines.join('\n');
}

/**
 * One email per batch (up to `maxBatch` events) over SMTP with nodemailer: a plain-text summary
 * of every event and the events as a JSON attachment. Delivered means the server answered 250
 * to the message.
 */
export class EmailOutput implements Output {
  readonly name: string;
  readonly maxBatch: number;
  readonly #options: EmailOutputOptions;
  readonly #settings: SMTPTransport.Options;
  #transport: Transporter | null = null;

  constructor(options: EmailOutputOptions) {
    if (options.to.length === 0) throw new Error(`email ${options.name}: no recipients`);
    this.name = options.name;
    this.maxBatch = options.maxBatch ?? 20;
    this.#options = options;
    const timeout = options.timeoutMs ?? 30_000;
    const secure = options.secure ?? false;
    this.#settings = {
      host: options.host,
      port: options.port ?? (secure ? 465 : 587),
      secure,
      requireTLS: options.requireTls ?? !secure,
      ignoreTLS: options.requireTls === false,
      ...(options.user === undefined ? {} : { auth: { user: options.user, pass: options.password ?? '' } }),
      tls: { minVersion: 'TLSv1.2', ...(options.tls?.ca === undefined ? {} : { ca: options.tls.ca }), ...(options.tls?.serverName === undefined ? {} : { servername: options.tls.serverName }) },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    };
  }

  /** The transport, created on first use: a process without an email output never loads nodemailer. */
  async #smtp(): Promise<Transporter> {
    if (this.#transport === null) {
      const { createTransport } = await import('nodemailer');
      this.#transport = createTransport(this.#settings);
    }
    return this.#transport;
  }

  async send(events: readonly SekishoEvent[]): Promise<void> {
    const worst = [...events].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0];
    if (worst === undefined) return;
    const prefix = this.#options.subjectPrefix ?? '[Sekisho]';
    const subject = oneLine(events.length === 1 ? `${prefix} ${eventTitle(worst)}` : `${prefix} ${events.length} events, highest ${worst.severity}: ${eventTitle(worst)}`).slice(0, 250);
    try {
      const transport = await this.#smtp();
      await transport.sendMail({
        from: this.#options.from,
        to: [...this.#options.to],
        subject,
        text: `${events.map(describeEvent).join('\n\n')}\n`,
        headers: { 'X-Sekisho-Event-Ids': events.map((e) => e.id).join(' ') },
        attachments: [{ filename: 'events.json', contentType: 'application/json', content: JSON.stringify(events, null, 2) }],
      });
    } catch (error) {
      const code = (error as { responseCode?: unknown }).responseCode;
      const message = `email ${this.name}: ${error instanceof Error ? error.message : String(error)}`;
      if (typeof code === 'number' && PERMANENT_SMTP.has(code)) throw new PermanentDeliveryError(message);
      throw new Error(message, { cause: error });
    }
  }

  close(): Promise<void> {
    this.#transport?.close();
    this.#transport = null;
    return Promise.resolve();
  }
}
