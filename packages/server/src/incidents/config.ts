/**
 * The `incidents.responses` settings (from sekisho.yaml or any parsed JSON/YAML) checked and turned
 * into `IncidentResponses`: the Kubernetes API server, its token and CA read from files (the
 * service account's, in a pod), and the policies. Anything unexpected is refused, naming the field.
 */
import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SekishoError } from '@sekisho/core';
import { SEVERITIES } from '@sekisho/model';
import type { EventKind } from '@sekisho/model';
import type { IncidentResponses } from './respond.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const MAX_POLICIES = 50;
const MAX_SECRET_FILE_BYTES = 1024 * 1024;

const OneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const KINDS: readonly EventKind[] = ['finding', 'policy-decision', 'admission', 'runtime', 'host', 'rasp', 'function', 'audit', 'incident', 'test'];

const Settings = Type.Object(
  {
    kubernetes: Type.Optional(
      Type.Object(
        {
          server: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
          tokenFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
          caFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    policies: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
          action: OneOf(['label', 'scale-to-zero'] as const),
          dryRun: Type.Optional(Type.Boolean()),
          minSeverity: Type.Optional(OneOf(SEVERITIES)),
          kinds: Type.Optional(Type.Array(OneOf(KINDS), { minItems: 1, maxItems: KINDS.length })),
          namespaces: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { minItems: 1, maxItems: 1000 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_POLICIES },
    ),
  },
  { additionalProperties: false },
);
const check = TypeCompiler.Compile(Settings);
export type IncidentResponseSettings = Static<typeof Settings>;

export interface LoadOptions {
  /** Where a relative file name is read from, and the environment for the in-cluster defaults. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly read?: (path: string) => Promise<Buffer>;
}

/**
 * Checks `value` and reads the token (and CA) it names. In a pod the defaults are the service
 * account's token and CA and `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`.
 * Policies default to a dry run: acting for real must be asked for (`dryRun: false`).
 */
export async function loadIncidentResponses(value: unknown, options: LoadOptions = {}): Promise<IncidentResponses> {
  const error = check.Errors(value).First();
  if (error !== undefined) {
    const field = ['incidents.responses', ...error.path.split('/').filter((p) => p !== '')].join('.');
    throw new SekishoError('CONFIG_INVALID', `${field}: ${error.message}`);
  }
  const settings = value as IncidentResponseSettings;
  const names = settings.policies.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new SekishoError('CONFIG_INVALID', `incidents.responses.policies: the name ${twice} is used twice (a name says which policy already acted)`);
  const env = options.env ?? process.env;
  const read = options.read ?? ((path: string) => readFile(path));
  const host = env['KUBERNETES_SERVICE_HOST'];
  const server = settings.kubernetes?.server ?? (host === undefined ? undefined : `https://${host.includes(':') ? `[${host}]` : host}:${env['KUBERNETES_SERVICE_PORT'] ?? '443'}`);
  if (server === undefined) throw new SekishoError('CONFIG_INVALID', 'incidents.responses.kubernetes.server: not set, and not running in a pod ($KUBERNETES_SERVICE_HOST is unset)');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new SekishoError('CONFIG_INVALID', `incidents.responses.kubernetes.server: not a URL: ${server.slice(0, 200)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SekishoError('CONFIG_INVALID', 'incidents.responses.kubernetes.server: must be https:// (or http:// for a local proxy)');
  const tokenFile = settings.kubernetes?.tokenFile ?? `${SERVICE_ACCOUNT_DIR}/token`;
  const token = (await secretFile(read, tokenFile, 'tokenFile')).trim();
  if (token === '' || /\s/.test(token)) throw new SekishoError('CONFIG_INVALID', `incidents.responses.kubernetes.tokenFile: ${tokenFile} does not hold one token`);
  const caFile = settings.kubernetes?.caFile ?? (settings.kubernetes?.server === undefined ? `${SERVICE_ACCOUNT_DIR}/ca.crt` : undefined);
  const ca = caFile === undefined || url.protocol === 'http:' ? undefined : await secretFile(read, caFile, 'caFile');
  return {
    kubernetes: { server: url.toString(), token, ...(ca === undefined ? {} : { ca }), ...(settings.kubernetes?.timeoutMs === undefined ? {} : { timeoutMs: settings.kubernetes.timeoutMs }) },
    policies: settings.policies.map((p) => ({ ...p, dryRun: p.dryRun ?? true })),
  };
}

async function secretFile(read: (path: string) => Promise<Buffer>, path: string, field: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await read(path);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `incidents.responses.kubernetes.${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (bytes.length > MAX_SECRET_FILE_BYTES) throw new SekishoError('CONFIG_INVALID', `incidents.responses.kubernetes.${field}: ${path} is larger than 1 MiB`);
  return bytes.toString('utf8');
}
