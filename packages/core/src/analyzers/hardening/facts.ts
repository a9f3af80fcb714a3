/**
 * Facts the sensitive-files analyzer records, one per path, as JSON in `PathFact.value`.
 * They live and die with their path (the applier drops facts of deleted or replaced paths),
 * so image checks read the final state of the image.
 */

export const SENSITIVE_FILES_ANALYZER_ID = 'sensitive-files-analyzer';

export const CLOUD_PROVIDERS = ['aws', 'gcloud', 'azure', 'kube', 'docker', 'git'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

export const CACHE_MANAGERS = ['apt-lists', 'apt-archives', 'apt-pkgcache', 'apk', 'pip', 'npm', 'yum', 'dnf'] as const;
export type CacheManager = (typeof CACHE_MANAGERS)[number];

export type SensitiveFact =
  /** `/etc/shadow` or `/etc/gshadow`: accounts with a usable password hash, and (shadow only) with an empty password. Never the hashes. */
  | {
      readonly kind: 'shadow';
      readonly hashed: readonly string[];
      readonly empty: readonly string[];
      /** Exact counts (the name lists are capped). */
      readonly hashedCount: number;
      readonly emptyCount: number;
    }
  /** `/etc/passwd`: account names with uid 0 (to resolve `USER name`). */
  | { readonly kind: 'passwd'; readonly uid0: readonly string[] }
  | { readonly kind: 'ssh-host-key'; readonly bytes: number }
  | { readonly kind: 'authorized-keys'; readonly bytes: number }
  /** A `.git/HEAD`: `root` is the work tree that holds the repository. */
  | { readonly kind: 'git-repo'; readonly root: string }
  | { readonly kind: 'cloud-credentials'; readonly provider: CloudProvider; readonly bytes: number }
  /** One file of a package-manager cache. */
  | { readonly kind: 'cache'; readonly manager: CacheManager; readonly bytes: number }
  | { readonly kind: 'sudo'; readonly mode: number };

export type SensitiveFactKind = SensitiveFact['kind'];

export function encodeFact(fact: SensitiveFact): string {
  return JSON.stringify(fact);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string');

/** Reads a fact back (values may come from an older cache entry): null when it is not a valid fact. */
export function decodeFact(value: string): SensitiveFact | null {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  switch (o['kind']) {
    case 'shadow':
      return isNames(o['hashed']) && isNames(o['empty']) && isCount(o['hashedCount']) && isCount(o['emptyCount'])
        ? { kind: 'shadow', hashed: o['hashed'], empty: o['empty'], hashedCount: o['hashedCount'], emptyCount: o['emptyCount'] }
        : null;
    case 'passwd':
      return isNames(o['uid0']) ? { kind: 'passwd', uid0: o['uid0'] } : null;
    case 'ssh-host-key':
    case 'authorized-keys':
      return isCount(o['bytes']) ? { kind: o['kind'], bytes: o['bytes'] } : null;
    case 'git-repo':
      return typeof o['root'] === 'string' ? { kind: 'git-repo', root: o['root'] } : null;
    case 'cloud-credentials': {
      const provider = o['provider'];
      return CLOUD_PROVIDERS.includes(provider as CloudProvider) && isCount(o['bytes']) ? { kind: 'cloud-credentials', provider: provider as CloudProvider, bytes: o['bytes'] } : null;
    }
    case 'cache': {
      const manager = o['manager'];
      return CACHE_MANAGERS.includes(manager as CacheManager) && isCount(o['bytes']) ? { kind: 'cache', manager: manager as CacheManager, bytes: o['bytes'] } : null;
    }
    case 'sudo':
      return isCount(o['mode']) ? { kind: 'sudo', mode: o['mode'] } : null;
    default:
      return null;
  }
}
