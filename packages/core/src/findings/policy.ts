import type { Finding, Report, Severity, VulnerabilityFinding } from '@sekisho/model';
import { normalizeId } from './aliases.js';
import { baselineKeys, isInBaseline } from './baseline.js';
import type { IgnoreRule } from './exceptions.js';
import { isExpired } from './exceptions.js';
import { parsePurl, purlMatches } from '../sbom-input/purl-match.js';
import type { VexDocument, VexStatement } from './vex/types.js';

export interface PolicyInputs {
  readonly vex?: readonly VexDocument[];
  readonly exceptions?: readonly IgnoreRule[];
  /** With a baseline, only findings not in it are kept (`--only-new --baseline REPORT.json`). */
  readonly baseline?: Pick<Report, 'findings'> | null;
  /** Keep only findings of these severities (`--severity`). */
  readonly severities?: readonly Severity[] | null;
  /** Drop vulnerabilities without a fixed version (`--ignore-unfixed`). */
  readonly ignoreUnfixed?: boolean;
  readonly now?: Date;
}

/** A finding taken out of the report by a triage decision, with the decision. */
export interface Suppression {
  readonly finding: Finding;
  readonly by: 'vex' | 'exception';
  readonly status: 'not_affected' | 'fixed';
  readonly justification: string | null;
  /** VEX impact statement, or the exception's reason. */
  readonly detail: string | null;
  /** File the decision came from. */
  readonly source: string;
  readonly owner: string | null;
  readonly expires: string | null;
}

export interface PolicyResult {
  readonly report: Report;
  readonly suppressed: readonly Suppression[];
  /** Exceptions past their expiry date: they no longer apply, and are reported so someone reviews them. */
  readonly expiredExceptions: readonly IgnoreRule[];
  /** Exceptions in force that matched no finding (stale, or a typo). */
  readonly unusedExceptions: readonly IgnoreRule[];
  /** Findings left out by filters (not triage decisions). */
  readonly filtered: { readonly severity: number; readonly unfixed: number; readonly baseline: number };
}

function vulnIds(f: VulnerabilityFinding): Set<string> {
  return new Set([f.vulnerabilityId, ...f.aliases].map(normalizeId));
}

function refersToPackage(id: string, f: VulnerabilityFinding): boolean {
  return id === f.packageId || (f.purl !== undefined && f.purl !== '' && purlMatches(id, f.purl));
}

/** Whether a VEX product id names the scanned image: its reference, a tag, its digest, or a `pkg:oci` purl of it. */
export function refersToImage(id: string, report: Report): boolean {
  const t = report.target;
  if (id === t.reference || t.repoTags.includes(id)) return true;
  const digests = [t.manifestDigest, t.configDigest].filter((d): d is string => d !== null);
  const purl = parsePurl(id);
  if (purl !== null) {
    if (purl.type !== 'oci' && purl.type !== 'docker') return false;
    if (purl.version !== undefined && purl.version !== '') return digests.includes(purl.version);
    const names = [t.reference, ...t.repoTags].map(
      (r) =>
        r
          .replace(/[:@].*$/, '')
          .split('/')
          .pop() ?? '',
    );
    return names.includes(purl.name);
  }
  return digests.some((d) => id.endsWith(`@${d}`));
}

export function statementApplies(s: VexStatement, f: VulnerabilityFinding, report: Report): boolean {
  const ids = vulnIds(f);
  if (!s.vulnerabilityIds.some((id) => ids.has(normalizeId(id)))) return false;
  return s.products.some((p) => {
    if (p.ids.some((id) => refersToPackage(id, f))) return true;
    if (!p.ids.some((id) => refersToImage(id, report))) return false;
    return p.subcomponents.length === 0 || p.subcomponents.some((sc) => refersToPackage(sc, f));
  });
}

function time(s: VexStatement): number {
  const t = s.timestamp === null ? Number.NaN : Date.parse(s.timestamp);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** The statement in force for a finding: the latest by timestamp, later documents and statements winning ties. */
export function latestStatement(statements: readonly VexStatement[], f: VulnerabilityFinding, report: Report): VexStatement | null {
  let best: VexStatement | null = null;
  for (const s of statements) {
    if (!statementApplies(s, f, report)) continue;
    if (best === null || time(s) > time(best) || (time(s) === time(best) && s.order > best.order)) best = s;
  }
  return best;
}

export function exceptionApplies(rule: IgnoreRule, f: Finding): boolean {
  if (f.kind !== 'vulnerability') return rule.package === undefined && rule.purl === undefined && rule.id === f.ruleId;
  if (!vulnIds(f).has(normalizeId(rule.id))) return false;
  if (rule.package !== undefined && rule.package !== f.packageName) return false;
  if (rule.purl !== undefined && !(f.purl !== undefined && purlMatches(rule.purl, f.purl))) return false;
  return true;
}

/**
 * Apply triage inputs to a report, in this order: VEX statements (the latest statement for a
 * finding decides; `not_affected` and `fixed` suppress), exceptions in force (expired ones are
 * returned, not applied), the `--severity` and `--ignore-unfixed` filters, then the baseline.
 */
export function applyPolicyInputs(report: Report, inputs: PolicyInputs): PolicyResult {
  const now = inputs.now ?? new Date();
  const statements = (inputs.vex ?? []).flatMap((d) => d.statements);
  const rules = inputs.exceptions ?? [];
  const expiredExceptions = rules.filter((r) => isExpired(r, now));
  const active = rules.filter((r) => !isExpired(r, now));
  const used = new Set<IgnoreRule>();
  const suppressed: Suppression[] = [];
  const keys = inputs.baseline ? baselineKeys(inputs.baseline) : null;
  const severities = inputs.severities && inputs.severities.length > 0 ? new Set(inputs.severities) : null;
  const filtered = { severity: 0, unfixed: 0, baseline: 0 };
  const kept: Finding[] = [];

  for (const f of report.findings) {
    if (f.kind === 'vulnerability' && statements.length > 0) {
      const s = latestStatement(statements, f, report);
      if (s !== null && (s.status === 'not_affected' || s.status === 'fixed')) {
        suppressed.push({ finding: f, by: 'vex', status: s.status, justification: s.justification, detail: s.impactStatement, source: s.source, owner: null, expires: null });
        continue;
      }
    }
    const rule = active.find((r) => exceptionApplies(r, f));
    if (rule !== undefined) {
      used.add(rule);
      suppressed.push({
        finding: f,
        by: 'exception',
        status: 'not_affected',
        justification: rule.justification ?? null,
        detail: rule.reason,
        source: rule.source,
        owner: rule.owner,
        expires: rule.expires,
      });
      continue;
    }
    if (severities !== null && !severities.has(f.severity)) {
      filtered.severity++;
      continue;
    }
    if (inputs.ignoreUnfixed === true && f.kind === 'vulnerability' && f.fixedVersions.length === 0) {
      filtered.unfixed++;
      continue;
    }
    if (keys !== null && isInBaseline(f, keys)) {
      filtered.baseline++;
      continue;
    }
    kept.push(f);
  }
  return {
    report: { ...report, findings: kept },
    suppressed,
    expiredExceptions,
    unusedExceptions: active.filter((r) => !used.has(r)),
    filtered,
  };
}
