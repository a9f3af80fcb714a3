import type { PackageType } from './ecosystem.js';
import type { Location } from './location.js';

/** How a package was found: installed (a package database, installed metadata), declared (a lockfile or manifest), or read from a binary's bytes. */
export type PackageEvidence = 'installed' | 'declared' | 'binary';

export interface DpkgDbEntry {
  readonly type: 'dpkg-db-entry';
  readonly architecture: string | null;
  readonly maintainer: string | null;
  readonly installedSize: number | null;
  /** Status as recorded by dpkg, e.g. `install ok installed`. */
  readonly status: string | null;
}

export interface ApkDbEntry {
  readonly type: 'apk-db-entry';
  readonly architecture: string | null;
  readonly maintainer: string | null;
  readonly installedSize: number | null;
  /** apk's package checksum (`C:` line). */
  readonly checksum: string | null;
}

export interface RpmDbEntry {
  readonly type: 'rpm-db-entry';
  readonly epoch: number | null;
  /** Upstream version, without epoch and release. */
  readonly version: string;
  readonly release: string;
  readonly architecture: string | null;
  readonly vendor: string | null;
  readonly sourceRpm: string | null;
  readonly modularityLabel: string | null;
}

export interface AlpmDbEntry {
  readonly type: 'alpm-db-entry';
  readonly architecture: string | null;
  readonly packager: string | null;
  readonly installedSize: number | null;
  /** The package base (`%BASE%`): the PKGBUILD several split packages come from. */
  readonly basePackage: string | null;
  readonly url: string | null;
  /** How pacman validated the package when installing it (`pgp`, `sha256`, `none`). */
  readonly validation: string | null;
  /** 0: installed explicitly; 1: installed as a dependency. */
  readonly reason: number | null;
}

/** Metadata of language and binary packages: a small, typed bag per ecosystem parser. */
export interface LanguagePackageEntry {
  readonly type: 'language-package';
  /** What the evidence file is, e.g. `package.json`, `package-lock.json`, `METADATA`, `pom.properties`, `go-buildinfo`. */
  readonly source: string;
  /** Extra facts stated by the evidence (author, homepage, integrity hash, checksum…), string-valued and sorted by key. */
  readonly fields: Readonly<Record<string, string>>;
}

export type PackageMetadata = DpkgDbEntry | ApkDbEntry | RpmDbEntry | AlpmDbEntry | LanguagePackageEntry;

export interface SourcePackage {
  readonly name: string;
  readonly version: string;
}

export interface Package {
  /** Stable id: a hash of type, name, version, purl and first location. */
  readonly id: string;
  readonly name: string;
  /** Full version as the ecosystem writes it (dpkg: `[epoch:]upstream[-revision]`; rpm: `[epoch:]version-release`). */
  readonly version: string;
  readonly type: PackageType;
  readonly purl: string;
  readonly cpes: readonly string[];
  /** License expressions or names, as stated by the evidence. */
  readonly licenses: readonly string[];
  /** Files that are evidence of the package. The first is the primary one; its layer is where the package was added. */
  readonly locations: readonly Location[];
  /** The cataloger that found it, e.g. `dpkg-db-cataloger`. */
  readonly foundBy: string;
  readonly evidence: PackageEvidence;
  /** Source package for OS packages (dpkg `Source:`, apk origin, rpm source RPM). */
  readonly source: SourcePackage | null;
  readonly metadata: PackageMetadata | null;
  /**
   * A development-only dependency (a lockfile's dev dependency, or reachable only from the
   * project's devDependencies). Reported only when dev dependencies are included (`includeDevDeps`).
   */
  readonly dev?: boolean;
}

export type RelationshipType = 'contains' | 'depends-on' | 'owns-file';

export interface Relationship {
  readonly from: string;
  /** A package id, or an absolute path for `owns-file`. */
  readonly to: string;
  readonly type: RelationshipType;
}

/** A file that should have yielded packages but could not be read: it is reported, and the scan goes on. */
export interface Unknown {
  readonly location: Location;
  readonly foundBy: string;
  readonly reason: string;
}
