import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** The service writing the log (`server`, `worker`, `admission`…). */
  readonly name: string;
  readonly level?: LoggerOptions['level'];
  /** Where the JSON lines go; default standard error (standard output stays free for command output). */
  readonly destination?: DestinationStream;
}

/**
 * Field names whose values never reach a service log, wherever they appear (one level deep and
 * in request/response headers). Secrets inside free text are the caller's to redact with core's
 * redactor before logging; this list catches the structured ones.
 */
const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'sharedKey',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.sharedKey',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Service logs: one JSON object per line (pino), with `time` in ISO 8601, `level` as a label and
 * the service `name`. They say what the service did (requests, retries, failures); they are not
 * events, which go through the event bus to the outputs.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings: LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return pino(settings, options.destination ?? pino.destination({ fd: 2, sync: true }));
}

/** A child logger whose every line carries `reqId` (the one given, e.g. from an `X-Request-Id` header, or a fresh UUID). */
export function withRequestId(logger: Logger, requestId?: string): Logger & { readonly requestId: string } {
  const id = requestId !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(requestId) ? requestId : randomUUID();
  return Object.assign(logger.child({ reqId: id }), { requestId: id });
}

/** A logger that writes nothing (tests, library use without a service log). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
