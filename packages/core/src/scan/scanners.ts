import { ANALYZER_SCANNERS, analyzerPlugins } from '../analyzers/registry.js';
import type { AnalyzerScanner } from '../analyzers/registry.js';
import type { ImageConfigAnalyzer, PostScanCheck, ScannerOptions } from '../analyzers/plugin.js';
import type { LayerAnalyzer } from '../layers/layer-analyzer.js';
import type { Finding, Report, Unknown } from '@sekisho/model';
import { severityRank, compareText } from '@sekisho/model';
import type { ImageScan } from './scan-image.js';

export type { PostScanCheck, PostScanResult, ScannerOptions } from '../analyzers/plugin.js';

/**
 * What `sekisho image --scanners` can turn on besides the inventory, which always runs: `vuln`
 * (matched after the scan), every analyzer in analyzers/registry.ts that has a scanner name, and
 * `license`, which reads nothing more (every package's licences are in the inventory): it adds the
 * licence section to the table.
 */
export type Scanner = 'vuln' | AnalyzerScanner | 'license';
export const SCANNERS: readonly Scanner[] = ['vuln', ...ANALYZER_SCANNERS, 'license'];
export const DEFAULT_SCANNERS: readonly Scanner[] = ['vuln', 'secret', 'hardening'];

export interface ScannerSetup {
  readonly analyzers: readonly LayerAnalyzer[];
  readonly configAnalyzers: readonly ImageConfigAnalyzer[];
  /** Everything that changes analyzer output beyond plugin versions: part of layer cache keys. */
  readonly analyzerOptions: Readonly<Record<string, unknown>>;
  readonly postScan: readonly PostScanCheck[];
}

/** Layer analyzers, config analyzers and post-scan checks of the selected scanners, in registry order (vulnerabilities are matched after the scan). */
export async function setupScanners(selected: ReadonlySet<Scanner>, options: ScannerOptions = {}): Promise<ScannerSetup> {
  const analyzers: LayerAnalyzer[] = [];
  const configAnalyzers: ImageConfigAnalyzer[] = [];
  const analyzerOptions: Record<string, unknown> = {};
  const postScan: PostScanCheck[] = [];
  for (const plugin of analyzerPlugins) {
    if (plugin.scanner === null || !selected.has(plugin.scanner)) continue;
    const setup = await plugin.setup(options);
    analyzers.push(...(setup.analyzers ?? []));
    configAnalyzers.push(...(setup.configAnalyzers ?? []));
    Object.assign(analyzerOptions, setup.analyzerOptions ?? {});
    postScan.push(...(setup.postScan ?? []));
  }
  return { analyzers, configAnalyzers, analyzerOptions, postScan };
}

/** The report with the post-scan checks' findings and unknowns added, sorted as every report is. */
export function withPostScanFindings(scan: ImageScan, setup: ScannerSetup, now: Date): Report {
  const results = setup.postScan.map((check) => check(scan, now));
  const extra = results.flatMap((r) => r.findings);
  const unknowns = results.flatMap((r) => r.unknowns ?? []);
  if (extra.length === 0 && unknowns.length === 0) return scan.report;
  return {
    ...scan.report,
    findings: extra.length === 0 ? scan.report.findings : sortFindings([...scan.report.findings, ...extra]),
    unknowns: unknowns.length === 0 ? scan.report.unknowns : sortUnknowns([...scan.report.unknowns, ...unknowns]),
  };
}

/** The one order of unknowns in every report (as the inventory sorts them): path, then reason. */
function sortUnknowns(unknowns: readonly Unknown[]): Unknown[] {
  return [...unknowns].sort((a, b) => compareText(a.location.path, b.location.path) || compareText(a.reason, b.reason));
}

/** The one order of findings in every report: most severe first, then rule, path, id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId) || compareText(a.location?.path ?? '', b.location?.path ?? '') || compareText(a.id, b.id),
  );
}

/**
 * `vuln,secret` selects exactly those; `+malware` (or `-vuln`) adds to (or removes from) the
 * defaults, so turning one scanner on does not mean listing the others.
 */
export function parseScanners(text: string, defaults: readonly Scanner[] = DEFAULT_SCANNERS): Set<Scanner> {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const relative = parts.length > 0 && parts.every((p) => p.startsWith('+') || p.startsWith('-'));
  const out = new Set<Scanner>(relative ? defaults : []);
  for (const part of parts) {
    const name = relative ? part.slice(1) : part;
    if (!(SCANNERS as readonly string[]).includes(name)) throw new Error(`unknown scanner ${part} (known: ${SCANNERS.join(', ')}; +name / -name change the defaults)`);
    if (relative && part.startsWith('-')) out.delete(name as Scanner);
    else out.add(name as Scanner);
  }
  return out;
}

/**
 * The report with `scanners` naming every scanner that ran to the end: those it already lists plus
 * `ran`, minus any the report says could not judge the target (`notChecked`). Sorted, no repeats.
 * Policy rules that need a scanner are judged only when it is listed here (docs/policy.md).
 */
export function withScannersRan(report: Report, ran: Iterable<string>): Report {
  const failed = new Set(report.notChecked.map((n) => n.scanner));
  const all = new Set([...(report.scanners ?? []), ...ran]);
  return { ...report, scanners: [...all].filter((s) => !failed.has(s)).sort() };
}
