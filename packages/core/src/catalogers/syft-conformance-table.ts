import type { PackageType } from '@sekisho/model';
import type { Cataloger } from './types.js';
import { ggufCataloger } from './ai/index.js';
import { alpmDbCataloger } from './alpm/index.js';
import { appleAppBundleCataloger } from './apple/index.js';
import { conanCataloger, conanInfoCataloger } from './cpp/index.js';
import { githubActionsUsageCataloger, githubActionWorkflowUsageCataloger } from './githubactions/index.js';
import { homebrewCataloger } from './homebrew/index.js';
import { opamCataloger } from './ocaml/index.js';
import { wordpressPluginsCataloger } from './wordpress/index.js';
import { swiplPackCataloger } from './swipl/index.js';
import { terraformLockCataloger } from './terraform/index.js';
import { binaryClassifierCataloger } from './binary/index.js';
import { portageCataloger } from './gentoo/index.js';
import { nixStoreCataloger } from './nix/index.js';
import { sbomCataloger } from './sbom/index.js';
import { snapCataloger } from './snap/index.js';
import { bitnamiCataloger } from './bitnami/index.js';
import { condaMetaCataloger } from './conda/index.js';
import { elixirMixLockCataloger } from './elixir/index.js';
import { erlangOtpApplicationCataloger, erlangRebarLockCataloger } from './erlang/index.js';
import { dartPubspecCataloger, dartPubspecLockCataloger } from './dart/index.js';
import { dpkgCataloger } from './dpkg/index.js';
import { apkCataloger } from './apk/index.js';
import { rpmArchiveCataloger, rpmCataloger } from './rpm/index.js';
import { dotnetDepsCataloger, dotnetPackagesLockCataloger } from './dotnet/index.js';
import { goModuleBinaryCataloger, goModuleFileCataloger } from './golang/index.js';
import { javaArchiveCataloger, javaGradleLockfileCataloger, javaJvmCataloger, javaPomCataloger } from './java/index.js';
import { javascriptLockCataloger, javascriptPackageCataloger } from './npm/index.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger, phpPearRegistryCataloger } from './php/index.js';
import { haskellCabalFreezeCataloger, haskellStackCataloger, haskellStackLockCataloger } from './haskell/index.js';
import { luaRockCataloger } from './lua/index.js';
import { rPackageCataloger } from './r/index.js';
import { pythonInstalledPackageCataloger, pythonPackageCataloger } from './python/index.js';
import { rubyGemfileCataloger, rubyInstalledGemspecCataloger } from './ruby/index.js';
import { cargoAuditableBinaryCataloger, rustCargoLockCataloger } from './rust/index.js';
import { cocoapodsCataloger, swiftPackageManagerCataloger } from './swift/index.js';

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
  /**
   * The cataloger selects by absolute image paths (`/opt/bitnami/…`), so a directory fixture is
   * scanned as an image root; others are scanned from the fixture's parent, its name the first
   * path segment.
   */
  readonly imageRoot?: boolean;
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
  'php-pear-serialized-cataloger': { catalogers: [phpPearRegistryCataloger], scans: ['directory', 'image'] },
  'php catalogers': { catalogers: [phpComposerLockCataloger, phpComposerInstalledCataloger, phpPearRegistryCataloger], scans: [] },
  'dotnet-deps-binary-cataloger': { catalogers: [dotnetDepsCataloger], scans: ['directory', 'image'] },
  'dotnet-packages-lock-cataloger': { catalogers: [dotnetPackagesLockCataloger], scans: ['directory'] },
  'dotnet catalogers': { catalogers: [dotnetDepsCataloger, dotnetPackagesLockCataloger], scans: [] },
  'java-archive-cataloger': { catalogers: [javaArchiveCataloger], scans: ['directory', 'image'] },
  'java-pom-cataloger': { catalogers: [javaPomCataloger], scans: ['directory'] },
  'java-gradle-lockfile-cataloger': { catalogers: [javaGradleLockfileCataloger], scans: ['directory'] },
  'java-jvm-cataloger': { catalogers: [javaJvmCataloger], scans: ['directory', 'image'] },
  'go-module-file-cataloger': { catalogers: [goModuleFileCataloger], scans: ['directory'] },
  'go-module-binary-cataloger': { catalogers: [goModuleBinaryCataloger], scans: ['directory', 'image'] },
  'rust-cargo-lock-cataloger': { catalogers: [rustCargoLockCataloger], scans: ['directory'] },
  'cargo-auditable-binary-cataloger': { catalogers: [cargoAuditableBinaryCataloger], scans: ['directory', 'image'] },
  'swift-package-manager-cataloger': { catalogers: [swiftPackageManagerCataloger], scans: ['directory'] },
  'cocoapods-cataloger': { catalogers: [cocoapodsCataloger], scans: ['directory'] },
  // expected.json names the pair 'swift-package-manager / cocoapods-cataloger'.
  'swift-package-manager': { catalogers: [swiftPackageManagerCataloger], scans: [] },
  'dart-pubspec-lock-cataloger': { catalogers: [dartPubspecLockCataloger], scans: ['directory'] },
  'dart-pubspec-cataloger': { catalogers: [dartPubspecCataloger], scans: ['directory'] },
  'dart-pubspec(-lock)-cataloger': { catalogers: [dartPubspecLockCataloger, dartPubspecCataloger], scans: [] },
  'conda-meta-cataloger': { catalogers: [condaMetaCataloger], scans: ['directory', 'image'] },
  'bitnami-cataloger': { catalogers: [bitnamiCataloger], scans: ['directory', 'image'], imageRoot: true },
  'elixir-mix-lock-cataloger': { catalogers: [elixirMixLockCataloger], scans: ['directory'] },
  'erlang-rebar-lock-cataloger': { catalogers: [erlangRebarLockCataloger], scans: ['directory'] },
  // expected.json names the pair 'erlang-rebar-lock / erlang-otp-application-cataloger'.
  'erlang-rebar-lock': { catalogers: [erlangRebarLockCataloger], scans: [] },
  'erlang-otp-application-cataloger': { catalogers: [erlangOtpApplicationCataloger], scans: ['directory', 'image'] },
  'r-package-cataloger': { catalogers: [rPackageCataloger], scans: ['directory', 'image'] },
  'lua-rock-cataloger': { catalogers: [luaRockCataloger], scans: ['directory', 'image'] },
  'haskell-cataloger': { catalogers: [haskellStackCataloger, haskellStackLockCataloger, haskellCabalFreezeCataloger], scans: ['directory'] },
  'alpm-db-cataloger': { catalogers: [alpmDbCataloger], scans: ['directory', 'image'] },
  'portage-cataloger': { catalogers: [portageCataloger], scans: ['directory', 'image'] },
  'nix-store-cataloger': { catalogers: [nixStoreCataloger], scans: ['directory', 'image'] },
  // expected.json names the pair 'nix-cataloger / nix-store-cataloger'.
  'nix-cataloger': { catalogers: [nixStoreCataloger], scans: [] },
  'apk-db-cataloger': { catalogers: [apkCataloger], scans: ['directory', 'image'] },
  'rpm-db-cataloger': { catalogers: [rpmCataloger], scans: ['directory', 'image'] },
  'rpm-archive-cataloger': { catalogers: [rpmArchiveCataloger], scans: ['directory', 'image'] },
  'dpkg-db-cataloger': { catalogers: [dpkgCataloger], scans: ['directory', 'image'] },
  'snap-cataloger': { catalogers: [snapCataloger], scans: ['directory', 'image'] },
  'conan-cataloger': { catalogers: [conanCataloger], scans: ['directory'] },
  'conan-info-cataloger': { catalogers: [conanInfoCataloger], scans: ['directory', 'image'] },
  // expected.json names the pair 'conan / vcpkg catalogers'.
  conan: { catalogers: [conanCataloger, conanInfoCataloger], scans: [] },
  'opam-cataloger': { catalogers: [opamCataloger], scans: ['directory', 'image'] },
  'swipl-pack-cataloger': { catalogers: [swiplPackCataloger], scans: ['directory', 'image'] },
  'terraform-lock-cataloger': { catalogers: [terraformLockCataloger], scans: ['directory'] },
  'apple-app-bundle-cataloger': { catalogers: [appleAppBundleCataloger], scans: ['directory', 'image'] },
  'gguf-cataloger': { catalogers: [ggufCataloger], scans: ['directory', 'image'] },
  'github-actions-usage-cataloger': { catalogers: [githubActionsUsageCataloger], scans: ['directory'] },
  'github-action-workflow-usage-cataloger': { catalogers: [githubActionWorkflowUsageCataloger], scans: ['directory'] },
  // expected.json names the pair 'github-actions-usage / github-action-workflow-usage-cataloger'.
  'github-actions-usage': { catalogers: [githubActionsUsageCataloger], scans: [] },
  'homebrew-cataloger': { catalogers: [homebrewCataloger], scans: ['directory', 'image'] },
  'wordpress-plugins-cataloger': { catalogers: [wordpressPluginsCataloger], scans: ['directory', 'image'] },
  'sbom-cataloger': { catalogers: [sbomCataloger], scans: ['directory', 'image'] },
  'binary-classifier-cataloger': { catalogers: [binaryClassifierCataloger], scans: ['directory', 'image'] },
};

/** Syft package type → Sekisho package type (types absent here are not compared). */
export const SYFT_TYPES: Readonly<Record<string, PackageType>> = {
  npm: 'npm',
  python: 'pypi',
  gem: 'gem',
  'php-composer': 'composer',
  'php-pear': 'php-pear',
  swift: 'swift',
  pod: 'cocoapods',
  'dart-pub': 'pub',
  conda: 'conda',
  bitnami: 'bitnami',
  hex: 'hex',
  'erlang-otp': 'erlang-otp',
  'R-package': 'R-package',
  'lua-rocks': 'lua-rocks',
  hackage: 'hackage',
  alpm: 'alpm',
  portage: 'portage',
  nix: 'nix',
  conan: 'conan',
  opam: 'opam',
  swiplpack: 'swiplpack',
  terraform: 'terraform',
  'apple-app-bundle': 'apple-app-bundle',
  model: 'model',
  'github-action': 'github-action',
  'github-action-workflow': 'github-action-workflow',
  homebrew: 'homebrew',
  'wordpress-plugin': 'wordpress-plugin',
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
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

/**
 * Where Sekisho and Syft's expectations differ on purpose, with the reason. `kind` is the
 * difference exactly as syft-conformance.test.ts prints it; the test fails on any difference not
 * listed here, and on any listed difference that no longer occurs. Keep it short and justified.
 */
export interface SyftDisagreement {
  readonly fixture: string;
  readonly kind: string;
  readonly reason: string;
  /** The expectation depends on a file that is not in the fixture copy: it cannot be measured here. */
  readonly inputMissing?: boolean;
}

export const SYFT_EXPECTED_DISAGREEMENTS: readonly SyftDisagreement[] = [
  {
    fixture: 'syft/pkg/cataloger/javascript/testdata/pkg-json/package-partial.json',
    kind: 'missing (empty name)@(empty version)',
    reason: 'Syft reports a package with an empty name and version; a manifest without them names no package and cannot be matched, so Sekisho reports none.',
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing mypy@v0.770',
    reason: 'input not in the fixture copy: it comes from pkgs/python/setup/setup.py, which was not copied (source code).',
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing DocuSign.eSign@6.8.0.0',
    reason: 'input not in the fixture copy: Syft reads it from a .NET assembly (.dll) of the image, which was not copied (built binary).',
    inputMissing: true,
  },
  {
    fixture: 'syft/pkg/cataloger/elixir/testdata/mix.lock',
    kind: 'missing local_dep@',
    reason: 'Syft reports a path dependency with an empty version; it is the project\'s own code (`{:path, "../local_dep", []}`), names no version and cannot be matched, so Sekisho reports none.',
  },
  {
    fixture: 'syft/pkg/cataloger/rust/testdata/glob-paths',
    kind: 'not selected partial-binary',
    reason:
      'executables are selected by location (bin directories, /app, /opt…); this 5-byte placeholder sits at the fixture root under a name with no executable meaning, and holds no dependency data.',
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing example-java-app-maven@0.1.0',
    reason: 'input not in the fixture copy: it comes from a jar Syft builds at test time (not_copied in expected.json).',
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing joda-time@2.9.2',
    reason: 'input not in the fixture copy: nested in the same jar Syft builds at test time (not_copied in expected.json).',
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'extra libc-utils@0.7.2-r0',
    reason: "input not in the fixture copy: Syft's image case is an image its Dockerfile builds from part of the folder (one apk database); the folder itself holds two.",
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'extra musl-utils@1.1.24-r2',
    reason: "input not in the fixture copy: Syft's image case is an image its Dockerfile builds from part of the folder (one apk database); the folder itself holds two.",
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing hdt@0.5.2',
    reason: 'input not in the fixture copy: it comes from swipl/pack/hdt/pack.pl, which was not copied (Prolog source).',
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing afflib@1.2.3',
    reason: 'input not in the fixture copy: it comes from pkgs/homebrew/Cellar/afflib/1.2.3/.brew/afflib.rb, which was not copied (Ruby source).',
    inputMissing: true,
  },
  {
    fixture: 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage',
    kind: 'missing Akismet Anti-spam: Spam Protection@5.3',
    reason: "input not in the fixture copy: it comes from the plugin's akismet.php, which was not copied (PHP source).",
    inputMissing: true,
  },
  {
    fixture: 'syft/pkg/cataloger/githubactions/testdata/workflow-with-version-comments.yaml',
    kind: 'extra octo-org/this-repo/.github/workflows/workflow-1.yml@v1.0.0',
    reason: "Syft's test runs only the action-usage parser on this file; its job-level reusable-workflow call is what github-action-workflow-usage-cataloger reports, in Sekisho's scans as in Syft's.",
  },
];

/**
 * Fixtures whose Syft test asserts only part of the output (see the notes in expected.json): the
 * expected packages must be found; other packages found are not counted against either side.
 */
export const SYFT_PARTIAL_FIXTURES: ReadonlyMap<string, string> = new Map([
  ['syft/pkg/cataloger/dotnet/testdata/deps-with-referenceassembly/MyApp.deps.json', 'only Newtonsoft.Json is asserted'],
  ['syft/pkg/cataloger/javascript/test-fixtures/bun-variable-tuples/bun.lock', 'names only are asserted'],
]);
