import type { Severity } from '@sekisho/model';
import type { OsvEvent, VersionSchemeId } from '../versioning/index.js';

/**
 * Where advisories for a package are looked up. OS packages: `<distro>:<release>` with the
 * distribution's release key (`debian:12`, `ubuntu:22.04`, `alpine:3.20`, `wolfi:rolling`,
 * `rhel:9`); language packages: `<ecosystem>` as OSV names it (`PyPI`, `npm`, `Go`,
 * `crates.io`, `Maven`, `RubyGems`, `Packagist`, `NuGet`).
 */
export type AdvisoryNamespace = string;

/** A vendor's verdict for one package in one release (distro trackers), or `fixed` when a fix version is stated. */
export type VendorStatus = 'fixed' | 'not-fixed' | 'wont-fix' | 'end-of-life' | 'not-affected' | 'unknown';

export interface AffectedRange {
  readonly scheme: VersionSchemeId;
  /** OSV events (introduced / fixed / last_affected / limit), evaluated with the scheme's compare. */
  readonly events: readonly OsvEvent[];
}

/** One package an advisory affects, in one namespace. */
export interface AffectedPackage {
  readonly namespace: AdvisoryNamespace;
  /** Normalized: PEP 503 for PyPI, lower-case for npm, `group:artifact` for Maven, source package for distros. */
  readonly packageName: string;
  readonly ranges: readonly AffectedRange[];
  /** Explicit affected versions (OSV `versions`), matched exactly. */
  readonly versions: readonly string[];
  readonly fixedVersions: readonly string[];
  readonly status: VendorStatus;
  /** The vendor's own severity for this package (e.g. Debian urgency mapped), when stated. */
  readonly vendorSeverity: Severity | null;
}

export interface SeverityVector {
  /** Who scored it: `nvd`, `ghsa`, `debian`, the feed id… */
  readonly source: string;
  readonly type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'vendor';
  /** The CVSS vector, or the vendor's word for `vendor`. */
  readonly score: string;
}

export interface Advisory {
  /** The feed's id: CVE-…, GHSA-…, PYSEC-…, GO-…, RUSTSEC-…, DSA-…, ALPINE-… */
  readonly id: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly details: string;
  readonly published: string | null;
  readonly modified: string | null;
  readonly withdrawn: string | null;
  readonly severity: readonly SeverityVector[];
  readonly references: readonly string[];
  readonly affected: readonly AffectedPackage[];
  /** Feed id that produced it: `osv-pypi`, `debian-tracker`, `alpine-secdb`, … */
  readonly source: string;
}

/** What a store answers for one (namespace, package): each advisory with the affected entry for that package. */
export interface AdvisoryHit {
  readonly advisory: Advisory;
  readonly affected: AffectedPackage;
}

/** Exploit and scoring facts keyed by CVE id. */
export interface CveFacts {
  readonly epss: { readonly score: number; readonly percentile: number } | null;
  readonly kev: { readonly dateAdded: string; readonly dueDate: string | null; readonly ransomware: boolean } | null;
  /** NVD's CVSS vectors for the CVE. */
  readonly nvd: readonly SeverityVector[];
}

export interface DbMetadata {
  readonly schemaVersion: number;
  readonly built: string;
  readonly sources: readonly { readonly id: string; readonly records: number; readonly skipped: number; readonly fetched: string | null }[];
}

/** Read-only advisory store used at scan time (SQLite in use; in-memory in tests). */
export interface AdvisoryStore {
  query(namespace: AdvisoryNamespace, packageName: string): readonly AdvisoryHit[];
  cveFacts(cveIds: readonly string[]): ReadonlyMap<string, CveFacts>;
  metadata(): DbMetadata;
  close(): void;
}
