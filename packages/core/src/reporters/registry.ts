import { cyclonedxJsonReporter } from './cyclonedx-json/index.js';
import { jsonReporter } from './json/index.js';
import { spdxJsonReporter } from './spdx-json/index.js';
import { tableReporter } from './table/index.js';
import { toSarif } from './sarif/index.js';
import type { Reporter } from './types.js';

/** SARIF 2.1.0 of a report's findings (GitHub code scanning accepts it). */
export const sarifReporter: Reporter = {
  id: 'sarif',
  mediaType: 'application/sarif+json',
  specVersions: ['2.1.0'],
  render: (report) => `${JSON.stringify(toSarif(report.findings, { name: 'sekisho', version: report.tool.version }), null, 2)}\n`,
};

export const reporters: readonly Reporter[] = [tableReporter, jsonReporter, cyclonedxJsonReporter, spdxJsonReporter, sarifReporter];

export function getReporter(id: string): Reporter | undefined {
  return reporters.find((r) => r.id === id);
}
