import { createSecretsAnalyzer, loadSecretConfig, scanConfigStrings, secretRulesFingerprint } from '../analyzers/secrets/index.js';
import { sensitiveFilesAnalyzer } from '../analyzers/hardening/index.js';
import { createMalwareAnalyzer } from '../analyzers/malware/index.js';
import type { LayerAnalyzer } from '../analyzers/types.js';
import { evaluateImageHardening, imageHardeningUnknowns } from '../checks/image/index.js';
import type { Finding, Report, Unknown } from '@sekisho/model';
import { severityRank } from '@sekisho/model';
import type { ImageConfigAnalyzer, ImageConfigStrings, ImageScan } from './scan-image.js';

/**
 * What `sekisho image --scanners` can turn on besides the inventory, which always runs. `license`
 * reads nothing more (every package's licences are in the inventory): it adds the licence section
 * to the table.
 */
export const SCANNERS = ['vuln', 'secret', 'malware', 'hardening', 'license'] as const;
export type Scanner = (typeof SCANNERS)[number];
export const DEFAULT_SCANNERS: readonly Scanner[] = ['vuln', 'secret', 'hardening'];

export interface ScannerOptions {
  readonly showSecrets?: boolean;
  /** Hardening: flag images older than this (default 365). */
  readonly maxAgeDays?: number;
  /** Malware: extra YARA rule files, SHA-256 IOC lists, a clamd address (`unix:///…`, `tcp://host:port`). */
  readonly malwareRules?: readonly string[];
  readonly hashLists?: readonly string[];
  readonly clamd?: string;
  /** Secrets and malware also read the distribution's own trees (system binaries, distro-packaged libraries). */
  readonly distroTrees?: boolean;
  /** Secrets: a gitleaks TOML or Trivy trivy-secret.yaml file with user rules (refused with CONFIG_INVALID when a rule cannot be used). */
  readonly secretConfig?: string;
}

/**
 * Checks that run on the merged image after the layer pass (hardening): their findings, and
 * unknowns for what their limits left unjudged (these reach `report.unknowns`, so the report is
 * incomplete rather than silently partial).
 */
export type PostScanCheck = (scan: ImageScan, now: Date) => PostScanResult;

export interface PostScanResult {
  readonly findings: readonly Finding[];
  readonly unknowns?: readonly Unknown[];
}

export interface ScannerSetup {
  readonly analyzers: readonly LayerAnalyzer[];
  readonly configAnalyzers: readonly ImageConfigAnalyzer[];
  /** Everything that changes analyzer output beyond plugin versions: part of layer cache keys. */
  readonly analyzerOptions: Readonly<Record<string, unknown>>;
  readonly postScan: readonly PostScanCheck[];
}

/** Layer analyzers and config analyzers for the selected scanners (vulnerabilities are matched after the scan). */
export async function setupScanners(selected: ReadonlySet<Scanner>, options: ScannerOptions = {}): Promise<ScannerSetup> {
  const analyzers: LayerAnalyzer[] = [];
  const configAnalyzers: ImageConfigAnalyzer[] = [];
  const analyzerOptions: Record<string, unknown> = {};
  const postScan: PostScanCheck[] = [];
  if (selected.has('hardening')) {
    analyzers.push(sensitiveFilesAnalyzer);
    const maxAgeDays = options.maxAgeDays;
    postScan.push(({ report, merged }, now) => ({
      findings: evaluateImageHardening({ report, merged, now, ...(maxAgeDays === undefined ? {} : { options: { maxAgeDays } }) }),
      unknowns: imageHardeningUnknowns({ report }),
    }));
  }
  if (selected.has('secret')) {
    const userRules = options.secretConfig === undefined ? {} : await loadSecretConfig(options.secretConfig);
    const secretOptions = { ...userRules, showSecrets: options.showSecrets === true, distroTrees: options.distroTrees === true };
    analyzers.push(createSecretsAnalyzer(secretOptions));
    configAnalyzers.push((config: ImageConfigStrings) =>
      scanConfigStrings(
        [
          ...config.env.map((value, index) => ({ where: 'env' as const, key: value.split('=')[0] ?? '', value: value.slice(value.indexOf('=') + 1), index })),
          ...Object.entries(config.labels).map(([key, value]) => ({ where: 'label' as const, key, value })),
          ...config.history.map((value, index) => ({ where: 'history' as const, key: 'created_by', value, index })),
        ],
        secretOptions,
      ),
    );
    analyzerOptions['secrets'] = secretRulesFingerprint(secretOptions);
    analyzerOptions['showSecrets'] = secretOptions.showSecrets;
    analyzerOptions['distroTrees'] = secretOptions.distroTrees;
  }
  if (selected.has('malware')) {
    const malware = await createMalwareAnalyzer({
      ...(options.malwareRules && options.malwareRules.length > 0 ? { rules: options.malwareRules } : {}),
      ...(options.hashLists && options.hashLists.length > 0 ? { hashLists: options.hashLists } : {}),
      ...(options.clamd ? { clamd: options.clamd } : {}),
      distroTrees: options.distroTrees === true,
    });
    analyzers.push(malware);
    // rules, IOC lists and the clamd database version change the output
    analyzerOptions['malware'] = malware.fingerprint;
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
  return [...unknowns].sort((a, b) => a.location.path.localeCompare(b.location.path) || a.reason.localeCompare(b.reason));
}

/** The one order of findings in every report: most severe first, then rule, path, id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || (a.location?.path ?? '').localeCompare(b.location?.path ?? '') || a.id.localeCompare(b.id),
  );
}

/**
 * `vuln,secret` selects exactly those; `+malware` (or `-vuln`) adds to (or removes from) the
 * defaults, so turning one scanner on does not mean listing the others.
 */
export function parseScanners(text: string, defaults: readonly Scanner[] = DEFAULT_SCANNERS): Set<Scanner> {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
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
