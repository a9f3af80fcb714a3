import type { Report } from '@sekisho/model';
import type { AttributionOptions } from '../../findings/attribution.js';
import { decisionLines } from '../../policy/render-decision.js';
import { lineChunks } from '../chunks.js';
import type { Reporter, ReporterPlugin } from '../types.js';
import { completenessLine, findingLines, headerLines, packageLines, tableReporter, unknownLines } from './inventory-table.js';

import { licenseLines } from './licenses.js';
import { summaryLines } from './summary.js';
import { vulnerabilityLines } from './vulnerabilities.js';

export { tableReporter } from './inventory-table.js';

/**
 * The scan table, in the order a reader needs it: image facts, a per-target summary (counts by
 * severity), vulnerabilities grouped by package with base-image attribution, the other findings,
 * the package list (only with listAllPkgs; a line of counts otherwise), unreadable files, and the
 * status line last.
 */
export function vulnerabilityTableReporter(attribution: AttributionOptions = {}, listAllPkgs = false, licenses = false): Reporter {
  function* lines(report: Report, color: boolean): Generator<string> {
    yield* headerLines(report);
    yield '';
    yield* summaryLines(report, color);
    yield '';
    yield* vulnerabilityLines(report, attribution, { color });
    const others = report.findings.filter((f) => f.kind !== 'vulnerability');
    if (others.length > 0) {
      yield '';
      yield* findingLines(others, { color });
    }
    yield '';
    yield* packageLines(report, { listAllPkgs });
    if (licenses) {
      yield '';
      yield* licenseLines(report);
    }
    if (report.unknowns.length > 0) {
      yield '';
      yield* unknownLines(report);
    }
    if (report.policy !== undefined) {
      yield '';
      yield* decisionLines(report.policy);
    }
    yield '';
    yield completenessLine(report);
  }
  return {
    ...tableReporter,
    render: (report, options) => Array.from(lineChunks(lines(report, options.color))).join(''),
    renderChunks: (report, options) => lineChunks(lines(report, options.color)),
  };
}

/** `--format table`: the inventory table (sbom), or the scan table with vulnerabilities grouped by package. */
export const tableReporterPlugin: ReporterPlugin = {
  id: 'table',
  views: ['inventory', 'scan'],
  create: (options) => (options.view === 'scan' ? vulnerabilityTableReporter(options.attribution, options.listAllPkgs === true, options.licenses === true) : tableReporter),
};
