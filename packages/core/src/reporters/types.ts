import type { Report } from '@sekisho/model';
import type { AttributionOptions } from '../findings/attribution.js';

export interface RenderOptions {
  /** Creation time where a format requires one (SPDX `created`); from SOURCE_DATE_EPOCH when set, for reproducible output. */
  readonly now: Date;
  /** ANSI colours in tables. */
  readonly color: boolean;
}

/** Turns a Report into one output format. Output is deterministic: same report, same bytes. */
export interface Reporter {
  readonly id: string;
  readonly mediaType: string;
  readonly specVersions: readonly string[];
  render(report: Report, options: RenderOptions): string;
  /**
   * The same bytes as render, in chunks written one after another: for large reports, so the
   * output is never one giant string (optional; callers use reporterChunks()).
   */
  renderChunks?(report: Report, options: RenderOptions): Iterable<string>;
}

/**
 * Which command's view of a report a format renders. `inventory` (sbom): the package inventory as
 * is. `scan` (image, fs, sbom-scan): the table groups vulnerabilities by package with base-image
 * attribution and CycloneDX carries the `vulnerabilities` array.
 */
export type ReportView = 'inventory' | 'scan';

/** What the command line chooses about a format; each format reads only what it needs. */
export interface ReporterOptions {
  readonly view: ReportView;
  /** Template text for `--format template`. */
  readonly template?: string | null;
  readonly attribution?: AttributionOptions;
  /** `--list-all-pkgs`: the scan table lists every package; otherwise it gives counts (as Trivy). */
  readonly listAllPkgs?: boolean;
  /** The scan table shows the licence section (`--scanners license`). */
  readonly licenses?: boolean;
}

/** One output format: a folder under reporters/ and one line in reporters/registry.ts. */
export interface ReporterPlugin {
  readonly id: string;
  /** The views that offer this format (junit and template exist only for a scan). */
  readonly views: readonly ReportView[];
  /** The reporter for these options, or undefined when they cannot make one (template without its text). */
  create(options: ReporterOptions): Reporter | undefined;
}
