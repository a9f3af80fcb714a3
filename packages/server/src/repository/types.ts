/**
 * The one storage interface of the server. Two implementations (SQLite, the default, and
 * PostgreSQL) pass the same contract suite (contract.ts). Jobs are not here: the queue library
 * owns its own tables (see readme.md); `Repository` only needs to stay usable beside it.
 */
import type {
  ApiRole,
  ApiTokenRecord,
  AuditEvent,
  AuditResult,
  ExceptionMatch,
  ExceptionRecord,
  ExceptionState,
  FindingFilter,
  FindingInterval,
  ImageRecord,
  Page,
  PageRequest,
  PolicyDecision,
  Report,
  ScanRecord,
  Severity,
  StoredDecision,
  StoredFinding,
  StoredInventory,
  TagRecord,
  FleetFilter,
  FleetOverview,
  ImageSummary,
  IncidentEventOutcome,
  IncidentEventRecord,
  IncidentFilter,
  IncidentRecord,
  IncidentState,
  IncidentTimelineEntry,
  SekishoEvent,
  ConfigAuditRecord,
  ConfigTarget,
  EventHistogram,
  StoredEvent,
  StoredEventFilter,
  WorkloadBreakoutPath,
  WorkloadFilter,
  WorkloadLayer,
  WorkloadLayerCell,
  WorkloadOverview,
  WorkloadRecord,
} from '@sekisho/model';

export type Dialect = 'sqlite' | 'postgres';

/** Largest page any list returns; smaller `limit`s are honoured, larger ones capped. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

export interface RecordScanOptions {
  /** When the scan ran; the store's clock otherwise. */
  readonly scannedAt?: Date;
  /**
   * Repositories (`registry/path`) and tags the digest is known by. Derived from the report's
   * reference (registry scans) and repo tags when absent.
   */
  readonly names?: readonly { readonly repository: string; readonly tag: string | null }[];
}

export interface RecordScanResult {
  readonly scan: ScanRecord;
  /** Identities that opened an interval in this scan, per scope. */
  readonly opened: number;
  /** Identities that got `fixedAt` in this scan, per scope. */
  readonly fixed: number;
}

export interface ListImagesFilter {
  readonly repository?: string;
}

export interface IntervalFilter {
  /** `repo:<repository>` or `image:<digest>`. */
  readonly scope: string;
  readonly identity?: string;
  /** Only open (true) or only fixed (false) intervals. */
  readonly open?: boolean;
}

export interface ProposeException {
  readonly match: ExceptionMatch;
  readonly owner: string;
  readonly reason: string;
  /** Last day it applies (YYYY-MM-DD). */
  readonly expires: string;
  readonly principal: string;
}

export interface ListExceptionsFilter {
  readonly state?: ExceptionState;
}

export interface AppendAudit {
  readonly at?: Date;
  readonly sourceIp: string | null;
  readonly method: string;
  readonly action: string;
  readonly principal: string;
  readonly result: AuditResult;
  readonly target?: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ListAuditFilter {
  readonly principal?: string;
  readonly action?: string;
  /** Inclusive bounds on `at` (ISO 8601). */
  readonly from?: string;
  readonly to?: string;
}

export interface CreateToken {
  /** The token's public id (the part before the secret). */
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  /** Hex SHA-256 of the whole token; the token itself is never stored. */
  readonly hash: string;
  readonly createdBy: string;
  readonly expiresAt?: Date | null;
}

/** A token with its stored hash, for the one place that checks a presented token. */
export interface TokenCredential {
  readonly token: ApiTokenRecord;
  readonly hash: string;
}

/** One interval of a scope with the severity of the finding that opened it. */
export interface SeverityInterval {
  readonly firstSeenAt: string;
  readonly fixedAt: string | null;
  readonly severity: Severity;
}

export interface RecordIncidentEventOptions {
  /** An event joins an open incident of its key at most this long after its last event (default 1 h). */
  readonly windowMs?: number;
}

/** A configuration audit (`sekisho config -f json`) as the store takes it. */
export interface RecordConfigAudit {
  /** The cluster (or other scope) the audited configuration belongs to. */
  readonly cluster: string;
  readonly environment: string | null;
  readonly principal: string;
  readonly status: 'complete' | 'incomplete';
  readonly statusReasons: readonly string[];
  readonly toolVersion: string | null;
  /** The audit covers the whole cluster: when it is complete, the cluster's workloads it does not name are removed. */
  readonly replace: boolean;
  readonly workloads: readonly {
    readonly target: ConfigTarget;
    /** The container's image reference as the configuration names it, when it does. */
    readonly image: string | null;
    readonly score: number;
    readonly layers: Readonly<Partial<Record<WorkloadLayer, WorkloadLayerCell>>>;
    readonly paths: readonly WorkloadBreakoutPath[];
  }[];
  readonly findings: readonly { readonly severity: Severity; readonly target: ConfigTarget }[];
}

export interface RecordConfigAuditResult {
  readonly audit: ConfigAuditRecord;
  /** Workloads of the cluster removed because a complete, cluster-wide audit no longer names them. */
  readonly removed: number;
}

export type EventBucket = 'hour' | 'day';

/** At most this many intervals feed one trend: larger scopes are refused, not truncated. */
export const MAX_TREND_INTERVALS = 200_000;
/** Most scopes (an environment's repositories) one interval query reads. */
export const MAX_INTERVAL_SCOPES = 2000;

export interface Repository {
  readonly dialect: Dialect;

  /**
   * Store one scan atomically: the image and its names, the scan, the digest's inventory, its
   * findings under `dbVersion`, and the finding lifecycle (first-seen / fixed-at). The report is
   * redacted again at this edge, so no secret value is stored whole.
   */
  recordScan(report: Report, dbVersion: string, options?: RecordScanOptions): Promise<RecordScanResult>;

  getImage(digest: string): Promise<ImageRecord | null>;
  /** Sorted by digest. */
  listImages(filter: ListImagesFilter, page?: PageRequest): Promise<Page<ImageRecord>>;

  /** Point a tag at a digest (a registry push, a watch result). */
  setTag(repository: string, tag: string, digest: string, at?: Date): Promise<TagRecord>;
  resolveTag(repository: string, tag: string): Promise<TagRecord | null>;
  /** Sorted by tag. */
  listTags(repository: string, page?: PageRequest): Promise<Page<TagRecord>>;

  getScan(id: string): Promise<ScanRecord | null>;
  /** Newest first. */
  listScans(digest: string, page?: PageRequest): Promise<Page<ScanRecord>>;

  getInventory(digest: string): Promise<StoredInventory | null>;
  /** Most severe first, then by finding id. */
  listFindings(filter: FindingFilter, page?: PageRequest): Promise<Page<StoredFinding>>;
  /** Oldest first. */
  listIntervals(filter: IntervalFilter, page?: PageRequest): Promise<Page<FindingInterval>>;

  recordDecision(digest: string, decision: PolicyDecision, scanId?: string | null, at?: Date): Promise<StoredDecision>;
  /** Newest first. */
  listDecisions(digest: string, page?: PageRequest): Promise<Page<StoredDecision>>;

  proposeException(input: ProposeException, at?: Date): Promise<ExceptionRecord>;
  /** From `proposed` only; STORE_CONFLICT otherwise. */
  approveException(id: string, principal: string, at?: Date): Promise<ExceptionRecord>;
  /** Expire one exception now (from `proposed` or `approved`). */
  expireException(id: string, principal: string, at?: Date): Promise<ExceptionRecord>;
  /** Expire every exception whose last day is before `at`'s day; returns how many. */
  expireDueExceptions(at?: Date): Promise<number>;
  getException(id: string): Promise<ExceptionRecord | null>;
  /** Sorted by proposal time, then id. */
  listExceptions(filter: ListExceptionsFilter, page?: PageRequest): Promise<Page<ExceptionRecord>>;

  /** Details and target are redacted before they are stored. */
  appendAudit(event: AppendAudit): Promise<AuditEvent>;
  /** Newest first. */
  listAudit(filter: ListAuditFilter, page?: PageRequest): Promise<Page<AuditEvent>>;

  /**
   * The report of a stored scan, rebuilt from what the store keeps: the scan's target, image facts,
   * scanners and not-checked list, the digest's inventory, and its findings under the scan's DB
   * version. Unknowns are kept as a count: a scan that had any is rebuilt with one unknown saying
   * how many, so it stays incomplete.
   */
  getScanReport(scanId: string): Promise<Report | null>;

  /**
   * Intervals of `scopes` (one, or up to MAX_INTERVAL_SCOPES read in one query) open at some moment
   * in [from, to), each with its finding's severity. STORE_INVALID when more than
   * MAX_TREND_INTERVALS match in all.
   */
  listSeverityIntervals(scopes: string | readonly string[], from: string, to: string): Promise<SeverityInterval[]>;

  /** STORE_CONFLICT when the name is taken. */
  createToken(input: CreateToken, at?: Date): Promise<ApiTokenRecord>;
  getTokenCredential(id: string): Promise<TokenCredential | null>;
  /** Sorted by name. */
  listTokens(page?: PageRequest): Promise<Page<ApiTokenRecord>>;
  /** STORE_NOT_FOUND for an unknown id; revoking twice keeps the first revocation. */
  revokeToken(id: string, principal: string, at?: Date): Promise<ApiTokenRecord>;

  /** The dashboard's image list: each image's latest scan counts and latest decision, newest scans first. */
  summarizeImages(filter: FleetFilter, page?: PageRequest): Promise<Page<ImageSummary>>;
  /** The fleet at a glance over each image's latest scan; `slaDays` sets what counts as past the fix SLA. */
  fleetOverview(filter: FleetFilter, slaDays: number, at?: Date): Promise<FleetOverview>;

  /**
   * File an event under an incident: it joins the newest unresolved incident of the same kind and
   * subject whose last event is at most the window before it, or opens a new one (a resolved
   * incident is never reopened). An event id seen before is a `duplicate` and changes nothing.
   */
  recordIncidentEvent(event: SekishoEvent, options?: RecordIncidentEventOptions): Promise<IncidentEventOutcome>;
  /**
   * `recordIncidentEvent` for up to MAX_PAGE_SIZE events, in order, in one transaction: every
   * event is checked first, and either all are filed or none (STORE_INVALID names the bad one).
   */
  recordIncidentEvents(events: readonly SekishoEvent[], options?: RecordIncidentEventOptions): Promise<IncidentEventOutcome[]>;
  getIncident(id: string): Promise<IncidentRecord | null>;
  /** Newest opened first. */
  listIncidents(filter: IncidentFilter, page?: PageRequest): Promise<Page<IncidentRecord>>;
  /** Oldest first; STORE_NOT_FOUND for an unknown incident. */
  listIncidentEvents(id: string, page?: PageRequest): Promise<Page<IncidentEventRecord>>;
  /** Oldest first; STORE_NOT_FOUND for an unknown incident. */
  incidentTimeline(id: string, page?: PageRequest): Promise<Page<IncidentTimelineEntry>>;
  /** open → acknowledged → resolved, or open → resolved; STORE_CONFLICT for any other change. */
  transitionIncident(id: string, to: IncidentState, principal: string, note?: string | null, at?: Date): Promise<IncidentRecord>;
  /** Set (or clear, with null) the owner; STORE_CONFLICT once resolved. */
  assignIncident(id: string, owner: string | null, principal: string, at?: Date): Promise<IncidentRecord>;
  addIncidentNote(id: string, principal: string, text: string, at?: Date): Promise<IncidentTimelineEntry>;
  /** Record an action taken on the incident (an automated response, a dry run of one). */
  recordIncidentAction(id: string, principal: string, action: string, details: Readonly<Record<string, unknown>>, at?: Date): Promise<IncidentTimelineEntry>;

  /** Store a configuration audit and the latest isolation analysis of each workload it names, atomically. */
  recordConfigAudit(audit: RecordConfigAudit, at?: Date): Promise<RecordConfigAuditResult>;
  getWorkload(id: string): Promise<WorkloadRecord | null>;
  /** Lowest isolation score first. */
  listWorkloads(filter: WorkloadFilter, page?: PageRequest): Promise<Page<WorkloadRecord>>;
  workloadOverview(filter: WorkloadFilter): Promise<WorkloadOverview>;
  /** Newest first. */
  listConfigAudits(page?: PageRequest): Promise<Page<ConfigAuditRecord>>;

  /** Keep up to MAX_PAGE_SIZE events for the timeline (redacted, an id seen before kept once); returns how many were new. */
  recordEvents(events: readonly SekishoEvent[]): Promise<number>;
  /** Newest first. */
  listEvents(filter: StoredEventFilter, page?: PageRequest): Promise<Page<StoredEvent>>;
  /** Events per hour or day by severity over [from, to]. */
  eventHistogram(filter: StoredEventFilter & { readonly from: string; readonly to: string }, bucket: EventBucket): Promise<EventHistogram>;
  close(): Promise<void>;
}
