/**
 * Package types Sekisho catalogs. Each maps (in core, through `Record<PackageType, …>`
 * tables checked with `satisfies`) to a purl type, a version scheme and a matcher, so a
 * new member fails to compile until all three exist.
 */
export const PACKAGE_TYPES = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'gem',
  'composer',
  'php-pear',
  'nuget',
  'swift',
  'cocoapods',
  'pub',
  'conda',
  'bitnami',
  'hex',
  'erlang-otp',
  'R-package',
  'lua-rocks',
  'hackage',
  'alpm',
  'portage',
  'nix',
  'conan',
  'github-action',
  'github-action-workflow',
  'opam',
  'terraform',
  'homebrew',
  'wordpress-plugin',
  'swiplpack',
  'apple-app-bundle',
  'model',
  'binary',
] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

export function isPackageType(value: string): value is PackageType {
  return (PACKAGE_TYPES as readonly string[]).includes(value);
}

/** OS package types: matched only against their distribution's advisories. */
export const OS_PACKAGE_TYPES = ['deb', 'apk', 'rpm', 'alpm', 'portage'] as const satisfies readonly PackageType[];
export type OsPackageType = (typeof OS_PACKAGE_TYPES)[number];

export function isOsPackageType(type: PackageType): type is OsPackageType {
  return (OS_PACKAGE_TYPES as readonly PackageType[]).includes(type);
}
