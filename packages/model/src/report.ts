import type { Distro } from './distro.js';
import type { PackageType } from './ecosystem.js';
import type { Finding } from './finding.js';
import type { LayerInfo } from './location.js';
import type { Package, Relationship, Unknown } from './package.js';
import type { PolicyDecision } from './policy.js';

export type SourceType = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'rootfs' | 'zip' | 'registry' | 'sbom';

/** A plain file tree (an unpacked root fs, a ZIP archive such as a function package): no image, no layers of its own. */
export function isFileTreeSource(type: SourceType): boolean {
  return type === 'rootfs' || type === 'zip';
}

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | null;
}

/** Facts from the image config that later checks need (user, ports, env, healthcheck…). */
export interface ImageConfigFacts {
  readonly user: string | null;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string | null;
  readonly exposedPorts: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly healthcheck: readonly string[] | null;
  readonly created: string | null;
}

export interface ScanTarget {
  /** What the user asked for, as written. */
  readonly reference: string;
  readonly sourceType: SourceType;
  /** Digest of the manifest the scan resolved to, or null (root-fs directory). */
  readonly manifestDigest: string | null;
  readonly configDigest: string | null;
  readonly platform: Platform | null;
  readonly repoTags: readonly string[];
}

export interface ImageFacts {
  readonly layers: readonly LayerInfo[];
  readonly config: ImageConfigFacts;
  /** Sum of compressed layer sizes. */
  readonly size: number | null;
}

export const REPORT_SCHEMA = 'sekisho.report/v1' as const;

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly tool: { readonly name: 'sekisho'; readonly version: string };
  readonly target: ScanTarget;
  readonly image: ImageFacts | null;
  readonly distro: Distro | null;
  /** Sorted by type, name, version, id. */
  readonly packages: readonly Package[];
  readonly relationships: readonly Relationship[];
  readonly findings: readonly Finding[];
  /** Files and entries that could not be read: each one makes the report incomplete. */
  readonly unknowns: readonly Unknown[];
  /** Scanners that were asked for but could not judge the target: each one makes the report incomplete. */
  readonly notChecked: readonly NotChecked[];
  /**
   * Scanners that ran to the end (`vuln`, `secret`, `malware`, `hardening`, `supply-chain`, `config`,
   * `license`). Absent in reports from older versions: a policy rule that needs a scanner is then
   * not judged, never passed.
   */
  readonly scanners?: readonly string[];
  /** The policy decision when the scan was given `--policy FILE` (docs/policy.md): rendered in every format. */
  readonly policy?: PolicyDecision;
  /**
   * Packages the vulnerability scan listed but could not search, by type, because no advisory feed
   * covers their ecosystem (conda, CocoaPods, LuaRocks…). Set when matching ran. Unlike unknowns
   * they do not make the report incomplete (the rest of the target was judged), but every format
   * says so, so no reader takes them for checked and clean.
   */
  readonly notSearchable?: Readonly<Partial<Record<PackageType, number>>>;
  /**
   * Paths the user chose not to scan (`--skip-dirs`, `--skip-files`, a repository's `.gitignore`):
   * never read, by choice. Unlike unknowns they do not make the report incomplete.
   */
  readonly skipped?: SkippedPaths;
}

/** What a scan left out on the user's request. */
export interface SkippedPaths {
  /** The patterns as given (`dir:node_modules`, `file:*.min.js`, `gitignore:.gitignore`). */
  readonly patterns: readonly string[];
  /** How many entries were skipped (a skipped directory counts once). */
  readonly count: number;
  /** The first skipped paths (at most 100). */
  readonly paths: readonly string[];
}

/** A scanner that was asked for and could not run (vulnerabilities without an advisory database…). */
export interface NotChecked {
  /** Scanner name as `--scanners` spells it: `vuln`, `secret`, `malware`, `config`… */
  readonly scanner: string;
  readonly reason: string;
  /** The one command or flag that fixes it, or null. */
  readonly fix: string | null;
}

export type ReportStatus = 'complete' | 'incomplete';

export interface ReportCompleteness {
  readonly status: ReportStatus;
  /** Human-readable reasons, one per cause (unknowns are summarised by count). */
  readonly reasons: readonly string[];
  /** What was listed but not judged without making the report incomplete (`notSearchable`), one line per cause. */
  readonly notes: readonly string[];
}

/**
 * A report is complete only when every file was read and every scanner asked for ran. Gates
 * (`--fail-on`, policies) fail an incomplete report unless the user explicitly allows it.
 */
export function reportCompleteness(report: Pick<Report, 'unknowns' | 'notChecked' | 'notSearchable'>): ReportCompleteness {
  const reasons: string[] = report.notChecked.map((n) => `${n.scanner} not checked: ${n.reason}`);
  if (report.unknowns.length > 0) reasons.push(`${report.unknowns.length} file(s) or entries could not be read (see unknowns)`);
  const unsearched = Object.entries(report.notSearchable ?? {})
    .filter(([type, n]) => type !== 'binary' && n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, n]) => `${type} ${n}`);
  const notes = unsearched.length === 0 ? [] : [`not checked for vulnerabilities, no advisory feed covers their type: ${unsearched.join(', ')} package(s)`];
  return { status: reasons.length === 0 ? 'complete' : 'incomplete', reasons, notes };
}

/**
 * The report as `--format json` writes it: the Report plus its completeness, so a reader does not
 * have to recompute it (`status` is `incomplete` when `unknowns` or `notChecked` are non-empty).
 */
export interface ReportDocument extends Report {
  readonly status: ReportStatus;
  readonly statusReasons: readonly string[];
  /** Present when there is something to note (see ReportCompleteness.notes). */
  readonly statusNotes?: readonly string[];
}

/** The JSON form of a report, with `status` and `statusReasons` after `tool`. */
export function toReportDocument(report: Report): ReportDocument {
  const { schema, tool, ...rest } = report;
  const completeness = reportCompleteness(report);
  const notes = completeness.notes.length === 0 ? {} : { statusNotes: completeness.notes };
  // an input that already carried a status (a report read back from JSON) gets the fresh one
  const { statusNotes: _stale, ...body } = rest as typeof rest & { readonly statusNotes?: unknown };
  const document = { schema, tool, status: completeness.status, statusReasons: completeness.reasons, ...notes, ...body };
  return { ...document, status: completeness.status, statusReasons: completeness.reasons, ...notes };
}
