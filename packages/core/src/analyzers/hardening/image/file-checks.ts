import { isOsPackageType } from '@sekisho/model';
import type { Report } from '@sekisho/model';
import { decodeFact, SENSITIVE_FILES_ANALYZER_ID } from '../facts.js';
import type { CacheManager, SensitiveFact } from '../facts.js';
import { SETGID, SETUID, STICKY } from '../../../layers/entry.js';
import type { MergedLayers } from '../../../overlay/apply-layers.js';
import type { ImageHardeningCheckId } from './catalog.js';
import { bytes, listed, MAX_HITS_PER_CHECK, mode } from './types.js';
import type { CheckHit } from './types.js';

type Special = MergedLayers['specialFiles'][number];

export interface LayeredFact {
  readonly path: string;
  readonly layer: number;
  readonly fact: SensitiveFact;
}

/** The sensitive-files analyzer's facts that survived the layers, decoded; sorted by path. */
export function sensitiveFacts(merged: MergedLayers): LayeredFact[] {
  const out: LayeredFact[] = [];
  for (const f of merged.facts) {
    if (f.analyzer !== SENSITIVE_FILES_ANALYZER_ID) continue;
    const fact = decodeFact(f.value);
    if (fact !== null) out.push({ path: f.path, layer: f.layer, fact });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Setuid/setgid tools a Debian, Alpine or RHEL-family base ships for account and mount
 * management; in the system directories they are expected (still reported, as one low finding).
 */
const KNOWN_SETID = new Set([
  'passwd',
  'su',
  'mount',
  'umount',
  'chsh',
  'chfn',
  'gpasswd',
  'newgrp',
  'sudo',
  'ping',
  'ping6',
  'unix_chkpwd',
  'expiry',
  'chage',
  'ssh-agent',
  'wall',
  'write',
  'bsd-write',
  'crontab',
  'dotlockfile',
  'ssh-keysign',
  'newuidmap',
  'newgidmap',
]);
const SYSTEM_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/lib/', '/usr/libexec/', '/lib/'];

function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((d) => path.startsWith(d));
}

function setidWords(file: Special): string {
  const bits = [(file.mode & SETUID) !== 0 ? `setuid (uid ${file.uid})` : '', (file.mode & SETGID) !== 0 ? `setgid (gid ${file.gid})` : ''];
  return bits.filter((b) => b !== '').join(' and ');
}

function capped(check: ImageHardeningCheckId, hits: CheckHit[], what: string, all: readonly string[]): CheckHit[] {
  if (hits.length <= MAX_HITS_PER_CHECK) return hits;
  const rest = all.slice(MAX_HITS_PER_CHECK);
  return [...hits.slice(0, MAX_HITS_PER_CHECK), { check, evidence: `${rest.length} more ${what}: ${listed(rest)}`, key: 'overflow' }];
}

export function setidChecks(merged: MergedLayers): CheckHit[] {
  const files = merged.specialFiles.filter((f) => f.kind === 'file' && (f.mode & (SETUID | SETGID)) !== 0).sort((a, b) => (a.path < b.path ? -1 : 1));
  const known: Special[] = [];
  const unusual: Special[] = [];
  for (const f of files) {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    // A setuid file owned by someone other than root is unusual even with a familiar name.
    const ownerOk = (f.mode & SETUID) === 0 || f.uid === 0;
    (KNOWN_SETID.has(base) && isSystemPath(f.path) && ownerOk ? known : unusual).push(f);
  }
  const hits: CheckHit[] = unusual.map((f) => ({
    check: 'SEK-IMG-002',
    evidence: `${f.path} is ${setidWords(f)}, mode ${mode(f.mode)}, layer ${f.layer}`,
    path: f.path,
    layer: f.layer,
    fix: `RUN chmod u-s,g-s ${f.path} (or remove it)`,
  }));
  const out = capped(
    'SEK-IMG-002',
    hits,
    'unusual setuid/setgid files',
    unusual.map((f) => f.path),
  );
  if (known.length > 0) {
    out.push({
      check: 'SEK-IMG-003',
      evidence: `${known.length} setuid/setgid system binaries: ${listed(known.map((f) => `${f.path} (${(f.mode & SETUID) !== 0 ? 'setuid' : 'setgid'} ${mode(f.mode)}, layer ${f.layer})`))}`,
    });
  }
  return out;
}

export function worldWritableChecks(merged: MergedLayers): CheckHit[] {
  const found = merged.specialFiles
    .filter((f) => (f.kind === 'file' || f.kind === 'dir') && (f.mode & 0o002) !== 0 && (f.kind === 'file' || (f.mode & STICKY) === 0))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const hits: CheckHit[] = found.map((f) => ({
    check: 'SEK-IMG-004',
    evidence: `${f.kind === 'dir' ? 'directory' : 'file'} ${f.path} has mode ${mode(f.mode)} (world-writable${f.kind === 'dir' ? ', no sticky bit' : ''}), layer ${f.layer}`,
    path: f.path,
    layer: f.layer,
    fix: f.kind === 'dir' ? `RUN chmod o-w ${f.path} (or chmod +t ${f.path} if it is shared scratch space)` : `RUN chmod o-w ${f.path}`,
  }));
  return capped(
    'SEK-IMG-004',
    hits,
    'world-writable paths',
    found.map((f) => f.path),
  );
}

/** The nodes a minimal /dev holds (OCI runtime spec, "Default Devices"); the runtime recreates them anyway. */
const STANDARD_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty', '/dev/console', '/dev/ptmx']);

export function deviceChecks(merged: MergedLayers): CheckHit[] {
  const found = merged.specialFiles.filter((f) => f.kind === 'block-device' || (f.kind === 'char-device' && !STANDARD_DEVICES.has(f.path))).sort((a, b) => (a.path < b.path ? -1 : 1));
  const hits: CheckHit[] = found.map((f) => ({
    check: 'SEK-IMG-005',
    evidence: `${f.kind} ${f.path} (mode ${mode(f.mode)}), layer ${f.layer}`,
    path: f.path,
    layer: f.layer,
    ...(f.kind === 'block-device' ? { severity: 'medium' as const } : {}),
  }));
  return capped(
    'SEK-IMG-005',
    hits,
    'device nodes',
    found.map((f) => f.path),
  );
}

const PROVIDER_NAMES = {
  aws: 'AWS shared credentials',
  gcloud: 'Google Cloud SDK credentials',
  azure: 'Azure CLI token cache',
  kube: 'kubeconfig',
  docker: 'container registry auth',
  git: 'git credential store',
} as const;

export function sensitiveFileChecks(facts: readonly LayeredFact[]): CheckHit[] {
  const hits: CheckHit[] = [];
  const per = new Map<ImageHardeningCheckId, number>();
  const add = (hit: CheckHit): void => {
    const n = per.get(hit.check) ?? 0;
    per.set(hit.check, n + 1);
    if (n < MAX_HITS_PER_CHECK) hits.push(hit);
  };
  for (const { path, layer, fact } of facts) {
    switch (fact.kind) {
      case 'shadow':
        if (fact.hashedCount > 0) {
          add({
            check: 'SEK-IMG-006',
            evidence: `${path} (layer ${layer}): ${fact.hashedCount} ${fact.hashedCount === 1 ? 'entry has' : 'entries have'} a password hash: ${listed(fact.hashed)} (hashes not shown)`,
            path,
            layer,
          });
        }
        if (fact.emptyCount > 0) {
          add({ check: 'SEK-IMG-007', evidence: `${path} (layer ${layer}): empty password for ${listed(fact.empty)}`, path, layer, fix: `RUN passwd -l ${fact.empty[0] ?? '<user>'}` });
        }
        break;
      case 'ssh-host-key':
        add({ check: 'SEK-IMG-008', evidence: `${path} (${fact.bytes} bytes), layer ${layer}`, path, layer });
        break;
      case 'authorized-keys':
        add({ check: 'SEK-IMG-009', evidence: `${path} (${fact.bytes} bytes), layer ${layer}`, path, layer });
        break;
      case 'git-repo':
        add({ check: 'SEK-IMG-010', evidence: `repository ${fact.root === '/' ? '' : fact.root}/.git (found ${path}), layer ${layer}`, path: `${fact.root === '/' ? '' : fact.root}/.git`, layer });
        break;
      case 'cloud-credentials':
        add({ check: 'SEK-IMG-011', evidence: `${PROVIDER_NAMES[fact.provider]} file ${path} (${fact.bytes} bytes), layer ${layer}`, path, layer, key: fact.provider });
        break;
      case 'cache':
      case 'passwd':
      case 'sudo':
        break;
    }
  }
  return hits;
}

const CACHE_ROOTS: Readonly<Record<CacheManager, (path: string) => string>> = {
  'apt-lists': () => '/var/lib/apt/lists',
  'apt-archives': () => '/var/cache/apt/archives',
  'apt-pkgcache': () => '/var/cache/apt',
  apk: () => '/var/cache/apk',
  yum: () => '/var/cache/yum',
  dnf: () => '/var/cache/dnf',
  pip: (p) => p.slice(0, p.indexOf('/.cache/pip/') + '/.cache/pip'.length),
  npm: (p) => p.slice(0, p.indexOf('/.npm/_cacache/') + '/.npm/_cacache'.length),
};

const CACHE_FIXES: Readonly<Record<CacheManager, string>> = {
  'apt-lists': 'End the apt-get RUN step with `&& rm -rf /var/lib/apt/lists/*`.',
  'apt-archives': 'End the apt-get RUN step with `&& apt-get clean`.',
  'apt-pkgcache': 'End the apt-get RUN step with `&& apt-get clean`.',
  apk: 'Install with `apk add --no-cache`.',
  yum: 'End the yum RUN step with `&& yum clean all && rm -rf /var/cache/yum`.',
  dnf: 'End the dnf RUN step with `&& dnf clean all`.',
  pip: 'Install with `pip install --no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`).',
  npm: 'End the npm RUN step with `&& npm cache clean --force`, or use `RUN --mount=type=cache,target=/root/.npm`.',
};

/** One hit per cache directory: file count, total bytes, the layers that filled it. */
export function cacheChecks(facts: readonly LayeredFact[]): CheckHit[] {
  const groups = new Map<string, { manager: CacheManager; root: string; files: number; bytes: number; layers: Set<number> }>();
  for (const { path, layer, fact } of facts) {
    if (fact.kind !== 'cache') continue;
    const root = CACHE_ROOTS[fact.manager](path);
    const key = `${fact.manager}\0${root}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { manager: fact.manager, root, files: 0, bytes: 0, layers: new Set() }));
    g.files += 1;
    g.bytes += fact.bytes;
    g.layers.add(layer);
  }
  return [...groups.values()]
    .sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : a.manager < b.manager ? -1 : 1))
    .slice(0, MAX_HITS_PER_CHECK)
    .map((g) => {
      const layers = [...g.layers].sort((a, b) => a - b);
      return {
        check: 'SEK-IMG-012',
        evidence: `${g.manager} cache ${g.root}: ${g.files} ${g.files === 1 ? 'file' : 'files'}, ${bytes(g.bytes)}, from layer${layers.length === 1 ? '' : 's'} ${layers.join(', ')}`,
        path: g.root,
        layer: layers[layers.length - 1] ?? 0,
        fix: CACHE_FIXES[g.manager],
        key: g.manager,
      };
    });
}

const SUDO_PACKAGES = new Set(['sudo', 'sudo-ldap', 'sudo-rs']);

export function sudoCheck(report: Report, facts: readonly LayeredFact[]): CheckHit[] {
  const pkgs = report.packages.filter((p) => isOsPackageType(p.type) && SUDO_PACKAGES.has(p.name));
  const binaries = facts.filter((f) => f.fact.kind === 'sudo');
  if (pkgs.length === 0 && binaries.length === 0) return [];
  const parts = [...pkgs.map((p) => `package ${p.name} ${p.version}`), ...binaries.map((b) => `${b.path} (mode ${b.fact.kind === 'sudo' ? mode(b.fact.mode) : '?'}, layer ${b.layer})`)];
  const first = binaries[0];
  const pkg = pkgs[0];
  const fix =
    pkg === undefined
      ? `Remove ${first?.path ?? 'sudo'} from the image.`
      : pkg.type === 'apk'
        ? `RUN apk del ${pkg.name}`
        : pkg.type === 'rpm'
          ? `RUN dnf remove -y ${pkg.name}`
          : `RUN apt-get purge -y ${pkg.name}`;
  return [{ check: 'SEK-IMG-018', evidence: `sudo installed: ${listed(parts)}`, fix, ...(first === undefined ? {} : { path: first.path, layer: first.layer }) }];
}
