import type { Finding, Report, Unknown } from '@sekisho/model';
import type { MergedLayers } from '../overlay/apply-layers.js';
import type { AnalyzerFinding, LayerAnalyzer } from '../layers/layer-analyzer.js';

/** What the command line chooses about the analyzers (`sekisho image --scanners …` and its flags); each reads only what it needs. */
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

export interface ImageConfigStrings {
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `created_by` of every history entry, including empty layers, in order. */
  readonly history: readonly string[];
}

/** Findings about the image configuration; their `path` is `config:…` (no layer). */
export type ImageConfigAnalyzer = (config: ImageConfigStrings) => readonly AnalyzerFinding[];

/** What a post-scan check reads: the inventory report and the merged layers it came from. */
export interface PostScanInput {
  readonly report: Report;
  readonly merged: MergedLayers;
}

export interface PostScanResult {
  readonly findings: readonly Finding[];
  readonly unknowns?: readonly Unknown[];
}

/**
 * Checks that run on the merged image after the layer pass (hardening): their findings, and
 * unknowns for what their limits left unjudged (these reach `report.unknowns`, so the report is
 * incomplete rather than silently partial).
 */
export type PostScanCheck = (scan: PostScanInput, now: Date) => PostScanResult;

/** What one analyzer plugin adds to a scan. */
export interface AnalyzerSetup {
  readonly analyzers?: readonly LayerAnalyzer[];
  readonly configAnalyzers?: readonly ImageConfigAnalyzer[];
  /** Everything that changes its output beyond plugin versions: part of layer cache keys. */
  readonly analyzerOptions?: Readonly<Record<string, unknown>>;
  readonly postScan?: readonly PostScanCheck[];
}

/**
 * One analyzer: a folder under analyzers/ and one line in analyzers/registry.ts
 * (docs/dev/adding-an-analyzer.md). `scanner` is the `--scanners` name that switches it on, or
 * null when it always runs because the inventory needs it.
 */
export interface AnalyzerPlugin<S extends string | null = string | null> {
  readonly scanner: S;
  setup(options: ScannerOptions): Promise<AnalyzerSetup>;
}
