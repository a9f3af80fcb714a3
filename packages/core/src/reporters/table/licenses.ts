import type { Report } from '@sekisho/model';
import { boxTableLines } from './box-table.js';
import { compareText } from '@sekisho/model';

/** The summary shows the most frequent licences; the package list below names them all. */
const SUMMARY_ROWS = 25;

/**
 * The licence section of the table (`--scanners license`): a summary (how many packages state a
 * licence, counts by licence statement, the 25 most frequent), then every package with its
 * licences. Reading only: findings come from a policy's `licenses` rule, never from here.
 */
export function* licenseLines(report: Report): Generator<string> {
  const counts = new Map<string, number>();
  let stated = 0;
  for (const pkg of report.packages) {
    if (pkg.licenses.length > 0) stated += 1;
    for (const license of pkg.licenses) counts.set(license, (counts.get(license) ?? 0) + 1);
  }
  const total = report.packages.length;
  yield `Licences: ${stated} of ${total} packages state one${total > stated ? ` (${total - stated} state none)` : ''}`;
  if (total === 0) return;
  if (counts.size > 0) {
    const rows = [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map(([license, n]) => [license, String(n)]);
    yield* boxTableLines(rows.slice(0, SUMMARY_ROWS), { head: ['LICENCE', 'PACKAGES'], widths: [60, 10] });
    if (rows.length > SUMMARY_ROWS) yield `… and ${rows.length - SUMMARY_ROWS} more licences (every package's are listed below)`;
  }
  yield '';
  const rows = report.packages.map((pkg) => [pkg.name, pkg.version, pkg.type, pkg.licenses.length === 0 ? '(none stated)' : pkg.licenses.join('; ')]);
  yield* boxTableLines(rows, { head: ['NAME', 'VERSION', 'TYPE', 'LICENCES'], widths: [32, 24, 8, 60] });
}
