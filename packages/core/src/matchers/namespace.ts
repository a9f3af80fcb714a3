import type { Distro } from '@sekisho/model';

/**
 * The release key a distribution's advisories are filed under: Debian and the RHEL family by
 * major version (`debian:12`, `rhel:9`), Ubuntu by `YY.MM`, Alpine by `major.minor`, rolling
 * distributions (Wolfi, Chainguard, Arch) as `rolling`. Null when the release is unknown
 * (e.g. Debian testing/sid without VERSION_ID): such packages become unknowns, not guesses.
 */
export function distroReleaseKey(distro: Distro): string | null {
  const v = distro.versionId.trim();
  const parts = v.split('.');
  const major = parts[0] ?? '';
  const majorMinor = parts.length >= 2 ? `${major}.${(parts[1] ?? '').replace(/[^0-9].*$/, '')}` : null;
  switch (distro.id) {
    case 'wolfi':
    case 'chainguard':
    case 'arch':
      return 'rolling';
    case 'alpine':
      // edge images carry VERSION_ID like 3.21_alpha20240807
      if (/edge|_alpha/.test(v)) return 'edge';
      return majorMinor !== null && /^\d+\.\d+$/.test(majorMinor) ? majorMinor : null;
    case 'ubuntu':
    case 'opensuse-leap':
    case 'sles':
      return /^\d+\.\d+/.test(v) ? (majorMinor ?? null) : null;
    default:
      return /^\d+$/.test(major) ? major : null;
  }
}

export function distroNamespace(distro: Distro): string | null {
  const key = distroReleaseKey(distro);
  return key === null ? null : `${distro.id}:${key}`;
}

/** PEP 503 name normalization: runs of `-`, `_`, `.` become `-`, lower case. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
