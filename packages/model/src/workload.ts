/**
 * Workloads as the server keeps them: the latest isolation analysis of each workload from the
 * configuration audits it was sent (`sekisho config --server`), and the events the other
 * components reported (runtime alerts, admission decisions, in-app detections), kept for the
 * timeline. Browser-safe: the dashboard reads these from the public API.
 */
import type { EventKind, EventResult, SekishoEvent } from './event.js';
import type { Severity } from './severity.js';
import type { SeverityCounts } from './store.js';

/** The isolation layers of a container, in the order the analysis reports them. */
export const WORKLOAD_LAYERS = [
  'user-namespace',
  'non-root',
  'capabilities',
  'seccomp',
  'mac',
  'no-new-privs',
  'read-only-root',
  'cgroup-limits',
  'host-namespaces',
  'host-mounts',
  'sandbox',
  'api-credentials',
] as const;
export type WorkloadLayer = (typeof WORKLOAD_LAYERS)[number];

export interface WorkloadLayerCell {
  readonly state: 'held' | 'partial' | 'missing';
  readonly detail: string;
}

/** A breakout technique whose preconditions hold (`open`) or may hold (`conditional`) for a workload. */
export interface WorkloadBreakoutPath {
  readonly techniqueId: string;
  readonly name: string;
  readonly impact: string;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  /** `open`: every precondition holds; `conditional`: holds unless an unknown fact (runtime version, image user…) rules it out. */
  readonly certainty: 'open' | 'conditional';
  /** Which preconditions hold, and which depend on unknown facts. */
  readonly because: readonly string[];
  readonly unknowns: readonly string[];
  /** The smallest change that closes the path. */
  readonly fix: string;
  readonly references: readonly string[];
}

export interface WorkloadRecord {
  /** Stable: a hash of cluster, namespace, kind, name and container. */
  readonly id: string;
  readonly cluster: string;
  readonly environment: string | null;
  readonly namespace: string | null;
  readonly kind: string | null;
  readonly name: string | null;
  readonly container: string | null;
  /** The container's image reference as the configuration names it. */
  readonly image: string | null;
  /** The file the latest audit read it from (as the audit named it). */
  readonly file: string;
  /** 0–100 (docs/isolation.md). */
  readonly score: number;
  readonly layers: Readonly<Partial<Record<WorkloadLayer, WorkloadLayerCell>>>;
  readonly paths: readonly WorkloadBreakoutPath[];
  readonly openPaths: number;
  readonly conditionalPaths: number;
  /** Misconfiguration findings the latest audit reported for this workload's document. */
  readonly misconfigurations: SeverityCounts;
  readonly auditId: string;
  readonly auditedAt: string;
  /** False when the audit that reported it refused some input: other workloads may be missing from it. */
  readonly auditComplete: boolean;
}

export interface WorkloadFilter {
  readonly cluster?: string;
  readonly namespace?: string;
  readonly environment?: string;
  /** Only workloads with an open path (`open`), with an open or conditional one (`any`). */
  readonly paths?: 'open' | 'any';
}

/** One stored configuration audit: who sent it, what it covered, whether it was complete. */
export interface ConfigAuditRecord {
  readonly id: string;
  readonly cluster: string;
  readonly environment: string | null;
  readonly receivedAt: string;
  readonly principal: string;
  readonly status: 'complete' | 'incomplete';
  readonly statusReasons: readonly string[];
  readonly workloads: number;
  readonly findings: number;
  readonly toolVersion: string | null;
}

export interface WorkloadOverview {
  readonly workloads: number;
  readonly withOpenPaths: number;
  readonly withConditionalPaths: number;
  /** Workloads whose layer is missing, per layer. */
  readonly missingLayers: Readonly<Partial<Record<WorkloadLayer, number>>>;
  readonly meanScore: number | null;
  readonly clusters: readonly string[];
  readonly namespaces: readonly string[];
}

/** An event as the server stored it (redacted), with when it arrived. */
export interface StoredEvent {
  readonly receivedAt: string;
  readonly event: SekishoEvent;
}

export interface StoredEventFilter {
  readonly kinds?: readonly EventKind[];
  /** At or above this severity. */
  readonly minSeverity?: Severity;
  readonly result?: EventResult;
  readonly namespace?: string;
  /** Inclusive bounds on the event's time (ISO 8601). */
  readonly from?: string;
  readonly to?: string;
}

/** Events per time bucket, by severity: the timeline's plot. */
export interface EventHistogram {
  readonly bucketMs: number;
  readonly buckets: readonly { readonly at: string; readonly counts: SeverityCounts }[];
}
