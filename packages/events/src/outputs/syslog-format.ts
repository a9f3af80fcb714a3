/**
 * RFC 5424 messages for Sekisho events (hand-written: the npm syslog packages either format the
 * BSD RFC 3164 header, do not escape structured data, or do not count octets after UTF-8
 * encoding; the format is a few lines).
 *
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [sekisho@32473 id="…" kind="…" …] BOM{event JSON}`
 */
import { hostname } from 'node:os';
import type { SekishoEvent, Severity } from '@sekisho/model';

export type SyslogMessageFormat = 'json' | 'text';

export interface SyslogFormatOptions {
  /** 0–23; default 16 (local0). */
  readonly facility?: number;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  /** SD-ID of the structured-data element; default `sekisho@32473` (32473 is the example enterprise number of RFC 5612: set your own). */
  readonly sdId?: string;
  /** MSG: the whole event as JSON (default) or one line of text. */
  readonly message?: SyslogMessageFormat;
  /** The whole message is cut to this many octets (MSG first); default 8192 (RFC 5425's SHOULD). */
  readonly maxBytes?: number;
}

/** Syslog severity (RFC 5424 §6.2.1) for an event. */
export function syslogSeverity(severity: Severity): number {
  switch (severity) {
    case 'critical':
      return 2; // Critical
    case 'high':
      return 3; // Error
    case 'medium':
      return 4; // Warning
    case 'low':
      return 5; // Notice
    case 'negligible':
    case 'unknown':
      return 6; // Informational
  }
}

const NILVALUE = '-';

/** PRINTUSASCII (33–126) only, cut to `max`; empty becomes NILVALUE. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? NILVALUE : clean;
}

/** SD-NAME: PRINTUSASCII except `=`, SP, `]`, `"`; 1–32 characters. */
function sdName(value: string): string {
  const clean = value.replace(/[^\x21-\x7e]|[=\]"]/g, '').slice(0, 32);
  if (clean === '') throw new Error(`not a valid SD-NAME: ${JSON.stringify(value)}`);
  return clean;
}

/** PARAM-VALUE: UTF-8 with `"`, `\` and `]` escaped (RFC 5424 §6.3.3); control characters dropped. */
function paramValue(value: string): string {
  return controlsToSpaces(value).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The value with each ASCII control character (U+0000-U+001F, U+007F) replaced by a space. */
function controlsToSpaces(value: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      out += `${value.slice(from, i)} `;
      from = i + 1;
    }
  }
  return from === 0 ? value : out + value.slice(from);
}

/** The RFC 3339 timestamp with at most 6 fractional digits, as RFC 5424 allows; the event's own time. */
function timestamp(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? NILVALUE : date.toISOString();
}

function textLine(event: SekishoEvent): string {
  const reasons = event.reasons.length > 0 ? `: ${event.reasons.join('; ')}` : '';
  return `${event.kind} ${event.severity} ${event.result} ${event.action} on ${event.subject.type} ${event.subject.id}${reasons}`.replace(/[\r\n]+/g, ' ');
}

/** Cuts a UTF-8 buffer to at most `max` bytes without splitting a character. */
function cutUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function createSyslogFormatter(options: SyslogFormatOptions = {}): (event: SekishoEvent) => Buffer {
  const facility = options.facility ?? 16;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new RangeError('syslog facility must be 0–23');
  const host = headerField(options.hostname ?? hostname(), 255);
  const app = headerField(options.appName ?? 'sekisho', 48);
  const proc = headerField(options.procId ?? String(process.pid), 128);
  const sdId = sdName(options.sdId ?? 'sekisho@32473');
  const format = options.message ?? 'json';
  const maxBytes = options.maxBytes ?? 8192;
  return (event) => {
    const pri = facility * 8 + syslogSeverity(event.severity);
    const params: [string, string][] = [
      ['id', event.id],
      ['kind', event.kind],
      ['severity', event.severity],
      ['result', event.result],
      ['component', event.source.component],
      ['subject', event.subject.id],
      ['action', event.action],
    ];
    if (event.subject.environment !== undefined) params.push(['environment', event.subject.environment]);
    if (event.principal !== null) params.push(['principal', event.principal]);
    if (event.sourceIp !== null) params.push(['sourceIp', event.sourceIp]);
    const sd = `[${sdId}${params.map(([k, v]) => ` ${k}="${paramValue(v.slice(0, 1024))}"`).join('')}]`;
    const header = `<${pri}>1 ${timestamp(event.time)} ${host} ${app} ${proc} ${headerField(event.kind, 32)} ${sd} `;
    const head = Buffer.from(header, 'utf8');
    const body = Buffer.from(format === 'json' ? JSON.stringify(event) : textLine(event), 'utf8');
    const room = Math.max(0, maxBytes - head.length - BOM.length);
    return Buffer.concat([head, BOM, cutUtf8(body, room)]);
  };
}

/** RFC 6587 §3.4.1 octet counting (also RFC 5425's framing): `MSG-LEN SP SYSLOG-MSG`. */
export function octetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
