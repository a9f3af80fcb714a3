import type { PackageType } from '@sekisho/model';
import { distroMatcher } from './distro/index.js';
import { binaryMatcher, languageMatcher, uncoveredOsMatcher, unsearchableMatcher } from './language/index.js';
import type { Matcher } from './types.js';

const pypiMatcher = languageMatcher('pypi');
const npmMatcher = languageMatcher('npm');
const mavenMatcher = languageMatcher('maven');
const golangMatcher = languageMatcher('golang');
const cargoMatcher = languageMatcher('cargo');
const gemMatcher = languageMatcher('gem');
const composerMatcher = languageMatcher('composer');
const nugetMatcher = languageMatcher('nuget');
const swiftMatcher = languageMatcher('swift');
const pubMatcher = languageMatcher('pub');
const bitnamiMatcher = languageMatcher('bitnami');
const hexMatcher = languageMatcher('hex');
const otpMatcher = unsearchableMatcher('erlang-otp');
const rMatcher = unsearchableMatcher('R-package');
const luaMatcher = unsearchableMatcher('lua-rocks');
const hackageMatcher = unsearchableMatcher('hackage');
const pearMatcher = unsearchableMatcher('php-pear');
const cocoapodsMatcher = unsearchableMatcher('cocoapods');
const condaMatcher = unsearchableMatcher('conda');
const alpmMatcher = uncoveredOsMatcher('alpm', 'Arch Linux (pacman) packages');
const portageMatcher = uncoveredOsMatcher('portage', 'Gentoo (Portage) packages');
const nixMatcher = uncoveredOsMatcher('nix', 'Nix store packages');
const conanMatcher = unsearchableMatcher('conan');
const githubActionMatcher = unsearchableMatcher('github-action');
const githubActionWorkflowMatcher = unsearchableMatcher('github-action-workflow');
const opamMatcher = unsearchableMatcher('opam');
const terraformMatcher = unsearchableMatcher('terraform');
const homebrewMatcher = unsearchableMatcher('homebrew');
const wordpressPluginMatcher = unsearchableMatcher('wordpress-plugin');
const swiplpackMatcher = unsearchableMatcher('swiplpack');
const appleAppBundleMatcher = unsearchableMatcher('apple-app-bundle');
const modelMatcher = unsearchableMatcher('model');

/** Every matcher, one line each. */
export const matchers: readonly Matcher[] = [
  distroMatcher,
  pypiMatcher,
  npmMatcher,
  mavenMatcher,
  golangMatcher,
  cargoMatcher,
  gemMatcher,
  composerMatcher,
  pearMatcher,
  nugetMatcher,
  swiftMatcher,
  cocoapodsMatcher,
  pubMatcher,
  condaMatcher,
  bitnamiMatcher,
  hexMatcher,
  otpMatcher,
  rMatcher,
  luaMatcher,
  hackageMatcher,
  alpmMatcher,
  portageMatcher,
  nixMatcher,
  conanMatcher,
  githubActionMatcher,
  githubActionWorkflowMatcher,
  opamMatcher,
  terraformMatcher,
  homebrewMatcher,
  wordpressPluginMatcher,
  swiplpackMatcher,
  appleAppBundleMatcher,
  modelMatcher,
  binaryMatcher,
];

/** The matcher for each package type: a new package type fails to compile until it has one. */
export const MATCHER_BY_PACKAGE_TYPE = {
  deb: distroMatcher,
  apk: distroMatcher,
  rpm: distroMatcher,
  pypi: pypiMatcher,
  npm: npmMatcher,
  maven: mavenMatcher,
  golang: golangMatcher,
  cargo: cargoMatcher,
  gem: gemMatcher,
  composer: composerMatcher,
  'php-pear': pearMatcher,
  nuget: nugetMatcher,
  swift: swiftMatcher,
  cocoapods: cocoapodsMatcher,
  pub: pubMatcher,
  conda: condaMatcher,
  bitnami: bitnamiMatcher,
  hex: hexMatcher,
  'erlang-otp': otpMatcher,
  'R-package': rMatcher,
  'lua-rocks': luaMatcher,
  hackage: hackageMatcher,
  alpm: alpmMatcher,
  portage: portageMatcher,
  nix: nixMatcher,
  conan: conanMatcher,
  'github-action': githubActionMatcher,
  'github-action-workflow': githubActionWorkflowMatcher,
  opam: opamMatcher,
  terraform: terraformMatcher,
  homebrew: homebrewMatcher,
  'wordpress-plugin': wordpressPluginMatcher,
  swiplpack: swiplpackMatcher,
  'apple-app-bundle': appleAppBundleMatcher,
  model: modelMatcher,
  binary: binaryMatcher,
} as const satisfies Record<PackageType, Matcher>;
