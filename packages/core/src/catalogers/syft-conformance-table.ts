import type { PackageType } from '@sekisho/model';
import type { Cataloger } from './types.js';
import { dotnetDepsCataloger, dotnetPackagesLockCataloger } from './dotnet/index.js';
import { javascriptLockCataloger, javascriptPackageCataloger } from './npm/index.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger } from './php/index.js';
import { pythonInstalledPackageCataloger, pythonPackageCataloger } from './python/index.js';
import { rubyGemfileCataloger, rubyInstalledGemspecCataloger } from './ruby/index.js';

/**
 * How Sekisho answers each Syft cataloger named in `../shared/conformance/syft/expected.json`
 * (used by syft-conformance.test.ts). Add an ecosystem by adding its Syft cataloger names here.
 */
export interface SyftConformanceEntry {
  /** The Sekisho catalogers that cover the files this Syft cataloger reads. */
  readonly catalogers: readonly Cataloger[];
  /**
   * The scans in which Syft runs this cataloger, for the whole-folder integration fixture
   * (`image-pkg-coverage`): `directory` cases come from Syft's directory scan, `image` cases from
   * its image scan (installed evidence only).
   */
  readonly scans: readonly ('directory' | 'image')[];
}

export const SYFT_CATALOGERS: Readonly<Record<string, SyftConformanceEntry>> = {
  'javascript-package-cataloger': { catalogers: [javascriptPackageCataloger], scans: ['image'] },
  'javascript-lock-cataloger': { catalogers: [javascriptLockCataloger], scans: ['directory'] },
  'python-installed-package-cataloger': { catalogers: [pythonInstalledPackageCataloger], scans: ['directory', 'image'] },
  'python-package-cataloger': { catalogers: [pythonPackageCataloger], scans: ['directory'] },
  'ruby-gemfile-cataloger': { catalogers: [rubyGemfileCataloger], scans: ['directory'] },
  'ruby-installed-gemspec-cataloger': { catalogers: [rubyInstalledGemspecCataloger], scans: ['directory', 'image'] },
  'php-composer-lock-cataloger': { catalogers: [phpComposerLockCataloger], scans: ['directory'] },
  'php-composer-installed-cataloger': { catalogers: [phpComposerInstalledCataloger], scans: ['image'] },
  'php catalogers': { catalogers: [phpComposerLockCataloger, phpComposerInstalledCataloger], scans: [] },
  'dotnet-deps-binary-cataloger': { catalogers: [dotnetDepsCataloger], scans: ['directory', 'image'] },
  'dotnet-packages-lock-cataloger': { catalogers: [dotnetPackagesLockCataloger], scans: ['directory'] },
  'dotnet catalogers': { catalogers: [dotnetDepsCataloger, dotnetPackagesLockCataloger], scans: [] },
};

/** Syft package type → Sekisho package type (types absent here are not compared). */
export const SYFT_TYPES: Readonly<Record<string, PackageType>> = {
  npm: 'npm',
  python: 'pypi',
  gem: 'gem',
  'php-composer': 'composer',
  dotnet: 'nuget',
  'java-archive': 'maven',
  'go-module': 'golang',
  'rust-crate': 'cargo',
  binary: 'binary',
};

/**
 * Fixture files are named for the case they test (`package-lock-2.json`); Syft's parser tests read
 * them directly. Sekisho dispatches on the file name, so a single-file fixture is presented under
 * the name its format is installed as.
 */
export const SYFT_FILE_RENAMES: readonly (readonly [RegExp, string])[] = [
  [/^.*package-lock.*\.json$/, 'package-lock.json'],
  [/^package.*\.json$/, 'package.json'],
];
