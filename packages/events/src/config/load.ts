import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import { parseDocument } from 'yaml';
import type { BusOutput } from '../bus.js';
import type { Output } from '../output.js';
import { EmailOutput } from '../outputs/email.js';
import { ForwardOutput } from '../outputs/forward.js';
import { NatsOutput } from '../outputs/nats.js';
import { SyslogOutput } from '../outputs/syslog.js';
import { SekishoServerOutput } from '../outputs/sekisho-server.js';
import { WebhookOutput } from '../outputs/webhook.js';
import type { OutputConfig, OutputsConfig, SecretRef } from './schema.js';
import { outputName, outputsSchema, SYSLOG_FACILITIES } from './schema.js';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_SECRET_BYTES = 64 * 1024;

/** The configuration cannot be used; the message names the file and the setting, never a secret's value. */
export class EventsConfigError extends Error {
  override readonly name = 'EventsConfigError';
  readonly code = 'CONFIG_INVALID';
}

export interface EventsConfig {
  readonly outputs: OutputsConfig;
  /** Where the file was read from: relative `file:` references resolve against its folder. */
  readonly source: string;
}

/** Parses the `outputs:` section of sekisho.yaml (YAML or JSON); other sections are left to their own readers. No `outputs:`: none configured. */
export function parseEventsConfig(text: string, source: string): EventsConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new EventsConfigError(`${source}: larger than ${MAX_CONFIG_BYTES} bytes`);
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new EventsConfigError(`${source}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (root === null || root === undefined) return { outputs: {}, source };
  if (typeof root !== 'object' || Array.isArray(root)) throw new EventsConfigError(`${source}: the top level is not a map`);
  const section = (root as Record<string, unknown>)['outputs'];
  if (section === undefined || section === null) return { outputs: {}, source };
  if (typeof section === 'object' && !Array.isArray(section)) {
    for (const name of Object.keys(section)) {
      const checked = outputName.safeParse(name);
      if (!checked.success) throw new EventsConfigError(`${source}: outputs.${name}: ${checked.error.issues[0]?.message ?? 'not a valid output name'}`);
    }
  }
  const parsed = outputsSchema.safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['outputs', ...(issue?.path ?? []).map(String)].join('.');
    throw new EventsConfigError(`${source}: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return { outputs: parsed.data, source };
}

export function loadEventsConfig(file: string): EventsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EventsConfigError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseEventsConfig(text, file);
}

export interface SecretSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder relative `file:` references resolve against (the config file's). */
  readonly baseDir: string;
}

/** The value of a secret reference. Errors say which reference failed, never what it holds. */
export function resolveSecret(ref: SecretRef, where: string, sources: SecretSources): string {
  if ('env' in ref) {
    const value = sources.env[ref.env];
    if (value === undefined || value === '') throw new EventsConfigError(`${where}: environment variable ${ref.env} is not set`);
    return value;
  }
  const path = isAbsolute(ref.file) ? ref.file : resolve(sources.baseDir, ref.file);
  let info;
  try {
    info = statSync(path);
  } catch {
    throw new EventsConfigError(`${where}: cannot read secret file ${path}`);
  }
  if (!info.isFile()) throw new EventsConfigError(`${where}: secret file ${path} is not a regular file`);
  if (info.size > MAX_SECRET_BYTES) throw new EventsConfigError(`${where}: secret file ${path} is larger than ${MAX_SECRET_BYTES} bytes`);
  const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (value === '') throw new EventsConfigError(`${where}: secret file ${path} is empty`);
  return value;
}

function facilityNumber(value: (typeof SYSLOG_FACILITIES)[number] | number | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  return SYSLOG_FACILITIES.indexOf(value);
}

/** Builds one output from its validated settings, resolving its secrets. */
export function createOutput(name: string, config: OutputConfig, sources: SecretSources): Output {
  const secret = (ref: SecretRef | undefined, field: string): string | undefined => (ref === undefined ? undefined : resolveSecret(ref, `outputs.${name}.${field}`, sources));
  const tls = (t: { ca?: SecretRef; cert?: SecretRef; key?: SecretRef } | undefined) =>
    t === undefined
      ? undefined
      : {
          ...(t.ca === undefined ? {} : { ca: secret(t.ca, 'tls.ca') as string }),
          ...(t.cert === undefined ? {} : { cert: secret(t.cert, 'tls.cert') as string }),
          ...(t.key === undefined ? {} : { key: secret(t.key, 'tls.key') as string }),
        };
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  try {
    switch (config.type) {
      case 'syslog':
        return new SyslogOutput({
          name,
          transport: config.transport,
          host: config.host,
          ...optional('port', config.port),
          ...optional('facility', facilityNumber(config.facility)),
          ...optional('hostname', config.hostname),
          ...optional('appName', config.appName),
          ...optional('sdId', config.sdId),
          ...optional('message', config.message),
          ...optional('maxBytes', config.maxMessageBytes),
          ...optional('tls', config.tls === undefined ? undefined : { ...tls(config.tls), ...optional('fingerprint', config.tls.fingerprint), ...optional('serverName', config.tls.serverName) }),
        });
      case 'forward':
        return new ForwardOutput({
          name,
          host: config.host,
          ...optional('port', config.port),
          ...optional('mode', config.mode),
          ...optional('requireAck', config.ack),
          ...optional('ackTimeoutMs', config.ackTimeoutMs),
          ...optional('tagPrefix', config.tagPrefix),
          ...optional('sharedKey', secret(config.sharedKey, 'sharedKey')),
          ...optional('selfHostname', config.selfHostname),
          ...optional('username', config.username),
          ...optional('password', secret(config.password, 'password')),
          ...optional('tls', config.tls === undefined ? undefined : { ...tls(config.tls), ...optional('serverName', config.tls.serverName) }),
        });
      case 'nats':
        return new NatsOutput({
          name,
          servers: config.servers,
          ...optional('subjectPrefix', config.subjectPrefix),
          ...optional('stream', config.stream),
          ...optional('createStream', config.createStream),
          ...optional('maxAgeSeconds', config.maxAgeSeconds),
          ...optional('user', config.user),
          ...optional('password', secret(config.password, 'password')),
          ...optional('token', secret(config.token, 'token')),
          ...optional('tls', tls(config.tls)),
        });
      case 'webhook':
        return new WebhookOutput({
          name,
          url: typeof config.url === 'string' ? config.url : (secret(config.url, 'url') as string),
          ...optional('layout', config.layout),
          ...optional('secret', secret(config.secret, 'secret')),
          ...optional('headers', config.headers),
          ...optional('timeoutMs', config.timeoutMs),
          ...optional('attempts', config.attempts),
          ...optional('linkBase', config.linkBase),
        });
      case 'sekisho':
        return new SekishoServerOutput({
          name,
          url: config.url,
          token: secret(config.token, 'token') as string,
          ...optional('timeoutMs', config.timeoutMs),
          ...optional('attempts', config.attempts),
        });
      case 'email':
        return new EmailOutput({
          name,
          host: config.host,
          from: config.from,
          to: config.to,
          ...optional('port', config.port),
          ...optional('secure', config.secure),
          ...optional('requireTls', config.requireTls),
          ...optional('user', config.user),
          ...optional('password', secret(config.password, 'password')),
          ...optional('subjectPrefix', config.subjectPrefix),
          ...optional('timeoutMs', config.timeoutMs),
          ...optional('tls', config.tls === undefined ? undefined : { ...optional('ca', secret(config.tls.ca, 'tls.ca')), ...optional('serverName', config.tls.serverName) }),
        });
    }
  } catch (error) {
    if (error instanceof EventsConfigError) throw error;
    // Output constructors check what the schema cannot (URL forms, headers); their messages hold no secret values.
    throw new EventsConfigError(`outputs.${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface CreateOutputsOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Only these outputs (by name); an unknown name is an error. */
  readonly only?: readonly string[];
}

/** The bus outputs of a configuration: enabled outputs only, each with its filter, rate limit and spool settings. */
export function createBusOutputs(config: EventsConfig, options: CreateOutputsOptions = {}): BusOutput[] {
  const sources: SecretSources = { env: options.env ?? process.env, baseDir: dirname(resolve(config.source)) };
  for (const name of options.only ?? []) {
    if (config.outputs[name] === undefined) {
      const known = Object.keys(config.outputs);
      throw new EventsConfigError(`${config.source}: no output named ${JSON.stringify(name)} (configured: ${known.length === 0 ? 'none' : known.join(', ')})`);
    }
  }
  const chosen = Object.entries(config.outputs).filter(([name, c]) => (options.only === undefined ? c.enabled !== false : options.only.includes(name)));
  return chosen.map(([name, c]) => ({
    output: createOutput(name, c, sources),
    ...(c.filter === undefined ? {} : { filter: c.filter }),
    ...(c.rateLimit === undefined ? {} : { rateLimit: c.rateLimit }),
    ...(c.spool === undefined ? {} : { spool: { maxBytes: c.spool.maxBytes ?? 64 * 1024 * 1024, ...(c.spool.fsync === undefined ? {} : { fsync: c.spool.fsync }) } }),
  }));
}
