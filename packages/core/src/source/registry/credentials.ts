import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SekishoError } from '../../errors.js';
import { runCredentialHelper } from './credential-helper.js';
import type { RegistryOptions } from './options.js';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY } from './reference.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

/** What to present to a registry: a user and password (basic, or exchanged for a token) or an identity (refresh) token. */
export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string; readonly from: string }
  | { readonly kind: 'identity-token'; readonly token: string; readonly username: string; readonly from: string };

const MAX_CONFIG_BYTES = 1024 * 1024;

/** The parts of Docker's config.json that hold credentials (docker/cli cli/config/configfile). */
const DockerConfig = z.looseObject({
  auths: z
    .record(
      z.string(),
      z.looseObject({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        identitytoken: z.string().optional(),
      }),
    )
    .optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
type DockerConfig = z.infer<typeof DockerConfig>;

export function dockerConfigPath(options: RegistryOptions): string | null {
  if (options.dockerConfig === null) return null;
  if (options.dockerConfig !== undefined) return options.dockerConfig;
  const env = options.env ?? process.env;
  return join(env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json');
}

/** `https://host/v1/`, `http://host`, `host/` → `host`; Docker Hub's aliases → `docker.io`. */
export function normalizeAuthKey(key: string): string {
  let host = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io') return DOCKER_HUB;
  return host;
}

async function loadDockerConfig(path: string): Promise<DockerConfig | null> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    if (info.size > MAX_CONFIG_BYTES) throw new SekishoError('REGISTRY_AUTH', `${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    return null; // no config: anonymous
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SekishoError('REGISTRY_AUTH', `${path} is not valid JSON`, { cause: error, where: { file: path } });
  }
  const parsed = DockerConfig.safeParse(json, PARSE_ONCE);
  if (!parsed.success) throw new SekishoError('REGISTRY_AUTH', `${path} is not a valid Docker config file`, { where: { file: path } });
  return parsed.data;
}

/**
 * Credentials for `registry` (as named in the reference: `docker.io`, `host:port`), in Docker's
 * order of precedence after explicit options: `--username/--password`, then
 * `SEKISHO_REGISTRY_USERNAME`/`SEKISHO_REGISTRY_PASSWORD`, then config.json: `credHelpers[host]`,
 * `auths[host]` (base64 `auth`, `identitytoken`), `credsStore`. Null: anonymous.
 */
export async function findCredentials(registry: string, options: RegistryOptions): Promise<Credentials | null> {
  if (options.identityToken !== undefined) return { kind: 'identity-token', token: options.identityToken, username: options.username ?? '', from: 'options' };
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.password === undefined) throw new SekishoError('USAGE_INVALID', 'a registry username needs a password and the other way round');
    return { kind: 'basic', username: options.username, password: options.password, from: 'options' };
  }
  const env = options.env ?? process.env;
  const envUser = env['SEKISHO_REGISTRY_USERNAME'];
  const envPassword = env['SEKISHO_REGISTRY_PASSWORD'];
  if (envUser !== undefined && envUser !== '' && envPassword !== undefined) {
    return { kind: 'basic', username: envUser, password: envPassword, from: 'SEKISHO_REGISTRY_USERNAME/PASSWORD' };
  }
  const path = dockerConfigPath(options);
  if (path === null) return null;
  const config = await loadDockerConfig(path);
  if (config === null) return null;
  const host = normalizeAuthKey(registry);
  const serverUrl = host === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : host;
  const helperFor = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeAuthKey(key) === host)?.[1];
  if (helperFor !== undefined) return fromHelper(helperFor, serverUrl, env);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => normalizeAuthKey(key) === host)?.[1];
  if (entry !== undefined) {
    if (entry.identitytoken !== undefined && entry.identitytoken !== '') {
      return { kind: 'identity-token', token: entry.identitytoken, username: decodeAuth(entry.auth, path)?.username ?? entry.username ?? '', from: path };
    }
    const decoded = decodeAuth(entry.auth, path);
    if (decoded !== null) return { kind: 'basic', ...decoded, from: path };
    if (entry.username !== undefined && entry.password !== undefined) return { kind: 'basic', username: entry.username, password: entry.password, from: path };
  }
  if (config.credsStore !== undefined && config.credsStore !== '') return fromHelper(config.credsStore, serverUrl, env);
  return null;
}

function decodeAuth(auth: string | undefined, path: string): { username: string; password: string } | null {
  if (auth === undefined || auth === '') return null;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SekishoError('REGISTRY_AUTH', `an "auth" entry in ${path} is not base64 of user:password`, { where: { file: path } });
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

async function fromHelper(helper: string, serverUrl: string, env: Readonly<Record<string, string | undefined>>): Promise<Credentials | null> {
  const found = await runCredentialHelper(helper, serverUrl, env);
  if (found === null) return null;
  // Helpers return `<token>` as the user name for identity tokens (docker/cli credentials/native_store.go).
  if (found.username === '<token>') return { kind: 'identity-token', token: found.secret, username: '', from: `docker-credential-${helper}` };
  return { kind: 'basic', username: found.username, password: found.secret, from: `docker-credential-${helper}` };
}
