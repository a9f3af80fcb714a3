import type { Distro } from '@sekisho/model';
import { distroSupport } from './eol.js';

/**
 * Parse `KEY=value` lines of os-release(5), with shell-style quotes. Every line is read (the
 * os-release analyzer bounds the text at 64 KiB): a line limit let comment padding hide `ID`.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match?.[1]) continue;
    let value = match[2] ?? '';
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["$`\\])/g, '$1');
    }
    out[match[1]] = value.slice(0, 512);
  }
  return out;
}

const DEBIAN_CODENAMES: Record<string, string> = {
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
  '14': 'forky',
};

/** Normalize vendor ids (`rhel`, `centos`, `rocky`…) and derive what os-release leaves out. */
function normalizeId(id: string): string {
  const lower = id.toLowerCase();
  if (lower === 'redhat' || lower === 'red hat enterprise linux') return 'rhel';
  return lower;
}

export interface DistroFacts {
  /** Path → content of the release files present in the merged image. */
  readonly files: ReadonlyMap<string, string>;
  /** True when dpkg's `status.d/` exists without `status` (distroless). */
  readonly distroless: boolean;
  readonly today: Date;
}

/**
 * The OS of an image, from /etc/os-release (or /usr/lib/os-release), falling back to the
 * distribution-specific release files. Returns null when nothing identifies it.
 */
export function detectDistro(facts: DistroFacts): Distro | null {
  const osReleasePath = ['/etc/os-release', '/usr/lib/os-release'].find((p) => facts.files.has(p));
  let id = '';
  let versionId = '';
  let codename: string | null = null;
  let prettyName = '';
  let idLike: string[] = [];
  let foundIn = '';
  if (osReleasePath !== undefined) {
    const fields = parseOsRelease(facts.files.get(osReleasePath) ?? '');
    id = normalizeId(fields['ID'] ?? '');
    versionId = fields['VERSION_ID'] ?? '';
    codename = fields['VERSION_CODENAME'] ?? fields['UBUNTU_CODENAME'] ?? null;
    prettyName = fields['PRETTY_NAME'] ?? fields['NAME'] ?? '';
    idLike = (fields['ID_LIKE'] ?? '').split(/\s+/).filter((s) => s !== '');
    foundIn = osReleasePath;
  }
  const debianVersion = facts.files.get('/etc/debian_version')?.trim();
  const alpineRelease = facts.files.get('/etc/alpine-release')?.trim();
  const redhatRelease = (facts.files.get('/etc/redhat-release') ?? facts.files.get('/etc/system-release'))?.trim();
  if (id === '' && alpineRelease) {
    id = 'alpine';
    versionId = alpineRelease;
    foundIn = '/etc/alpine-release';
  } else if (id === '' && debianVersion) {
    id = 'debian';
    versionId = /^\d+/.test(debianVersion) ? (debianVersion.split('.')[0] ?? '') : '';
    codename = /^\d+/.test(debianVersion) ? null : (debianVersion.split('/')[0] ?? null);
    foundIn = '/etc/debian_version';
  } else if (id === '' && redhatRelease) {
    const match = /^(.*?) release (\d+(?:\.\d+)*)/.exec(redhatRelease);
    const name = (match?.[1] ?? '').toLowerCase();
    id = name.includes('centos') ? 'centos' : name.includes('rocky') ? 'rocky' : name.includes('alma') ? 'almalinux' : name.includes('fedora') ? 'fedora' : name.includes('amazon') ? 'amzn' : 'rhel';
    versionId = match?.[2] ?? '';
    prettyName = redhatRelease;
    foundIn = facts.files.has('/etc/redhat-release') ? '/etc/redhat-release' : '/etc/system-release';
  }
  if (id === '') return null;
  if (id === 'debian') {
    // os-release of a point release says 12; debian_version says 12.7 — keep the major as VERSION_ID.
    if (versionId === '' && debianVersion && /^\d+/.test(debianVersion)) versionId = debianVersion.split('.')[0] ?? '';
    codename ??= DEBIAN_CODENAMES[versionId] ?? null;
  }
  if (prettyName === '') prettyName = `${id} ${versionId}`.trim();
  return {
    id,
    versionId,
    codename,
    prettyName,
    idLike,
    distroless: facts.distroless,
    eol: distroSupport(id, versionId, facts.today),
    foundIn,
  };
}
