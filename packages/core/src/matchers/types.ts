import type { Distro, Package, PackageType, Severity, VulnerabilityMatch } from '@sekisho/model';
import type { Advisory, AdvisoryStore, AffectedPackage, VendorStatus } from '../advisories/types.js';
import type { VersionSchemeId } from '../versioning/index.js';

/** What a matcher knows besides the package: the image's distribution and the advisory store. */
export interface MatchContext {
  readonly distro: Distro | null;
  readonly store: AdvisoryStore;
}

/** One advisory that affects one package, before alias merging and enrichment. */
export interface AdvisoryMatch {
  readonly advisory: Advisory;
  readonly affected: AffectedPackage;
  /** Fix versions above the installed one, in ascending order. */
  readonly fixedVersions: readonly string[];
  readonly status: Exclude<VendorStatus, 'not-affected'>;
  readonly vendorSeverity: Severity | null;
  /** Human-readable range or status that matched, e.g. `>=0, <2.0.7` or `not-fixed (vendor)`. */
  readonly constraint: string;
}

/** A package the matcher could not judge (no version scheme fits its version, distro release unknown…). */
export interface MatchUnknown {
  readonly packageId: string;
  readonly packageName: string;
  readonly version: string;
  readonly matcher: string;
  readonly reason: string;
}

export interface PackageMatchResult {
  readonly matches: readonly AdvisoryMatch[];
  /** The search that was made; null when the package could not be searched (see `unknown`). */
  readonly search: Omit<VulnerabilityMatch, 'found'> | null;
  readonly unknown: MatchUnknown | null;
}

/** A matcher judges packages of some types against the advisories of one kind of namespace. */
export interface Matcher {
  readonly id: string;
  /** Bump when output changes (cache keys). */
  readonly version: number;
  readonly packageTypes: readonly PackageType[];
  match(pkg: Package, ctx: MatchContext): PackageMatchResult;
}

export type { VersionSchemeId };
