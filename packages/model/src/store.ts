/**
 * What the server stores and the API returns: images by digest, tags, scans, inventories,
 * findings with their lifecycle, policy decisions, exceptions and audit events. Browser-safe:
 * the dashboard reads these shapes from the public API.
 */
import type { Distro } from './distro.js';
import type { Finding, FindingKind, PriorityLevel } from './finding.js';
import type { Package, Relationship } from './package.js';
import type { HealthGrade, PolicyDecision } from './policy.js';
import type { Platform, ReportStatus } from './report.js';
import type { Severity } from './severity.js';

/** One page of a list, and the opaque cursor of the next page (null on the last one). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Keyset pagination: `cursor` is the `nextCursor` of the page before; `limit` is capped by the store. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** An image manifest, identified by its verified digest; one digest is scanned once however many tags name it. */
export interface ImageRecord {
  readonly digest: string;
  readonly configDigest: string | null;
  readonly platform: Platform | null;
  readonly size: number | null;
  /** Repositories (`registry/path`) the digest was seen in, sorted. */
  readonly repositories: readonly string[];
  readonly firstSeenAt: string;
  readonly lastScannedAt: string;
}

/** Where a tag of a repository points now. */
export interface TagRecord {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly updatedAt: string;
}

export type SeverityCounts = Readonly<Record<Severity, number>>;

/** One recorded scan of a digest with one advisory-database version. */
export interface ScanRecord {
  readonly id: string;
  readonly digest: string;
  /** What was asked for, as written (redacted). */
  readonly reference: string;
  readonly dbVersion: string;
  readonly scannedAt: string;
  readonly toolVersion: string;
  readonly status: ReportStatus;
  readonly statusReasons: readonly string[];
  /** Scanners that ran to the end. */
  readonly scanners: readonly string[];
  readonly packageCount: number;
  readonly findingCount: number;
  readonly severityCounts: SeverityCounts;
}

/** The inventory (SBOM) of a digest as of its latest scan: what a database update re-matches without reading layers. */
export interface StoredInventory {
  readonly digest: string;
  readonly scanId: string;
  readonly distro: Distro | null;
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly updatedAt: string;
}

/** A finding of a digest under one advisory-database version. */
export interface StoredFinding {
  readonly digest: string;
  readonly dbVersion: string;
  readonly scanId: string;
  /** What makes two findings "the same" across scans and digests (see `findingIdentity`). */
  readonly identity: string;
  /** Start of the open interval the finding belongs to (repository-wide when the digest is its repository's newest). */
  readonly firstSeenAt: string;
  readonly kev: boolean;
  readonly fixable: boolean;
  readonly finding: Finding;
}

/** Findings of one digest; without `dbVersion` the version of its latest scan. */
export interface FindingFilter {
  readonly digest: string;
  readonly dbVersion?: string;
  readonly severities?: readonly Severity[];
  readonly kinds?: readonly FindingKind[];
  readonly kev?: boolean;
  readonly fixable?: boolean;
  /** Inclusive bounds on `firstSeenAt` (ISO 8601). */
  readonly firstSeenFrom?: string;
  readonly firstSeenTo?: string;
}

/**
 * One interval in which a finding identity was present in a scope: `repo:<repository>` (the
 * repository's newest digest) or `image:<digest>`. A finding that disappears gets `fixedAt`; one
 * that comes back opens a new interval.
 */
export interface FindingInterval {
  readonly scope: string;
  readonly identity: string;
  readonly kind: FindingKind;
  readonly firstSeenAt: string;
  readonly firstSeenDigest: string;
  readonly fixedAt: string | null;
  readonly fixedDigest: string | null;
}

export interface StoredDecision {
  readonly id: string;
  readonly digest: string;
  readonly scanId: string | null;
  readonly recordedAt: string;
  readonly decision: PolicyDecision;
}

export type ExceptionState = 'proposed' | 'approved' | 'expired';

/** What an exception excuses: a finding (`id`: vulnerability or rule id) or a policy rule (`rule`), in a scope. Mirrors the policy file's exceptions. */
export interface ExceptionMatch {
  readonly id?: string;
  readonly rule?: string;
  readonly purl?: string;
  readonly package?: string;
  readonly images?: readonly string[];
  readonly environments?: readonly string[];
}

export interface ExceptionRecord {
  readonly id: string;
  readonly match: ExceptionMatch;
  readonly owner: string;
  readonly reason: string;
  /** Last day it applies (YYYY-MM-DD). */
  readonly expires: string;
  readonly state: ExceptionState;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  /** Who expired it early, or `system` when its date passed. */
  readonly expiredBy: string | null;
  readonly expiredAt: string | null;
}

export type AuditResult = 'success' | 'denied' | 'failure';

/** Every request and decision is an event: time, source IP, method, action, principal, result. */
export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly sourceIp: string | null;
  /** HTTP method, `admission`, `cli`, `system`… */
  readonly method: string;
  /** What was done, e.g. `scan.record`, `exception.approve`. */
  readonly action: string;
  readonly principal: string;
  readonly result: AuditResult;
  /** What it was done to (a digest, an exception id), when one thing. */
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

const SCANNER_OF_KIND = {
  vulnerability: 'vuln',
  secret: 'secret',
  malware: 'malware',
  misconfiguration: 'config',
  hardening: 'hardening',
  'supply-chain': 'supply-chain',
} as const satisfies Record<FindingKind, string>;

/** The `--scanners` name of the scanner that produces findings of `kind`. */
export function scannerOfKind(kind: FindingKind): string {
  return SCANNER_OF_KIND[kind];
}

/**
 * What makes a finding the same one across scans and digests: the vulnerability id and the
 * package for vulnerabilities (a new version of a still-vulnerable package is the same finding);
 * the kind, rule and path for everything else.
 */
export function findingIdentity(finding: Finding): string {
  if (finding.kind === 'vulnerability') {
    return ['vulnerability', finding.vulnerabilityId, finding.packageType ?? '', finding.packageName].join('|');
  }
  const path = finding.location?.path ?? (finding.kind === 'misconfiguration' ? finding.target.file : '');
  return [finding.kind, finding.ruleId, path].join('|');
}

/** Vulnerabilities with a fixed version to move to; nothing else counts as fixable. */
export function findingFixable(finding: Finding): boolean {
  return finding.kind === 'vulnerability' && finding.fixedVersions.length > 0;
}

/** Vulnerabilities in CISA's Known Exploited Vulnerabilities catalogue. */
export function findingInKev(finding: Finding): boolean {
  return finding.kind === 'vulnerability' && finding.kev !== undefined && finding.kev !== null;
}

/** One image as the fleet views list it: its latest scan's counts and its latest policy decision. */
export interface ImageSummary {
  readonly digest: string;
  readonly repositories: readonly string[];
  readonly tags: readonly string[];
  readonly lastScannedAt: string;
  readonly scanId: string | null;
  readonly status: ReportStatus | null;
  readonly severityCounts: SeverityCounts | null;
  readonly packageCount: number;
  /** KEV-listed vulnerabilities in the latest scan. */
  readonly kev: number;
  readonly decision: { readonly environment: string; readonly result: 'pass' | 'warn' | 'fail'; readonly grade: HealthGrade | null; readonly score: number | null } | null;
}

export interface FleetFilter {
  readonly repository?: string;
  /** Repositories under this registry host (`registry.example`, `ghcr.io`). */
  readonly registry?: string;
  /** Images that workloads of this Kubernetes namespace run, as the stored configuration audits name them. */
  readonly namespace?: string;
  /** The environment of the image's latest policy decision. */
  readonly environment?: string;
}

/** The fleet at a glance: vulnerabilities of each image's latest scan, summed. */
export interface FleetOverview {
  readonly images: number;
  readonly bySeverity: SeverityCounts;
  /** Vulnerabilities by priority level (docs/priority.md); scans stored before priorities were kept count in none. */
  readonly byPriority: Readonly<Record<PriorityLevel, number>>;
  readonly kev: number;
  /** Fixable critical and high vulnerabilities first seen more than `slaDays` ago. */
  readonly pastSla: number;
  readonly slaDays: number;
  readonly environments: readonly { readonly name: string; readonly images: number; readonly failing: number; readonly grades: Readonly<Record<HealthGrade, number>> }[];
}
