import { csvReporterPlugin } from './csv/index.js';
import { cyclonedxJsonReporterPlugin } from './cyclonedx-json/index.js';
import { githubReporterPlugin } from './github/index.js';
import { jsonReporterPlugin } from './json/index.js';
import { junitReporterPlugin } from './junit/index.js';
import { sarifReporterPlugin } from './sarif/index.js';
import { spdxJsonReporterPlugin } from './spdx-json/index.js';
import { tableReporterPlugin } from './table/index.js';
import { templateReporterPlugin } from './template/index.js';
import type { Reporter, ReporterOptions, ReporterPlugin, ReportView } from './types.js';

/**
 * Every output format, explicitly (no side-effect registration), in the order `--help` lists them.
 * A format is a folder under reporters/ and one line here (docs/dev/adding-a-reporter.md).
 */
export const reporterPlugins: readonly ReporterPlugin[] = [
  tableReporterPlugin,
  jsonReporterPlugin,
  sarifReporterPlugin,
  cyclonedxJsonReporterPlugin,
  spdxJsonReporterPlugin,
  githubReporterPlugin,
  junitReporterPlugin,
  templateReporterPlugin,
  csvReporterPlugin,
];

/** The format ids a view offers, in registry order. */
export function reportFormats(view: ReportView): string[] {
  return reporterPlugins.filter((p) => p.views.includes(view)).map((p) => p.id);
}

/** The reporter for a format in a view, or undefined when the view does not offer it or the options cannot make it. */
export function createReporter(id: string, options: ReporterOptions): Reporter | undefined {
  const plugin = reporterPlugins.find((p) => p.id === id && p.views.includes(options.view));
  return plugin?.create(options);
}

/** Every reporter of the inventory view (sbom). */
export const reporters: readonly Reporter[] = reporterPlugins.flatMap((p) => {
  const reporter = p.views.includes('inventory') ? p.create({ view: 'inventory' }) : undefined;
  return reporter === undefined ? [] : [reporter];
});

/** A reporter of the inventory view (sbom). */
export function getReporter(id: string): Reporter | undefined {
  return createReporter(id, { view: 'inventory' });
}

/** The scan options of `createReporter` without the view. */
export type ScanReporterOptions = Omit<ReporterOptions, 'view'>;

/** Every format a scan offers (image, fs, sbom-scan `--format`). */
export const SCAN_FORMATS: readonly string[] = reportFormats('scan');

/** Every reporter of a scan (template only when the options carry its text). */
export function scanReporters(options: ScanReporterOptions = {}): Reporter[] {
  return SCAN_FORMATS.flatMap((id) => createReporter(id, { ...options, view: 'scan' }) ?? []);
}

/** A reporter of the scan view (image, fs, sbom-scan). */
export function getScanReporter(id: string, options: ScanReporterOptions = {}): Reporter | undefined {
  return createReporter(id, { ...options, view: 'scan' });
}
