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
import { apkCataloger } from './apk/index.js';
import { condaMetaCataloger } from './conda/index.js';
import { dartPubspecCataloger, dartPubspecLockCataloger } from './dart/index.js';
import { binaryClassifierCataloger } from './binary/index.js';
import { bitnamiCataloger } from './bitnami/index.js';
import { elixirMixLockCataloger } from './elixir/index.js';
import { erlangOtpApplicationCataloger, erlangRebarLockCataloger } from './erlang/index.js';
import { dotnetDepsCataloger, dotnetPackagesLockCataloger } from './dotnet/index.js';
import { dpkgCataloger, dpkgCopyrightCataloger } from './dpkg/index.js';
import { goModuleBinaryCataloger, goModuleFileCataloger } from './golang/index.js';
import { javaArchiveCataloger, javaGradleLockfileCataloger, javaJvmCataloger, javaPomCataloger } from './java/index.js';
import { javascriptLockCataloger, javascriptPackageCataloger } from './npm/index.js';
import { phpComposerInstalledCataloger, phpComposerLockCataloger, phpPearRegistryCataloger } from './php/index.js';
import { pythonInstalledPackageCataloger, pythonPackageCataloger } from './python/index.js';
import { portageCataloger } from './gentoo/index.js';
import { nixStoreCataloger } from './nix/index.js';
import { haskellCabalFreezeCataloger, haskellStackCataloger, haskellStackLockCataloger } from './haskell/index.js';
import { luaRockCataloger } from './lua/index.js';
import { rPackageCataloger } from './r/index.js';
import { rpmArchiveCataloger, rpmCataloger } from './rpm/index.js';
import { sbomCataloger } from './sbom/index.js';
import { snapCataloger } from './snap/index.js';
import { cocoapodsCataloger, swiftPackageManagerCataloger } from './swift/index.js';
import { rubyGemfileCataloger, rubyInstalledGemspecCataloger } from './ruby/index.js';
import { cargoAuditableBinaryCataloger, rustCargoLockCataloger } from './rust/index.js';
import type { Cataloger } from './types.js';

/** Every cataloger, explicitly (no side-effect registration). OS databases first, then languages, then binaries. */
export const catalogers: readonly Cataloger[] = [
  dpkgCataloger,
  dpkgCopyrightCataloger,
  apkCataloger,
  rpmCataloger,
  rpmArchiveCataloger,
  alpmDbCataloger,
  portageCataloger,
  nixStoreCataloger,
  snapCataloger,
  bitnamiCataloger,
  javascriptPackageCataloger,
  javascriptLockCataloger,
  pythonInstalledPackageCataloger,
  pythonPackageCataloger,
  condaMetaCataloger,
  elixirMixLockCataloger,
  erlangRebarLockCataloger,
  erlangOtpApplicationCataloger,
  rPackageCataloger,
  luaRockCataloger,
  haskellStackLockCataloger,
  haskellStackCataloger,
  haskellCabalFreezeCataloger,
  rubyInstalledGemspecCataloger,
  rubyGemfileCataloger,
  phpComposerInstalledCataloger,
  phpComposerLockCataloger,
  phpPearRegistryCataloger,
  dotnetDepsCataloger,
  dotnetPackagesLockCataloger,
  swiftPackageManagerCataloger,
  cocoapodsCataloger,
  dartPubspecLockCataloger,
  dartPubspecCataloger,
  javaArchiveCataloger,
  javaPomCataloger,
  javaGradleLockfileCataloger,
  javaJvmCataloger,
  goModuleBinaryCataloger,
  goModuleFileCataloger,
  cargoAuditableBinaryCataloger,
  rustCargoLockCataloger,
  conanCataloger,
  conanInfoCataloger,
  opamCataloger,
  swiplPackCataloger,
  terraformLockCataloger,
  githubActionsUsageCataloger,
  githubActionWorkflowUsageCataloger,
  homebrewCataloger,
  wordpressPluginsCataloger,
  appleAppBundleCataloger,
  ggufCataloger,
  sbomCataloger,
  binaryClassifierCataloger,
];
