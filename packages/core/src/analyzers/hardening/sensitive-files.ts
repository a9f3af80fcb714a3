import type { EntryHeader } from '../../layers/entry.js';
import type { AnalyzerOutput, LayerAnalyzer, PathFact } from '../../layers/layer-analyzer.js';
import { NO_OUTPUT } from '../../layers/layer-analyzer.js';
import { summarizeShadow, uidZeroNames } from './accounts.js';
import { encodeFact, SENSITIVE_FILES_ANALYZER_ID } from './facts.js';
import type { CacheManager, CloudProvider, SensitiveFact } from './facts.js';

/** Bodies read: account databases and registry auth files, both small; longer ones are read up to this. */
const MAX_BODY = 1024 * 1024;

const SUDO_PATHS = new Set(['/usr/bin/sudo', '/bin/sudo', '/usr/sbin/sudo', '/sbin/sudo', '/usr/local/bin/sudo']);

/** What a selected path is; `body` says whether its content is needed. */
type Target =
  | { readonly kind: 'shadow' | 'gshadow' | 'passwd' | 'registry-auth'; readonly body: true }
  | { readonly kind: 'ssh-host-key' | 'authorized-keys' | 'git-repo' | 'sudo'; readonly body: false }
  | { readonly kind: 'cloud-credentials'; readonly provider: CloudProvider; readonly body: false }
  | { readonly kind: 'cache'; readonly manager: CacheManager; readonly body: false };

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Cheap classification by path alone; it runs for every entry of every layer. */
export function classifyPath(path: string): Target | null {
  switch (path) {
    case '/etc/shadow':
      return { kind: 'shadow', body: true };
    case '/etc/gshadow':
      return { kind: 'gshadow', body: true };
    case '/etc/passwd':
      return { kind: 'passwd', body: true };
    default:
      break;
  }
  if (SUDO_PATHS.has(path)) return { kind: 'sudo', body: false };
  const base = baseName(path);
  if (path.startsWith('/etc/ssh/ssh_host_') && path.endsWith('_key') && !path.includes('/', 9)) return { kind: 'ssh-host-key', body: false };
  if (base === 'authorized_keys' || base === 'authorized_keys2') return { kind: 'authorized-keys', body: false };
  if (path.endsWith('/.git/HEAD')) return { kind: 'git-repo', body: false };
  if (path.endsWith('/.aws/credentials')) return { kind: 'cloud-credentials', provider: 'aws', body: false };
  if (path.endsWith('/.kube/config')) return { kind: 'cloud-credentials', provider: 'kube', body: false };
  if (base === '.git-credentials') return { kind: 'cloud-credentials', provider: 'git', body: false };
  if (path.endsWith('/.docker/config.json') || path.endsWith('/.config/containers/auth.json')) return { kind: 'registry-auth', body: true };
  const gcloud = path.indexOf('/.config/gcloud/');
  if (gcloud !== -1 && (path.slice(gcloud + 16).includes('credentials') || base === 'access_tokens.db')) {
    return { kind: 'cloud-credentials', provider: 'gcloud', body: false };
  }
  // Azure CLI token stores (`az login`): msal_token_cache.*, service_principal_entries.*, accessTokens.json.
  if (path.includes('/.azure/') && /token|principal|credential/i.test(base)) return { kind: 'cloud-credentials', provider: 'azure', body: false };
  const manager = cacheManager(path);
  return manager === null ? null : { kind: 'cache', manager, body: false };
}

function cacheManager(path: string): CacheManager | null {
  if (path.startsWith('/var/lib/apt/lists/')) {
    const rest = path.slice('/var/lib/apt/lists/'.length);
    return rest === 'lock' || rest.startsWith('partial/') ? null : 'apt-lists';
  }
  if (path.startsWith('/var/cache/apt/')) {
    if (path.startsWith('/var/cache/apt/archives/') && path.endsWith('.deb')) return 'apt-archives';
    return path.endsWith('.bin') && !path.includes('/', 15) ? 'apt-pkgcache' : null;
  }
  if (path.startsWith('/var/cache/apk/')) return 'apk';
  if (path.startsWith('/var/cache/yum/')) return 'yum';
  if (path.startsWith('/var/cache/dnf/')) return 'dnf';
  if (path.includes('/.cache/pip/')) return 'pip';
  if (path.includes('/.npm/_cacache/')) return 'npm';
  return null;
}

/** True when a Docker/Podman auth file holds a credential (not only `credsStore`/`credHelpers`). */
export function registryAuthHasCredentials(text: string): boolean {
  try {
    const doc: unknown = JSON.parse(text);
    const auths = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['auths'] : undefined;
    if (typeof auths !== 'object' || auths === null) return false;
    return Object.values(auths).some((entry) => {
      if (typeof entry !== 'object' || entry === null) return false;
      const e = entry as Record<string, unknown>;
      return ['auth', 'identitytoken', 'registrytoken', 'password'].some((k) => typeof e[k] === 'string' && e[k] !== '');
    });
  } catch {
    // Truncated or not JSON: a credential-looking member still counts.
    return /"(?:auth|identitytoken|registrytoken|password)"\s*:\s*"[^"\s]/.test(text);
  }
}

function fact(path: string, value: SensitiveFact): AnalyzerOutput {
  const out: PathFact = { analyzer: SENSITIVE_FILES_ANALYZER_ID, path, value: encodeFact(value) };
  return { findings: [], facts: [out] };
}

/** An account database longer than the body limit: what was read still counts, the rest is an unknown. */
function withTruncation(out: AnalyzerOutput, entry: EntryHeader, truncated: boolean): AnalyzerOutput {
  if (!truncated) return out;
  return { ...out, unknowns: [{ path: entry.path, reason: `file of ${entry.size} bytes: only the first ${MAX_BODY} bytes were read; accounts after them were not checked` }] };
}

function analyzeEntry(entry: EntryHeader, body: Buffer | null, truncated: boolean): AnalyzerOutput {
  const target = classifyPath(entry.path);
  if (target === null) return NO_OUTPUT;
  switch (target.kind) {
    case 'shadow':
    case 'gshadow': {
      if (body === null) return NO_OUTPUT;
      const s = summarizeShadow(body.toString('utf8'), target.kind);
      if (s.hashedCount === 0 && s.emptyCount === 0) return withTruncation(NO_OUTPUT, entry, truncated);
      return withTruncation(fact(entry.path, { kind: 'shadow', hashed: s.hashed, empty: s.empty, hashedCount: s.hashedCount, emptyCount: s.emptyCount }), entry, truncated);
    }
    case 'passwd':
      return body === null ? NO_OUTPUT : withTruncation(fact(entry.path, { kind: 'passwd', uid0: uidZeroNames(body.toString('utf8')) }), entry, truncated);
    case 'registry-auth':
      if (body === null || !registryAuthHasCredentials(body.toString('utf8'))) return NO_OUTPUT;
      return fact(entry.path, { kind: 'cloud-credentials', provider: 'docker', bytes: entry.size });
    case 'sudo':
      return fact(entry.path, { kind: 'sudo', mode: entry.mode });
    case 'git-repo':
      return fact(entry.path, { kind: 'git-repo', root: entry.path.slice(0, -'/.git/HEAD'.length) || '/' });
    case 'ssh-host-key':
    case 'authorized-keys':
      // An empty file holds no key.
      return entry.size === 0 ? NO_OUTPUT : fact(entry.path, { kind: target.kind, bytes: entry.size });
    case 'cloud-credentials':
      return entry.size === 0 ? NO_OUTPUT : fact(entry.path, { kind: 'cloud-credentials', provider: target.provider, bytes: entry.size });
    case 'cache':
      return fact(entry.path, { kind: 'cache', manager: target.manager, bytes: entry.size });
  }
}

/**
 * Records facts (never findings) about files that should not ship in an image: password hashes,
 * SSH host keys, authorized_keys, git repositories, cloud and registry credentials, package
 * manager caches and sudo. Facts are per path, so the applier drops them when a later layer
 * deletes or replaces the file; `image/` (the merged-image checks) turns what survives into findings.
 */
export const sensitiveFilesAnalyzer: LayerAnalyzer = {
  id: SENSITIVE_FILES_ANALYZER_ID,
  version: 2,
  maxBodySize: MAX_BODY,
  selects: (entry) => entry.kind === 'file' && classifyPath(entry.path) !== null,
  wantsBody: (entry) => classifyPath(entry.path)?.body === true,
  analyze: (entry, body, truncated) => analyzeEntry(entry, body, truncated),
};
