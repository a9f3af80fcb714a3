/**
 * SARIF 2.1.0 reporter (OASIS Static Analysis Results Interchange Format,
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), generic over every Finding
 * kind. Rules are deduplicated into `tool.driver.rules`; each result carries the finding id as a
 * partial fingerprint and its kind-specific facts (for misconfigurations: target, field path and
 * the standard's level/check/version) in `properties`. Output is deterministic for a given input.
 */
import type { Finding, PolicyDecision, PolicyOutcome, Severity } from '@sekisho/model';
import { reportCompleteness } from '@sekisho/model';
import type { Report } from '@sekisho/model';
import type { Reporter, ReporterPlugin } from '../types.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_MEDIA_TYPE = 'application/sarif+json';

export interface SarifToolInfo {
  readonly name: string;
  readonly version: string;
  readonly informationUri?: string;
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const LEVEL: Readonly<Record<Severity, SarifLevel>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'none',
};

/** GitHub code scanning reads `security-severity` (a CVSS-like score) from rule properties. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  negligible: '1.0',
  unknown: '0.0',
};

function isAbsoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value);
}

/** A file path as a SARIF uri-reference: forward slashes, percent-encoded. */
export function pathToUri(path: string): string {
  const p = path.replace(/\\/g, '/');
  return encodeURI(p).replace(/\?/g, '%3F').replace(/#/g, '%23');
}

interface Located {
  readonly uri: string | null;
  readonly line: number | null;
  readonly logical: string | null;
}

function locate(f: Finding): Located {
  switch (f.kind) {
    case 'misconfiguration': {
      const t = f.target;
      const object = [t.kind, t.namespace === null ? t.name : `${t.namespace}/${t.name ?? ''}`].filter((x) => x !== null && x !== '').join(' ');
      const container = t.container === null ? '' : ` container ${t.container}`;
      const logical = `${object}${container}${f.fieldPath === null ? '' : `: ${f.fieldPath}`}`.trim();
      return { uri: t.file, line: null, logical: logical === '' ? null : logical };
    }
    case 'secret':
      return { uri: f.location?.path ?? null, line: f.line, logical: null };
    case 'vulnerability':
      return { uri: f.location?.path ?? null, line: null, logical: `${f.packageName}@${f.installedVersion}` };
    default:
      return { uri: f.location?.path ?? null, line: null, logical: null };
  }
}

function properties(f: Finding): Record<string, unknown> {
  const base: Record<string, unknown> = { kind: f.kind, severity: f.severity, findingId: f.id, foundBy: f.foundBy };
  if (f.fix !== null) base['fix'] = f.fix;
  if (f.location?.layerDigest != null) base['layerDigest'] = f.location.layerDigest;
  if (f.createdBy !== null) base['createdBy'] = f.createdBy;
  if (f.removedInLayer !== null) base['removedInLayer'] = f.removedInLayer;
  switch (f.kind) {
    case 'misconfiguration':
      base['target'] = f.target;
      if (f.fieldPath !== null) base['fieldPath'] = f.fieldPath;
      if (f.standard !== null) {
        base['standard'] = f.standard.name;
        base['standardLevel'] = f.standard.level;
        base['standardCheck'] = f.standard.check;
        base['standardVersion'] = f.standard.version;
      }
      break;
    case 'vulnerability':
      base['vulnerabilityId'] = f.vulnerabilityId;
      base['aliases'] = f.aliases;
      base['packageId'] = f.packageId;
      base['packageName'] = f.packageName;
      base['installedVersion'] = f.installedVersion;
      base['fixedVersions'] = f.fixedVersions;
      base['status'] = f.status;
      break;
    case 'secret':
      base['match'] = f.match;
      break;
    case 'malware':
      if (f.sha256 !== null) base['sha256'] = f.sha256;
      break;
    case 'hardening':
    case 'supply-chain':
      base['evidence'] = f.evidence;
      break;
  }
  return base;
}

function tags(f: Finding): string[] {
  const out = ['security', f.kind];
  if (f.kind === 'misconfiguration' && f.standard !== null) out.push(f.standard.name, `${f.standard.name} ${f.standard.level}`);
  return out;
}

const RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3, negligible: 4, unknown: 5 };

export interface SarifOptions {
  /** Problems with inputs (unreadable files…), reported as tool execution notifications. */
  readonly notifications?: readonly { readonly file: string | null; readonly message: string; readonly level?: 'error' | 'warning' }[];
  /** Whether the report is complete: written to the run's `properties` (`status`, `statusReasons`). */
  readonly completeness?: { readonly status: string; readonly reasons: readonly string[]; readonly notes: readonly string[] };
  /** A policy decision: a result per rule that is violated or not judged (`policy/<rule id>`), and its result and grade in the run's properties. */
  readonly policy?: PolicyDecision;
}

const OUTCOME_LEVEL: Readonly<Record<PolicyOutcome, SarifLevel>> = { fail: 'error', warn: 'warning', info: 'note', pass: 'none' };

/** The policy rules that did not pass, as SARIF rules and results (ids `policy/<rule id>`). */
function policyResults(decision: PolicyDecision, firstIndex: number): { rules: Record<string, unknown>[]; results: Record<string, unknown>[] } {
  const broken = decision.rules.filter((r) => r.status !== 'pass');
  const rules = broken.map((r) => ({
    id: `policy/${r.id}`,
    name: `policy/${r.id}`,
    shortDescription: { text: `Policy ${decision.policy} rule ${r.id} (${r.kind})` },
    fullDescription: { text: `Policy ${decision.policy} rule ${r.id} (${r.kind}), environment ${decision.environment}` },
    help: { text: r.evidence.find((e) => e.fix !== null)?.fix ?? r.message },
    defaultConfiguration: { level: OUTCOME_LEVEL[r.outcome] },
    properties: { tags: ['policy', r.kind], precision: 'high' },
  }));
  const results = broken.map((r, i) => ({
    ruleId: `policy/${r.id}`,
    ruleIndex: firstIndex + i,
    level: OUTCOME_LEVEL[r.outcome],
    message: { text: [r.message, ...r.evidence.slice(0, 10).map((e) => `${e.text}${e.fix === null ? '' : ` (fix: ${e.fix})`}`)].join('; ') },
    partialFingerprints: { sekishoPolicyRule: `${decision.policy}/${decision.environment}/${r.id}` },
    properties: { kind: r.kind, action: r.action, status: r.status, outcome: r.outcome, evidenceCount: r.evidenceCount, excepted: r.excepted },
  }));
  return { rules, results };
}

/** Builds a SARIF 2.1.0 log with one run for the findings. */
export function toSarif(findings: readonly Finding[], tool: SarifToolInfo, options: SarifOptions = {}): Record<string, unknown> {
  // One rule per ruleId; its default level is the most severe of its results.
  const ruleMap = new Map<string, { finding: Finding; severity: Severity }>();
  for (const f of findings) {
    const seen = ruleMap.get(f.ruleId);
    if (seen === undefined || RANK[f.severity] < RANK[seen.severity]) ruleMap.set(f.ruleId, { finding: seen?.finding ?? f, severity: f.severity });
  }
  const ruleIds = [...ruleMap.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const { finding: f, severity } = ruleMap.get(id)!;
    const help = f.fix ?? f.title;
    const rule: Record<string, unknown> = {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c === undefined ? '' : c.toUpperCase())),
      shortDescription: { text: f.title },
      fullDescription: { text: f.title },
      help: { text: help },
      defaultConfiguration: { level: LEVEL[severity] },
      properties: { tags: [...new Set(tags(f))], 'security-severity': SECURITY_SEVERITY[severity], precision: 'high' },
    };
    const uri = f.references.find(isAbsoluteUri);
    if (uri !== undefined) rule['helpUri'] = uri;
    return rule;
  });

  const results = findings.map((f) => {
    const loc = locate(f);
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.fix === null ? f.description : `${f.description} Fix: ${f.fix}` },
      partialFingerprints: { sekishoFindingId: f.id },
      properties: properties(f),
    };
    if (loc.uri !== null || loc.logical !== null) {
      const location: Record<string, unknown> = {};
      if (loc.uri !== null) {
        const physical: Record<string, unknown> = { artifactLocation: { uri: pathToUri(loc.uri) } };
        if (loc.line !== null && loc.line >= 1) physical['region'] = { startLine: loc.line };
        location['physicalLocation'] = physical;
      }
      if (loc.logical !== null) location['logicalLocations'] = [{ fullyQualifiedName: loc.logical, kind: 'resource' }];
      result['locations'] = [location];
    }
    return result;
  });

  if (options.policy !== undefined) {
    const extra = policyResults(options.policy, rules.length);
    rules.push(...extra.rules);
    results.push(...extra.results);
  }
  const driver: Record<string, unknown> = { name: tool.name, version: tool.version, semanticVersion: tool.version, rules };
  if (tool.informationUri !== undefined && isAbsoluteUri(tool.informationUri)) driver['informationUri'] = tool.informationUri;
  const run: Record<string, unknown> = { tool: { driver }, results, columnKind: 'utf16CodeUnits' };
  if (options.notifications !== undefined && options.notifications.length > 0)
    run['invocations'] = [
      {
        executionSuccessful: true,
        toolExecutionNotifications: options.notifications.map((n) => ({
          level: n.level ?? 'warning',
          message: { text: n.message },
          ...(n.file === null ? {} : { locations: [{ physicalLocation: { artifactLocation: { uri: pathToUri(n.file) } } }] }),
        })),
      },
    ];
  const runProperties: Record<string, unknown> = {};
  if (options.completeness !== undefined) {
    Object.assign(runProperties, { status: options.completeness.status, statusReasons: [...options.completeness.reasons] });
    if (options.completeness.notes.length > 0) Object.assign(runProperties, { statusNotes: [...options.completeness.notes] });
  }
  if (options.policy !== undefined) {
    const d = options.policy;
    Object.assign(runProperties, { policy: d.policy, policyEnvironment: d.environment, policyResult: d.result, policyGrade: d.grade, policyScore: d.score });
  }
  if (Object.keys(runProperties).length > 0) run['properties'] = runProperties;
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}

/** SARIF 2.1.0 of a report's findings (GitHub code scanning accepts it). */
export const sarifReporter: Reporter = {
  id: 'sarif',
  mediaType: 'application/sarif+json',
  specVersions: ['2.1.0'],
  render: (report) => `${JSON.stringify(toSarif(report.findings, { name: 'sekisho', version: report.tool.version }, sarifCompleteness(report)), null, 2)}\n`,
};

/** Completeness in SARIF: run properties, plus an error notification per scanner that did not run and one for unreadable files. */
function sarifCompleteness(report: Report): SarifOptions {
  const notifications = report.notChecked.map((n) => ({ file: null, level: 'error' as const, message: `${n.scanner} not checked: ${n.reason}${n.fix === null ? '' : ` (fix: ${n.fix})`}` }));
  for (const u of report.unknowns.slice(0, 100)) notifications.push({ file: null, level: 'error' as const, message: `not read: ${u.location.path}: ${u.reason}` });
  return { completeness: reportCompleteness(report), notifications, ...(report.policy === undefined ? {} : { policy: report.policy }) };
}

export const sarifReporterPlugin: ReporterPlugin = { id: 'sarif', views: ['inventory', 'scan'], create: () => sarifReporter };
