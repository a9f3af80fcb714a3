import type { HostFacts } from './isolation/profile.js';
import { createHash } from 'node:crypto';
import type { ConfigTarget, MisconfigurationFinding, Severity, StandardRef } from '@sekisho/model';
import type { IsolationProfile, LayerMatrix, OpenPath } from './isolation/profile.js';

/** The configuration formats `sekisho config` understands. */
export const CONFIG_DOCUMENT_KINDS = ['kubernetes', 'dockerfile', 'compose', 'docker-inspect'] as const;
export type ConfigDocumentKind = (typeof CONFIG_DOCUMENT_KINDS)[number];

export function isConfigDocumentKind(value: string): value is ConfigDocumentKind {
  return (CONFIG_DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** One input file: its path as the user named it, and its raw bytes. */
export interface ConfigInput {
  readonly path: string;
  readonly content: Uint8Array;
  /** Forces the format (`--type`); otherwise it is detected from name and content. */
  readonly typeHint?: ConfigDocumentKind;
}

export interface ConfigAuditOptions {
  /** Pod Security Standards version, `v1.xx` or `latest` (the default). */
  readonly pssVersion?: string;
  /** What is known about the nodes (kernel, runc, containerd, cgroup version): turns "depends on" breakout paths into open or closed ones. */
  readonly hostFacts?: HostFacts;
}

/** What one check says about one spot in a document. */
export interface CheckResult {
  /** Field path in the document, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly fieldPath: string | null;
  /** Why it matched, in words a user can act on. */
  readonly message: string;
  /** The shortest fix for this spot; the check's generic fix is used when absent. */
  readonly fix?: string;
  /** Overrides the target's container when the result is about one container. */
  readonly container?: string | null;
  /** Overrides the check's severity for this result. */
  readonly severity?: Severity;
}

/**
 * A configuration check plugin (ARCHITECTURE §3 "Check"). `D` is the parsed document shape the
 * check understands (a Kubernetes object, a Dockerfile AST, a Compose service…); `C` is the
 * per-run context (e.g. the PSS version, the other documents of the run).
 */
export interface ConfigCheck<D, C = unknown> {
  /** Stable rule id, e.g. `k8s-readonly-root-fs` or `pss-restricted-capabilities_restricted`. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly appliesTo: readonly ConfigDocumentKind[];
  /** Bump when output changes (part of cache keys). */
  readonly version: number;
  /** Generic shortest fix; a result may give a more specific one. */
  readonly fix: string;
  readonly references: readonly string[];
  /** A named standard this check implements, when it does (PSS level/check/version). */
  readonly standard?: StandardRef;
  evaluate(doc: D, ctx: C): readonly CheckResult[];
}

/** Isolation analysis of one workload: a pod container, a compose service or an inspected container. */
export interface WorkloadIsolation {
  readonly target: ConfigTarget;
  /** Field path prefix of the container in its document (e.g. `spec.template.spec.containers[0]`). */
  readonly fieldPath: string | null;
  readonly profile: IsolationProfile;
  readonly layers: LayerMatrix;
  /** Breakout techniques whose preconditions hold (or may hold, when a fact is unknown). */
  readonly openPaths: readonly OpenPath[];
  /** 0–100, formula in docs/isolation.md. */
  readonly score: number;
}

export interface ConfigFileError {
  readonly file: string;
  readonly reason: string;
  /**
   * True when the file (or document) was read and simply is not configuration a check judges
   * (a Helm values.yaml, a JSON file that is no manifest): listed, but it does not make the
   * report incomplete. Every other file error is a refusal (unparseable YAML, alias bombs,
   * limits) and does.
   */
  readonly notApplicable?: boolean;
}

export interface ConfigAuditResult {
  readonly findings: readonly MisconfigurationFinding[];
  readonly workloads: readonly WorkloadIsolation[];
  readonly fileErrors: readonly ConfigFileError[];
}

export function emptyAuditResult(): ConfigAuditResult {
  return { findings: [], workloads: [], fileErrors: [] };
}

/** Concatenates results (inputs are not modified). Sorting is left to `sortAuditResult`. */
export function mergeAuditResults(results: readonly ConfigAuditResult[]): ConfigAuditResult {
  return {
    findings: results.flatMap((r) => r.findings),
    workloads: results.flatMap((r) => r.workloads),
    fileErrors: results.flatMap((r) => r.fileErrors),
  };
}

/** Stable id of a misconfiguration: sha256 over kind, rule, target and field path. */
export function misconfigurationId(ruleId: string, target: ConfigTarget, fieldPath: string | null): string {
  const key = JSON.stringify(['misconfiguration', ruleId, target.file, target.document, target.kind, target.namespace, target.name, target.container, fieldPath]);
  return createHash('sha256').update(key).digest('hex');
}

export interface MisconfigurationInit {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly target: ConfigTarget;
  readonly fieldPath: string | null;
  readonly fix: string | null;
  readonly foundBy: string;
  readonly references?: readonly string[];
  readonly standard?: StandardRef | null;
}

/** Builds a MisconfigurationFinding with its stable id; image-only fields are null. */
export function makeMisconfiguration(init: MisconfigurationInit): MisconfigurationFinding {
  return {
    kind: 'misconfiguration',
    id: misconfigurationId(init.ruleId, init.target, init.fieldPath),
    ruleId: init.ruleId,
    title: init.title,
    severity: init.severity,
    description: init.description,
    location: null,
    createdBy: null,
    removedInLayer: null,
    foundBy: init.foundBy,
    fix: init.fix,
    references: init.references ?? [],
    target: init.target,
    fieldPath: init.fieldPath,
    standard: init.standard ?? null,
  };
}

/** Runs a check over a document and turns its results into findings. */
export function runCheck<D, C>(check: ConfigCheck<D, C>, doc: D, ctx: C, target: ConfigTarget, foundBy: string): MisconfigurationFinding[] {
  return check.evaluate(doc, ctx).map((r) =>
    makeMisconfiguration({
      ruleId: check.id,
      title: check.title,
      severity: r.severity ?? check.severity,
      description: r.message,
      target: r.container === undefined ? target : { ...target, container: r.container },
      fieldPath: r.fieldPath,
      fix: r.fix ?? check.fix,
      foundBy,
      references: check.references,
      standard: check.standard ?? null,
    }),
  );
}

export function configTarget(file: string, fields: Partial<Omit<ConfigTarget, 'file'>> = {}): ConfigTarget {
  return {
    file,
    document: fields.document ?? null,
    kind: fields.kind ?? null,
    name: fields.name ?? null,
    namespace: fields.namespace ?? null,
    container: fields.container ?? null,
  };
}

function compareNullable(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function compareTargets(a: ConfigTarget, b: ConfigTarget): number {
  return (
    compareNullable(a.file, b.file) ||
    compareNullable(a.document, b.document) ||
    compareNullable(a.kind, b.kind) ||
    compareNullable(a.namespace, b.namespace) ||
    compareNullable(a.name, b.name) ||
    compareNullable(a.container, b.container)
  );
}

/** Deterministic order: findings by target, field path, rule; workloads by target; errors by file. Duplicate finding ids are dropped. */
export function sortAuditResult(result: ConfigAuditResult): ConfigAuditResult {
  const seen = new Set<string>();
  const findings = [...result.findings]
    .sort((a, b) => compareTargets(a.target, b.target) || compareNullable(a.fieldPath, b.fieldPath) || compareNullable(a.ruleId, b.ruleId) || compareNullable(a.id, b.id))
    .filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
  const workloads = [...result.workloads].sort((a, b) => compareTargets(a.target, b.target) || compareNullable(a.fieldPath, b.fieldPath));
  const fileErrors = [...result.fileErrors].sort((a, b) => compareNullable(a.file, b.file) || compareNullable(a.reason, b.reason));
  return { findings, workloads, fileErrors };
}
