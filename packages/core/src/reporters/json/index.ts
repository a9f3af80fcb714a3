import { toReportDocument } from '@sekisho/model';
import type { Reporter } from '../types.js';

/** Sekisho's own report format (`sekisho.report/v1`), the full data model plus `status` and `statusReasons`. */
export const jsonReporter: Reporter = {
  id: 'json',
  mediaType: 'application/json',
  specVersions: ['sekisho.report/v1'],
  render: (report) => `${JSON.stringify(toReportDocument(report), null, 2)}\n`,
};
