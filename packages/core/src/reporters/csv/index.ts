import { reportCompleteness } from '@sekisho/model';
import type { Finding, Report } from '@sekisho/model';
import type * as CsvSync from 'csv-stringify/sync';
import type { Reporter, ReporterPlugin } from '../types.js';
import { lazyModule } from '../../util/lazy-module.js';

const csv = lazyModule<typeof CsvSync>('csv-stringify/sync');

/**
 * `--format csv`: the findings as one RFC 4180 table for spreadsheets and ad-hoc scripts. The
 * `record` column says what a row is: the first row is always `status` (complete or incomplete,
 * with the reasons), then a `not-checked` row per scanner that could not judge the target, a
 * `not-read` row per unreadable file, and a `finding` row per finding, in the report's order.
 * Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first: package
 * names and paths come from the image) are prefixed with `'` (csv-stringify's escape_formulas).
 */
export const CSV_COLUMNS = ['record', 'severity', 'id', 'kind', 'package', 'installed_version', 'fixed_versions', 'status', 'path', 'layer', 'title', 'fix'] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

const EMPTY: Row = { record: '', severity: '', id: '', kind: '', package: '', installed_version: '', fixed_versions: '', status: '', path: '', layer: '', title: '', fix: '' };

function findingRow(f: Finding): Row {
  const row: Row = {
    ...EMPTY,
    record: 'finding',
    severity: f.severity,
    id: f.ruleId,
    kind: f.kind,
    path: f.location?.path ?? '',
    layer: f.location?.layerIndex == null ? '' : String(f.location.layerIndex),
    title: f.title,
    fix: f.fix ?? '',
  };
  if (f.kind !== 'vulnerability') return row;
  return { ...row, id: f.vulnerabilityId, package: f.packageName, installed_version: f.installedVersion, fixed_versions: f.fixedVersions.join(' '), status: f.status };
}

function* rows(report: Report): Generator<Row> {
  const completeness = reportCompleteness(report);
  yield { ...EMPTY, record: 'status', status: completeness.status, title: [...completeness.reasons, ...completeness.notes].join('; ') };
  for (const n of report.notChecked) yield { ...EMPTY, record: 'not-checked', id: n.scanner, status: 'not checked', title: n.reason, fix: n.fix ?? '' };
  for (const u of report.unknowns)
    yield { ...EMPTY, record: 'not-read', id: u.foundBy, path: u.location.path, layer: u.location.layerIndex === null ? '' : String(u.location.layerIndex), title: u.reason };
  for (const f of report.findings) yield findingRow(f);
}

export function toCsv(report: Report): string {
  return csv().stringify([...rows(report)], { header: true, columns: [...CSV_COLUMNS], escape_formulas: true, record_delimiter: 'unix' });
}

export const csvReporter: Reporter = { id: 'csv', mediaType: 'text/csv', specVersions: ['rfc4180'], render: (report) => toCsv(report) };

export const csvReporterPlugin: ReporterPlugin = { id: 'csv', views: ['scan'], create: () => csvReporter };
