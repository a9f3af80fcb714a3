import { toReportDocument } from '@sekisho/model';
import { jsonChunks } from '../chunks.js';
import type { Reporter, ReporterPlugin } from '../types.js';

/** Sekisho's own report format (`sekisho.report/v1`): the full data model plus `status` and `statusReasons`, written in chunks for large reports. */
export const jsonReporter: Reporter = {
  id: 'json',
  mediaType: 'application/json',
  specVersions: ['sekisho.report/v1'],
  render: (report) => Array.from(jsonChunks(toReportDocument(report) as unknown as Record<string, unknown>)).join(''),
  renderChunks: (report) => jsonChunks(toReportDocument(report) as unknown as Record<string, unknown>),
};

export const jsonReporterPlugin: ReporterPlugin = { id: 'json', views: ['inventory', 'scan'], create: () => jsonReporter };
