import type { Location } from './location.js';
import type { PackageType } from './ecosystem.js';
import type { Severity } from './severity.js';

export const FINDING_KINDS = ['vulnerability', 'secret', 'malware', 'misconfiguration', 'hardening', 'supply-chain'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

interface FindingBase {
  /** Stable id: a hash of kind, rule, target and location, so reports can be compared. */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why it matched, in words a user can act on. */
  readonly description: string;
  readonly location: Location | null;
  /** The build step (history `created_by`) of the layer that brought it, when known. */
  readonly createdBy: string | null;
  /** Index of the layer that deleted or replaced the file; the content stays extractable from the image. */
  readonly removedInLayer: number | null;
  /** The plugin that produced it. */
  readonly foundBy: string;
  /** The shortest fix. */
  readonly fix: string | null;
  readonly references: readonly string[];
}

export interface VulnerabilityFinding extends FindingBase {
  readonly kind: 'vulnerability';
  readonly vulnerabilityId: string;
  readonly aliases: readonly string[];
  readonly packageId: string;
  readonly packageName: string;
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly status: 'fixed' | 'not-fixed' | 'wont-fix' | 'end-of-life' | 'unknown';
  /** Package type and purl of the affected package (set by the matchers). */
  readonly packageType?: PackageType;
  readonly purl?: string;
  /** How the match was made: what was searched, which advisories matched, by which matcher. */
  readonly match?: VulnerabilityMatch;
  /** Set when the package's files belong to an OS package and it was also matched against its language feed. */
  readonly osOwner?: { readonly packageId: string; readonly packageName: string } | null;
  /** The distribution's own severity, when its tracker states one. */
  readonly vendorSeverity?: Severity | null;
  /** CVSS scores computed from the vectors the feeds and NVD publish. */
  readonly cvss?: readonly CvssScore[];
  readonly epss?: { readonly score: number; readonly percentile: number } | null;
  readonly kev?: { readonly dateAdded: string; readonly dueDate: string | null; readonly ransomware: boolean } | null;
  /** Where the finding ranks for action (docs/priority.md). */
  readonly priority?: VulnerabilityPriority;
  /** The earliest publication date of the matched advisories (ISO 8601), when a feed states one: the clock of fix SLAs. */
  readonly published?: string | null;
}

/** One search that found a vulnerability, and what it found. */
export interface VulnerabilityMatch {
  /** Matcher id, e.g. `distro-matcher`, `pypi-matcher`. */
  readonly matcher: string;
  /** `direct` (the package's own name), `source-package` (an OS package's source name), `os-owned` (a language package inside an OS package). */
  readonly searchedBy: 'direct' | 'source-package' | 'os-owned';
  readonly namespace: string;
  readonly packageName: string;
  readonly version: string;
  /** Version scheme used to compare, e.g. `deb`, `pep440`. */
  readonly scheme: string;
  /** Each advisory that matched, with the range or vendor status that made it match. */
  readonly found: readonly { readonly advisoryId: string; readonly source: string; readonly constraint: string }[];
}

export interface CvssScore {
  /** Who published the vector: `nvd`, the feed id, … */
  readonly source: string;
  readonly version: '2.0' | '3.0' | '3.1' | '4.0';
  readonly vector: string;
  readonly baseScore: number;
}

export type PriorityLevel = 'p1' | 'p2' | 'p3' | 'p4';

export interface VulnerabilityPriority {
  readonly level: PriorityLevel;
  readonly score: number;
  /** The factors behind the score, in words. */
  readonly factors: readonly string[];
}

export interface SecretFinding extends FindingBase {
  readonly kind: 'secret';
  /** Redacted unless the user asked to show secrets. */
  readonly match: string;
  readonly line: number | null;
}

export interface MalwareFinding extends FindingBase {
  readonly kind: 'malware';
  readonly sha256: string | null;
}

/** Where in a configuration document a misconfiguration sits. */
export interface ConfigTarget {
  readonly file: string;
  /** Zero-based index of the document in a multi-document file. */
  readonly document: number | null;
  readonly kind: string | null;
  readonly name: string | null;
  readonly namespace: string | null;
  readonly container: string | null;
}

/** A named standard a result belongs to, e.g. Pod Security Standards restricted, check `privileged`, version `v1.30`. */
export interface StandardRef {
  readonly name: string;
  readonly level: string;
  readonly check: string;
  readonly version: string;
}

export interface MisconfigurationFinding extends FindingBase {
  readonly kind: 'misconfiguration';
  readonly target: ConfigTarget;
  /** Field path in the document, e.g. `spec.containers[0].securityContext.privileged`. */
  readonly fieldPath: string | null;
  readonly standard: StandardRef | null;
}

export interface HardeningFinding extends FindingBase {
  readonly kind: 'hardening';
  readonly evidence: string;
}

export interface SupplyChainFinding extends FindingBase {
  readonly kind: 'supply-chain';
  readonly evidence: string;
}

export type Finding = VulnerabilityFinding | SecretFinding | MalwareFinding | MisconfigurationFinding | HardeningFinding | SupplyChainFinding;
