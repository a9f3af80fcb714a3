import type { PackageType } from '@sekisho/model';
import { SekishoError } from '../errors.js';
import { apkScheme } from './apk/index.js';
import { cargoScheme } from './cargo/index.js';
import { composerScheme } from './composer/index.js';
import { debScheme } from './deb/index.js';
import { gemScheme } from './gem/index.js';
import { golangScheme } from './golang/index.js';
import { mavenScheme } from './maven/index.js';
import { nugetScheme } from './nuget/index.js';
import { pep440Scheme } from './pep440/index.js';
import { rpmScheme } from './rpm/index.js';
import { npmScheme, semverScheme } from './semver/index.js';
import type { VersionScheme, VersionSchemeId } from './types.js';

/** Every version scheme, one line each. A contract test keeps this in step with the folders. */
export const versionSchemes: readonly VersionScheme[] = [
  debScheme,
  rpmScheme,
  apkScheme,
  semverScheme,
  npmScheme,
  golangScheme,
  pep440Scheme,
  mavenScheme,
  gemScheme,
  nugetScheme,
  composerScheme,
  cargoScheme,
];

const byId: ReadonlyMap<string, VersionScheme> = new Map(versionSchemes.map((s) => [s.id, s]));

export function isVersionSchemeId(id: string): id is VersionSchemeId {
  return byId.has(id);
}

/** The scheme with this id; throws a SekishoError `USAGE_INVALID` for an unknown id. */
export function getVersionScheme(id: string): VersionScheme {
  const scheme = byId.get(id);
  if (scheme === undefined) {
    throw new SekishoError('USAGE_INVALID', `unknown version scheme "${id.slice(0, 64)}"`);
  }
  return scheme;
}

/** How versions of each package type are ordered; `binary` packages have no order of their own. */
const SCHEME_OF_PACKAGE_TYPE = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pep440',
  maven: 'maven',
  golang: 'golang',
  cargo: 'cargo',
  gem: 'gem',
  composer: 'composer',
  // PEAR and PECL versions are ordered by PHP's version_compare, as Composer's are.
  'php-pear': 'composer',
  nuget: 'nuget',
  // Swift Package Manager and CocoaPods resolve semantic-version tags.
  swift: 'semver',
  cocoapods: 'semver',
  pub: 'semver',
  // conda orders versions its own way (VersionOrder), which no scheme here implements.
  conda: null,
  // Bitnami's `7.4.0-0` is the upstream version and a package revision (matching strips the revision).
  bitnami: 'semver',
  hex: 'semver',
  // OTP applications' versions (3.12.10, 8.3.2.1) are dotted numbers that semver does not always accept.
  'erlang-otp': null,
  // R orders versions by numeric components split at '.' and '-', which no scheme here implements.
  'R-package': null,
  // LuaRocks versions are the upstream version and a rockspec revision (3.7.0-0), ordered by LuaRocks' own rules.
  'lua-rocks': null,
  // Hackage versions follow the PVP (any number of numeric components, 1.0 < 1.0.0), which no scheme here implements.
  hackage: null,
  // pacman's vercmp compares epoch:pkgver-pkgrel with rpm's algorithm (libalpm's alpm_pkg_vercmp is rpmvercmp).
  alpm: 'rpm',
  // Gentoo's order (1.2.3_rc1-r2: suffixes and revisions) is its own; no scheme here implements it.
  portage: null,
  nix: null,
  conan: null,
  'github-action': null,
  'github-action-workflow': null,
  opam: null,
  terraform: null,
  homebrew: null,
  'wordpress-plugin': null,
  swiplpack: null,
  'apple-app-bundle': null,
  // AI models (GGUF): a model's version is a label, not an ordered version.
  model: null,
  binary: null,
} as const satisfies Record<PackageType, VersionSchemeId | null>;

/** The version order of a package type, or null when it has none (binary classifier hits). */
export function versionSchemeOfPackageType(type: PackageType): VersionScheme | null {
  const id = SCHEME_OF_PACKAGE_TYPE[type];
  return id === null ? null : getVersionScheme(id);
}
