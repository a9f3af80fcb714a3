import type { VersionSchemeId } from '../versioning/index.js';
import type { AdvisoryNamespace } from './types.js';

/**
 * Debian codenames → release numbers (https://www.debian.org/releases/). Namespaces use the
 * number (`debian:12`) so that an image's /etc/os-release VERSION_ID finds its advisories.
 */
export const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  woody: '3.0',
  sarge: '3.1',
  etch: '4',
  lenny: '5',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
  sid: 'unstable',
};

/** OSV ecosystem names for language packages, as namespaces (case-insensitive lookup). */
const LANGUAGE_ECOSYSTEMS = ['PyPI', 'npm', 'Go', 'crates.io', 'Maven', 'RubyGems', 'Packagist', 'NuGet', 'Hex', 'Pub', 'Hackage', 'CRAN', 'SwiftURL', 'GitHub Actions', 'Bitnami'] as const;
const LANGUAGE_BY_LOWER = new Map<string, string>(LANGUAGE_ECOSYSTEMS.map((name) => [name.toLowerCase(), name]));

/**
 * The namespace for an OSV `affected[].package.ecosystem`, or null when Sekisho does not match
 * that ecosystem. OS ecosystems carry the release after a colon (`Debian:12`, `Ubuntu:22.04:LTS`,
 * `Ubuntu:Pro:20.04:LTS`, `Alpine:v3.20`); the Go distribution (`stdlib`, `toolchain`) is
 * reported by Go's OSV feed under the `Go` ecosystem with those package names.
 */
export function namespaceFromOsvEcosystem(ecosystem: string): AdvisoryNamespace | null {
  if (ecosystem.length === 0 || ecosystem.length > 100) return null;
  const language = LANGUAGE_BY_LOWER.get(ecosystem.toLowerCase());
  if (language !== undefined) return language;
  const parts = ecosystem.split(':');
  const distro = (parts[0] ?? '').toLowerCase();
  const rest = parts.slice(1).filter((part) => part !== 'LTS');
  switch (distro) {
    case 'debian': {
      const release = rest[0];
      return release === undefined ? null : `debian:${DEBIAN_CODENAMES[release] ?? release}`;
    }
    case 'ubuntu': {
      // `Ubuntu:Pro:20.04:LTS` and `Ubuntu:Pro:FIPS:20.04:LTS` are separate streams of fixes.
      const release = rest[rest.length - 1];
      if (release === undefined) return null;
      const variant = rest.slice(0, -1).map((part) => part.toLowerCase());
      return variant.length === 0 ? `ubuntu:${release}` : `ubuntu:${release}:${variant.join(':')}`;
    }
    case 'alpine': {
      const release = rest[0];
      return release === undefined ? null : `alpine:${release.replace(/^v/, '')}`;
    }
    case 'wolfi':
      return 'wolfi:rolling';
    case 'chainguard':
      return 'chainguard:rolling';
    case 'rocky linux':
    case 'almalinux':
    case 'red hat':
    case 'suse':
    case 'opensuse':
    case 'mageia':
    case 'photon os': {
      const release = rest[0];
      const id = distro.replace(/ (linux|os)$/, '').replace(/ /g, '');
      return release === undefined ? null : `${id === 'redhat' ? 'rhel' : id}:${release}`;
    }
    default:
      return null;
  }
}

/** The version scheme that orders versions in a namespace, or null when none is known. */
export function schemeForNamespace(namespace: AdvisoryNamespace): VersionSchemeId | null {
  const distro = namespace.split(':')[0] ?? '';
  switch (distro) {
    case 'debian':
    case 'ubuntu':
      return 'deb';
    case 'alpine':
    case 'wolfi':
    case 'chainguard':
      return 'apk';
    case 'rhel':
    case 'rocky':
    case 'almalinux':
    case 'suse':
    case 'opensuse':
    case 'mageia':
    case 'photon':
    case 'amazon':
    case 'oracle':
      return 'rpm';
    case 'PyPI':
      return 'pep440';
    case 'npm':
      return 'npm';
    case 'Go':
      return 'golang';
    case 'crates.io':
      return 'cargo';
    case 'Maven':
      return 'maven';
    case 'RubyGems':
      return 'gem';
    case 'Packagist':
      return 'composer';
    case 'NuGet':
      return 'nuget';
    case 'Hex':
    case 'Pub':
    case 'SwiftURL':
    case 'GitHub Actions':
    case 'Bitnami': // upstream semantic versions (an image's revision, `-0`, is the matcher's to strip)
      return 'semver';
    default:
      return null;
  }
}

/**
 * The name advisories are indexed under: PEP 503 for PyPI (runs of `-_.` → `-`, lower case),
 * lower case for npm, NuGet and Packagist (case-insensitive registries), `group:artifact` for
 * Maven (OSV writes the same); other names as written. Idempotent, so a store applies it both when
 * indexing and when asked.
 */
export function normalizePackageName(namespace: AdvisoryNamespace, name: string): string {
  const trimmed = name.trim();
  switch (namespace) {
    case 'PyPI':
      return trimmed.replace(/[-_.]+/g, '-').toLowerCase();
    case 'npm':
    case 'NuGet':
    case 'Packagist':
      return trimmed.toLowerCase();
    case 'Maven':
      return trimmed.replace('/', ':');
    default:
      return trimmed;
  }
}
