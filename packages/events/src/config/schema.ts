import { z } from 'zod';
import { SEVERITIES } from '@sekisho/model';

/**
 * The `outputs:` section of sekisho.yaml (docs/events.md): a map from an output name to its
 * settings. Secrets (keys, passwords, tokens, webhook URLs that embed a token) are never written
 * inline: they are `{ env: NAME }` or `{ file: /path }` references, resolved when the outputs are
 * built and never printed.
 */
export const EVENT_KINDS = ['finding', 'policy-decision', 'admission', 'runtime', 'host', 'rasp', 'function', 'audit', 'incident', 'test'] as const;

const MAX_OUTPUTS = 64;

export const secretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name') }).strict(),
  z.object({ file: z.string().min(1).max(4096) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRef>;

/** A size: bytes, or a number with KiB/MiB/GiB (or KB/MB/GB) after it. */
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
const size = z.union([z.number().int().positive(), z.string().max(32)]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = UNITS[(match?.[2] ?? 'x').toLowerCase()];
  if (match === null || unit === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a size such as 67108864, "64MiB" or "500MB"' });
    return z.NEVER;
  }
  return Math.floor(Number(match[1]) * unit);
});

const port = z.number().int().min(1).max(65535);
const host = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'a host name or IP address');

const filter = z
  .object({
    kinds: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length).optional(),
    minSeverity: z.enum(SEVERITIES).optional(),
    environments: z.array(z.string().min(1).max(63)).min(1).max(100).optional(),
  })
  .strict();

const rateLimit = z.object({ perSecond: z.number().positive().max(1e6), burst: z.number().int().min(1).max(1e6) }).strict();

const spool = z
  .object({
    maxBytes: size.refine((n) => n >= 64 * 1024 && n <= 1024 ** 4, 'between 64KiB and 1TiB').optional(),
    fsync: z.enum(['always', 'interval', 'never']).optional(),
  })
  .strict();

const common = {
  filter: filter.optional(),
  rateLimit: rateLimit.optional(),
  spool: spool.optional(),
  /** `false` keeps the settings but sends nothing. */
  enabled: z.boolean().optional(),
};

const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

const tlsClient = z
  .object({
    ca: secretRef.optional(),
    cert: secretRef.optional(),
    key: secretRef.optional(),
    serverName: z.string().min(1).max(255).optional(),
  })
  .strict();

const syslog = z
  .object({
    type: z.literal('syslog'),
    transport: z.enum(['udp', 'tcp', 'tls']),
    host,
    port: port.optional(),
    facility: z.union([z.enum(FACILITIES), z.number().int().min(0).max(23)]).optional(),
    hostname: z.string().min(1).max(255).optional(),
    appName: z.string().min(1).max(48).optional(),
    sdId: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[^\s="\]]+$/, 'an SD-ID: no spaces, "=", "]" or quotes')
      .optional(),
    message: z.enum(['json', 'text']).optional(),
    maxMessageBytes: z.number().int().min(480).max(65_507).optional(),
    tls: tlsClient
      .extend({
        fingerprint: z
          .string()
          .regex(/^(sha-1|sha-256):[0-9A-Fa-f:]+$/, 'sha-256:AB:CD:… or sha-1:…')
          .optional(),
      })
      .strict()
      .optional(),
    ...common,
  })
  .strict();

const forward = z
  .object({
    type: z.literal('forward'),
    host,
    port: port.optional(),
    mode: z.enum(['forward', 'packed-forward', 'compressed-packed-forward']).optional(),
    ack: z.boolean().optional(),
    ackTimeoutMs: z.number().int().min(100).max(600_000).optional(),
    tagPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated words')
      .max(128)
      .optional(),
    sharedKey: secretRef.optional(),
    selfHostname: z.string().min(1).max(255).optional(),
    username: z.string().min(1).max(255).optional(),
    password: secretRef.optional(),
    tls: tlsClient.optional(),
    ...common,
  })
  .strict()
  .refine((o) => o.username === undefined || o.password !== undefined, 'username needs password')
  .refine((o) => o.username === undefined || o.sharedKey !== undefined, 'user authentication happens in the shared-key handshake: set sharedKey');

const nats = z
  .object({
    type: z.literal('nats'),
    servers: z
      .array(z.string().regex(/^(nats|tls):\/\/[^\s/]+$/, 'nats://host:port or tls://host:port'))
      .min(1)
      .max(16),
    subjectPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens')
      .max(200)
      .optional(),
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-"')
      .optional(),
    createStream: z.boolean().optional(),
    maxAgeSeconds: z.number().int().positive().optional(),
    user: z.string().min(1).max(255).optional(),
    password: secretRef.optional(),
    token: secretRef.optional(),
    tls: tlsClient.omit({ serverName: true }).optional(),
    ...common,
  })
  .strict();

const webhook = z
  .object({
    type: z.literal('webhook'),
    /** A plain URL, or a reference when the URL itself is the secret (Slack, Teams). */
    url: z.union([z.url({ protocol: /^https?$/ }).max(4096), secretRef]),
    layout: z.enum(['json', 'slack', 'teams', 'teams-messagecard']).optional(),
    secret: secretRef.optional(),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
        z
          .string()
          .max(1024)
          .regex(/^[^\r\n]*$/),
      )
      .optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    attempts: z.number().int().min(1).max(20).optional(),
    linkBase: z.url({ protocol: /^https?$/ }).optional(),
    ...common,
  })
  .strict();

const sekisho = z
  .object({
    type: z.literal('sekisho'),
    /** The server's base URL; events go to URL/api/v1/events. */
    url: z.url({ protocol: /^https?$/ }).max(4096),
    /** An API token with the scanner role. */
    token: secretRef,
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    attempts: z.number().int().min(1).max(20).optional(),
    ...common,
  })
  .strict();

const email = z
  .object({
    type: z.literal('email'),
    host,
    port: port.optional(),
    secure: z.boolean().optional(),
    requireTls: z.boolean().optional(),
    user: z.string().min(1).max(255).optional(),
    password: secretRef.optional(),
    from: z.string().min(3).max(320),
    to: z.array(z.string().min(3).max(320)).min(1).max(100),
    subjectPrefix: z.string().max(100).optional(),
    tls: tlsClient.omit({ cert: true, key: true }).optional(),
    timeoutMs: z.number().int().min(1000).max(300_000).optional(),
    ...common,
  })
  .strict();

export const outputSchema = z.discriminatedUnion('type', [syslog, forward, nats, webhook, sekisho, email]);
export type OutputConfig = z.infer<typeof outputSchema>;

export const outputName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'output names are letters, digits, ".", "_" and "-" (at most 63), starting with a letter or digit');

export const outputsSchema = z.record(outputName, outputSchema).refine((o) => Object.keys(o).length <= MAX_OUTPUTS, `at most ${MAX_OUTPUTS} outputs`);
export type OutputsConfig = z.infer<typeof outputsSchema>;

export const SYSLOG_FACILITIES = FACILITIES;
