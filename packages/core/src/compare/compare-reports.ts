import type { Finding, Package, PackageType, PolicyDecision, Report, VulnerabilityFinding } from '@sekisho/model';
import { severityRank, compareText } from '@sekisho/model';
import { versionSchemeOfPackageType } from '../versioning/registry.js';

export interface ComparedSide {
  readonly reference: string;
  readonly manifestDigest: string | null;
  readonly layers: number;
  readonly packages: number;
  readonly size: number | null;
  readonly distro: string | null;
  /** Vulnerability counts by severity. */
  readonly vulnerabilities: Readonly<Record<string, number>>;
  readonly decision: Pick<PolicyDecision, 'result' | 'score' | 'grade' | 'environment'> | null;
}

export interface PackageRef {
  readonly type: PackageType;
  readonly name: string;
  readonly version: string;
  /** Layer that added it on that side, and its build step. */
  readonly layer: number | null;
  readonly createdBy: string | null;
}

export interface PackageChange {
  readonly type: PackageType;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** `upgraded`/`downgraded` by the ecosystem's version order; `changed` when it has none. */
  readonly direction: 'upgraded' | 'downgraded' | 'changed';
  readonly layer: number | null;
  readonly createdBy: string | null;
}

export interface VulnerabilityRef {
  readonly id: string;
  readonly severity: string;
  readonly packageName: string;
  readonly installedVersion: string;
  readonly fixedVersions: readonly string[];
  readonly kev: boolean;
}

export interface FindingRef {
  readonly kind: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly title: string;
  readonly path: string | null;
}

export interface RuleChange {
  readonly id: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface ReportComparison {
  readonly schema: 'sekisho.comparison/v1';
  readonly before: ComparedSide;
  readonly after: ComparedSide;
  /** Layers both images share from the bottom (same diffIDs in the same order): the common base. */
  readonly sharedBaseLayers: number;
  /** The base image as labels name it (`org.opencontainers.image.base.name`/`.digest`), before and after. */
  readonly base: { readonly before: string | null; readonly after: string | null; readonly changed: boolean };
  readonly env: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly labels: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly packages: { readonly added: readonly PackageRef[]; readonly removed: readonly PackageRef[]; readonly changed: readonly PackageChange[]; readonly unchanged: number };
  readonly vulnerabilities: { readonly fixed: readonly VulnerabilityRef[]; readonly introduced: readonly VulnerabilityRef[]; readonly unchanged: number };
  /** Secrets, malware, hardening, misconfiguration and supply-chain findings. */
  readonly findings: { readonly resolved: readonly FindingRef[]; readonly introduced: readonly FindingRef[]; readonly unchanged: number };
  /** Policy rules whose outcome differs, when both sides were evaluated. */
  readonly policy: readonly RuleChange[];
}

export interface CompareInputs {
  readonly before: Report;
  readonly after: Report;
  readonly beforeDecision?: PolicyDecision | null;
  readonly afterDecision?: PolicyDecision | null;
}

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/**
 * What changed between two scans of an image (or any two reports): packages added, removed and
 * changed with the layer that brought them, vulnerabilities fixed and introduced, other findings,
 * the base image, Env and Labels, and the policy outcome. Every list is sorted, so the same two
 * reports always give the same comparison.
 */
export function compareReports(inputs: CompareInputs): ReportComparison {
  const { before, after } = inputs;
  return {
    schema: 'sekisho.comparison/v1',
    before: side(before, inputs.beforeDecision ?? null),
    after: side(after, inputs.afterDecision ?? null),
    sharedBaseLayers: sharedPrefix(before, after),
    base: baseChange(before, after),
    env: setDiff(before.image?.config.env ?? [], after.image?.config.env ?? []),
    labels: setDiff(labelLines(before), labelLines(after)),
    packages: comparePackages(before, after),
    vulnerabilities: compareVulnerabilities(before, after),
    findings: compareFindings(before, after),
    policy: comparePolicy(inputs.beforeDecision ?? null, inputs.afterDecision ?? null),
  };
}

function side(report: Report, decision: PolicyDecision | null): ComparedSide {
  const counts: Record<string, number> = {};
  for (const f of report.findings) if (f.kind === 'vulnerability') counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return {
    reference: report.target.reference,
    manifestDigest: report.target.manifestDigest,
    layers: report.image?.layers.length ?? 0,
    packages: report.packages.length,
    size: report.image?.size ?? null,
    distro: report.distro === null ? null : report.distro.prettyName,
    vulnerabilities: counts,
    decision: decision === null ? null : { result: decision.result, score: decision.score, grade: decision.grade, environment: decision.environment },
  };
}

function sharedPrefix(a: Report, b: Report): number {
  const x = a.image?.layers ?? [];
  const y = b.image?.layers ?? [];
  let n = 0;
  while (n < x.length && n < y.length && x[n]?.diffId !== null && x[n]?.diffId === y[n]?.diffId) n++;
  return n;
}

function baseChange(a: Report, b: Report): ReportComparison['base'] {
  const name = (r: Report): string | null => {
    const labels = r.image?.config.labels ?? {};
    const n = labels[BASE_NAME];
    const d = labels[BASE_DIGEST];
    if (n === undefined && d === undefined) return null;
    return `${n ?? '?'}${d === undefined ? '' : `@${d}`}`;
  };
  const before = name(a);
  const after = name(b);
  return { before, after, changed: before !== after };
}

function labelLines(r: Report): string[] {
  return Object.entries(r.image?.config.labels ?? {}).map(([k, v]) => `${k}=${v}`);
}

function setDiff(a: readonly string[], b: readonly string[]): { added: string[]; removed: string[] } {
  const x = new Set(a);
  const y = new Set(b);
  return { added: [...y].filter((v) => !x.has(v)).sort(), removed: [...x].filter((v) => !y.has(v)).sort() };
}

function refOf(report: Report, p: Package): PackageRef {
  const layer = p.locations[0]?.layerIndex ?? null;
  return { type: p.type, name: p.name, version: p.version, layer, createdBy: layer === null ? null : (report.image?.layers[layer]?.createdBy ?? null) };
}

/** Packages grouped by type and name; one version on each side that differs is a change, anything else is added/removed. */
function comparePackages(before: Report, after: Report): ReportComparison['packages'] {
  const group = (r: Report): Map<string, PackageRef[]> => {
    const m = new Map<string, PackageRef[]>();
    for (const p of r.packages) {
      const key = `${p.type}\0${p.name}`;
      const list = m.get(key) ?? [];
      list.push(refOf(r, p));
      m.set(key, list);
    }
    return m;
  };
  const a = group(before);
  const b = group(after);
  const added: PackageRef[] = [];
  const removed: PackageRef[] = [];
  const changed: PackageChange[] = [];
  let unchanged = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? [];
    const y = b.get(key) ?? [];
    const yVersions = new Set(y.map((p) => p.version));
    const xVersions = new Set(x.map((p) => p.version));
    const gone = x.filter((p) => !yVersions.has(p.version));
    const fresh = y.filter((p) => !xVersions.has(p.version));
    unchanged += x.filter((p) => yVersions.has(p.version)).length;
    const [from] = gone;
    const [to] = fresh;
    if (gone.length === 1 && fresh.length === 1 && from !== undefined && to !== undefined) {
      changed.push({ type: to.type, name: to.name, from: from.version, to: to.version, direction: direction(to.type, from.version, to.version), layer: to.layer, createdBy: to.createdBy });
    } else {
      removed.push(...gone);
      added.push(...fresh);
    }
  }
  const byName = (p: { type: string; name: string; version?: string; to?: string }, q: { type: string; name: string; version?: string; to?: string }): number =>
    compareText(p.type, q.type) || compareText(p.name, q.name) || compareText(p.version ?? p.to ?? '', q.version ?? q.to ?? '');
  return { added: added.sort(byName), removed: removed.sort(byName), changed: changed.sort(byName), unchanged };
}

function direction(type: PackageType, from: string, to: string): PackageChange['direction'] {
  const scheme = versionSchemeOfPackageType(type);
  if (scheme === null) return 'changed';
  const c = scheme.compare(from, to);
  return c < 0 ? 'upgraded' : c > 0 ? 'downgraded' : 'changed';
}

function vulnKey(f: VulnerabilityFinding): string {
  return `${f.vulnerabilityId}\0${f.packageName}`;
}

function vulnRef(f: VulnerabilityFinding): VulnerabilityRef {
  return { id: f.vulnerabilityId, severity: f.severity, packageName: f.packageName, installedVersion: f.installedVersion, fixedVersions: f.fixedVersions, kev: (f.kev ?? null) !== null };
}

const bySeverity = (a: { severity: string; id?: string; ruleId?: string; packageName?: string }, b: { severity: string; id?: string; ruleId?: string; packageName?: string }): number =>
  severityRank(b.severity as Parameters<typeof severityRank>[0]) - severityRank(a.severity as Parameters<typeof severityRank>[0]) ||
  compareText(a.id ?? a.ruleId ?? '', b.id ?? b.ruleId ?? '') ||
  compareText(a.packageName ?? '', b.packageName ?? '');

function compareVulnerabilities(before: Report, after: Report): ReportComparison['vulnerabilities'] {
  const vulns = (r: Report): Map<string, VulnerabilityFinding> => new Map(r.findings.filter((f): f is VulnerabilityFinding => f.kind === 'vulnerability').map((f) => [vulnKey(f), f]));
  const a = vulns(before);
  const b = vulns(after);
  const fixed = [...a].filter(([k]) => !b.has(k)).map(([, f]) => vulnRef(f));
  const introduced = [...b].filter(([k]) => !a.has(k)).map(([, f]) => vulnRef(f));
  const unchanged = [...a.keys()].filter((k) => b.has(k)).length;
  return { fixed: fixed.sort(bySeverity), introduced: introduced.sort(bySeverity), unchanged };
}

/** Other findings are matched by kind, rule and path, not by id: ids include the layer index, which moves between builds. */
function compareFindings(before: Report, after: Report): ReportComparison['findings'] {
  const key = (f: Finding): string => `${f.kind}\0${f.ruleId}\0${f.location?.path ?? ''}`;
  const others = (r: Report): Map<string, Finding> => new Map(r.findings.filter((f) => f.kind !== 'vulnerability').map((f) => [key(f), f]));
  const ref = (f: Finding): FindingRef => ({ kind: f.kind, ruleId: f.ruleId, severity: f.severity, title: f.title, path: f.location?.path ?? null });
  const a = others(before);
  const b = others(after);
  return {
    resolved: [...a]
      .filter(([k]) => !b.has(k))
      .map(([, f]) => ref(f))
      .sort(bySeverity),
    introduced: [...b]
      .filter(([k]) => !a.has(k))
      .map(([, f]) => ref(f))
      .sort(bySeverity),
    unchanged: [...a.keys()].filter((k) => b.has(k)).length,
  };
}

function comparePolicy(a: PolicyDecision | null, b: PolicyDecision | null): RuleChange[] {
  if (a === null || b === null) return [];
  const x = new Map(a.rules.map((r) => [r.id, r.outcome]));
  const y = new Map(b.rules.map((r) => [r.id, r.outcome]));
  const changes: RuleChange[] = [];
  for (const id of [...new Set([...x.keys(), ...y.keys()])].sort()) {
    const before = x.get(id) ?? null;
    const after = y.get(id) ?? null;
    if (before !== after) changes.push({ id, before, after });
  }
  return changes;
}
