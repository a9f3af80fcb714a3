import { cyclonedxJsonReporter } from './cyclonedx-json/index.js';
import { githubReporter } from './github/index.js';
import { jsonReporter } from './json/index.js';
import { spdxJsonReporter } from './spdx-json/index.js';
import { tableReporter } from './table/index.js';
import { reportCompleteness } from '@sekisho/model';
import type { Report } from '@sekisho/model';
import { toSarif } from './sarif/index.js';
import type { Reporter } from './types.js';

/** SARIF 2.1.0 of a report's findings (GitHub code scanning accepts it). */
export const sarifReporter: Reporter = {
  id: 'sarif',
  mediaType: 'application/sarif+json',
  specVersions: ['2.1.0'],
  render: (report) => `${JSON.stringify(toSarif(report.findings, { name: 'sekisho', version: report.tool.version }, sarifCompleteness(report)), null, 2)}\n`,
};

/** Completeness in SARIF: run properties, plus an error notification per scanner that did not run and one for unreadable files. */
function sarifCompleteness(report: Report): Parameters<typeof toSarif>[2] {
  const notifications = report.notChecked.map((n) => ({ file: null, level: 'error' as const, message: `${n.scanner} not checked: ${n.reason}${n.fix === null ? '' : ` (fix: ${n.fix})`}` }));
  for (const u of report.unknowns.slice(0, 100)) notifications.push({ file: null, level: 'error' as const, message: `not read: ${u.location.path}: ${u.reason}` });
  return { completeness: reportCompleteness(report), notifications, ...(report.policy === undefined ? {} : { policy: report.policy }) };
}

export const reporters: readonly Reporter[] = [tableReporter, jsonReporter, cyclonedxJsonReporter, spdxJsonReporter, sarifReporter, githubReporter];

export function getReporter(id: string): Reporter | undefined {
  return reporters.find((r) => r.id === id);
}
