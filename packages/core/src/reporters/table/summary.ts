import type { Report, Severity } from '@sekisho/model';
import { SEVERITIES, isOsPackageType } from '@sekisho/model';
import { boxTableLines } from './box-table.js';
import { paintSeverity } from './color.js';

interface Row {
  readonly target: string;
  readonly type: string;
  packages: number | null;
  /** null: this scanner did not run (vulnerabilities without a database). */
  counts: Map<Severity, number> | null;
}

const VULN = 'vulnerability';

/**
 * Trivy's per-target summary, first in the table: one row per kind of target (the OS packages,
 * each language's packages, secrets, hardening, …) with its package count and findings by severity.
 * One pass over packages and findings; the rows are few (one per package type and finding kind).
 */
export function* summaryLines(report: Report, color: boolean): Generator<string> {
  const vulnChecked = !report.notChecked.some((n) => n.scanner === 'vuln');
  const rows = new Map<string, Row>();
  const row = (key: string, target: string, type: string, packageRow: boolean): Row => {
    let r = rows.get(key);
    if (r === undefined) {
      r = { target, type, packages: packageRow ? 0 : null, counts: packageRow && !vulnChecked ? null : new Map() };
      rows.set(key, r);
    }
    return r;
  };
  const osTarget = report.distro?.prettyName ?? 'OS packages';
  const packageRow = (type: string): Row => row(`pkg:${type}`, isOsPackageType(type as Parameters<typeof isOsPackageType>[0]) ? osTarget : `${type} packages`, type, true);
  for (const pkg of report.packages) {
    const r = packageRow(pkg.type);
    r.packages = (r.packages ?? 0) + 1;
  }
  for (const f of report.findings) {
    const r = f.kind === VULN ? packageRow(f.packageType ?? 'unknown') : row(`kind:${f.kind}`, f.kind === 'secret' ? 'secrets (every layer, config)' : f.kind, f.kind, false);
    if (r.counts !== null) r.counts.set(f.severity, (r.counts.get(f.severity) ?? 0) + 1);
  }
  const totals = new Map<Severity, number>();
  for (const r of rows.values()) for (const [s, n] of r.counts ?? []) totals.set(s, (totals.get(s) ?? 0) + n);
  const total = [...totals.values()].reduce((a, b) => a + b, 0);

  yield `Summary: ${total} finding(s) (${SEVERITIES.map((s) => paintSeverity(s, `${s.toUpperCase()}: ${totals.get(s) ?? 0}`, color && (totals.get(s) ?? 0) > 0)).join(', ')})`;
  if (rows.size === 0) return;
  const body = [...rows.values()].map((r) => [r.target, r.type, r.packages === null ? '' : String(r.packages), ...SEVERITIES.map((s) => (r.counts === null ? '-' : String(r.counts.get(s) ?? 0)))]);
  const head = ['TARGET', 'TYPE', 'PACKAGES', ...SEVERITIES.map((s) => s.toUpperCase())];
  yield* boxTableLines(body, {
    head,
    style: (column, text) => {
      const severity = SEVERITIES[column - 3];
      return severity !== undefined && text !== '0' && text !== '-' ? paintSeverity(severity, text, color) : text;
    },
  });
  if (!vulnChecked) yield '  - : vulnerabilities not checked (see below)';
}
