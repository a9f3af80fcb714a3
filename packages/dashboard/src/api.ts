import type {
  IncidentEventRecord,
  IncidentRecord,
  IncidentTimelineEntry,
  ExceptionRecord,
  FindingInterval,
  HealthGrade,
  ImageRecord,
  Page,
  ScanRecord,
  Severity,
  SeverityCounts,
  StoredDecision,
  StoredFinding,
  AuditEvent,
  AdvisoryUpdateTrend,
  ConfigAuditRecord,
  EventHistogram,
  StoredEvent,
  WorkloadOverview,
  WorkloadRecord,
} from '@sekisho/model';

/** What the server says about the caller (`GET /api/v1/whoami`). */
export interface Principal {
  readonly name: string;
  readonly role: 'viewer' | 'scanner' | 'approver' | 'admin';
}

export interface ImageSummary {
  readonly digest: string;
  readonly repositories: readonly string[];
  readonly tags: readonly string[];
  readonly lastScannedAt: string;
  readonly scanId: string | null;
  readonly status: 'complete' | 'incomplete' | null;
  readonly severityCounts: SeverityCounts | null;
  readonly packageCount: number;
  readonly kev: number;
  readonly environment: string | null;
  readonly decision: { readonly result: 'pass' | 'warn' | 'fail'; readonly grade: HealthGrade; readonly score: number; readonly environment: string } | null;
}

export interface Overview {
  readonly images: number;
  readonly bySeverity: SeverityCounts;
  readonly byPriority: Readonly<Record<'p1' | 'p2' | 'p3' | 'p4', number>>;
  readonly kev: number;
  readonly pastSla: number;
  readonly slaDays: number;
  readonly dbBuiltAt: string | null;
  readonly environments: readonly { readonly name: string; readonly images: number; readonly failing: number; readonly grades: Readonly<Record<HealthGrade, number>> }[];
}

export interface TrendPoint {
  readonly at: string;
  readonly open: SeverityCounts;
  /** Findings first seen / fixed in the bucket ending at `at`. */
  readonly opened: number;
  readonly fixed: number;
  readonly meanDaysToFix: number | null;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'sekisho.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined | null>>;

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return `/api/v1${path}${qs === '' ? '' : `?${qs}`}`;
}

/** The server's public API, same origin only, with the token the user gave (kept for the tab's session). */
export async function api<T>(method: 'GET' | 'POST', path: string, query?: Query, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = storedToken();
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(withQuery(path, query), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const err = JSON.parse(text) as { message?: string };
      if (typeof err.message === 'string') message = err.message;
    } catch {
      // not JSON
    }
    throw new ApiFailure(res.status, message);
  }
  return (text === '' ? null : JSON.parse(text)) as T;
}

export const Api = {
  whoami: () => api<Principal>('GET', '/whoami'),
  overview: (q: Query) => api<Overview>('GET', '/overview', q),
  images: (q: Query) => api<Page<ImageSummary>>('GET', '/images/summary', q),
  image: (digest: string) => api<ImageRecord>('GET', `/images/${encodeURIComponent(digest)}`),
  scans: (digest: string) => api<Page<ScanRecord>>('GET', '/scans', { digest, limit: 50 }),
  report: (scanId: string) => api<ReportDocument>('GET', `/scans/${encodeURIComponent(scanId)}/report`),
  findings: (q: Query) => api<Page<StoredFinding>>('GET', '/findings', q),
  decisions: (digest: string) => api<Page<StoredDecision>>('GET', `/images/${encodeURIComponent(digest)}/decisions`, { limit: 10 }),
  trends: (q: Query) => api<{ readonly points: readonly TrendPoint[] } & Record<string, unknown>>('GET', '/trends', q),
  advisoryUpdates: (q: Query) => api<AdvisoryUpdateTrend>('GET', '/trends/advisory-updates', q),
  compare: (before: string, after: string) => api<Record<string, unknown>>('GET', '/compare', { before, after }),
  exceptions: (q: Query) => api<Page<ExceptionRecord>>('GET', '/exceptions', q),
  propose: (body: unknown) => api<ExceptionRecord>('POST', '/exceptions', undefined, body),
  approve: (id: string) => api<ExceptionRecord>('POST', `/exceptions/${encodeURIComponent(id)}/approve`, undefined, {}),
  expire: (id: string) => api<ExceptionRecord>('POST', `/exceptions/${encodeURIComponent(id)}/expire`, undefined, {}),
  audit: (q: Query) => api<Page<AuditEvent>>('GET', '/audit', q),
  intervals: (q: Query) => api<Page<FindingInterval>>('GET', '/intervals', q),
  incidents: (q: Query) => api<Page<IncidentRecord>>('GET', '/incidents', q),
  incident: (id: string) =>
    api<{ readonly incident: IncidentRecord; readonly timeline: Page<IncidentTimelineEntry>; readonly events: Page<IncidentEventRecord> }>('GET', `/incidents/${encodeURIComponent(id)}`),
  acknowledge: (id: string) => api<IncidentRecord>('POST', `/incidents/${encodeURIComponent(id)}/acknowledge`, undefined, {}),
  resolve: (id: string) => api<IncidentRecord>('POST', `/incidents/${encodeURIComponent(id)}/resolve`, undefined, {}),
  workloads: (q: Query) => api<Page<WorkloadRecord>>('GET', '/workloads', q),
  workloadOverview: (q: Query) => api<WorkloadOverview>('GET', '/workloads/overview', q),
  workload: (id: string) => api<WorkloadRecord>('GET', `/workloads/${encodeURIComponent(id)}`),
  configAudits: (q: Query) => api<Page<ConfigAuditRecord>>('GET', '/config-audits', q),
  events: (q: Query) => api<Page<StoredEvent>>('GET', '/events', q),
  eventHistogram: (q: Query) => api<EventHistogram>('GET', '/events/histogram', q),
  assign: (id: string, owner: string) => api<IncidentRecord>('POST', `/incidents/${encodeURIComponent(id)}/assign`, undefined, { owner }),
};

/** The parts of a stored report (`sekisho.report/v1`) the image view shows. */
export interface ReportDocument {
  readonly target: { readonly reference: string; readonly manifestDigest: string | null };
  readonly status?: string;
  readonly statusReasons?: readonly string[];
  /** Scanners that ran (`supply-chain` when a trust policy was checked). */
  readonly scanners?: readonly string[];
  readonly distro: { readonly prettyName: string; readonly eol?: { readonly phase?: string } } | null;
  readonly image: { readonly layers: readonly { readonly index: number; readonly digest: string | null; readonly size: number | null; readonly createdBy: string | null }[] } | null;
  readonly packages: readonly {
    readonly id: string;
    readonly name: string;
    readonly version: string;
    readonly type: string;
    readonly licenses: readonly string[];
    readonly locations: readonly { readonly path: string; readonly layerIndex: number | null }[];
  }[];
  readonly findings: readonly ReportFinding[];
  readonly policy?: {
    readonly result: string;
    readonly grade: HealthGrade;
    readonly score: number;
    readonly environment: string;
    readonly rules: readonly {
      readonly id: string;
      readonly kind: string;
      readonly status: string;
      readonly outcome: string;
      readonly message: string;
      readonly evidence: readonly { readonly text: string; readonly fix: string | null }[];
    }[];
  } | null;
}

export interface ReportFinding {
  readonly id: string;
  readonly kind: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly fix: string | null;
  readonly location: { readonly path: string; readonly layerIndex: number | null } | null;
  readonly vulnerabilityId?: string;
  readonly packageName?: string;
  readonly installedVersion?: string;
  readonly fixedVersions?: readonly string[];
  readonly kev?: unknown;
  readonly epss?: { readonly score: number; readonly percentile: number } | null;
  readonly priority?: { readonly level: string; readonly score: number; readonly factors: readonly string[] };
  readonly match?: string;
}
