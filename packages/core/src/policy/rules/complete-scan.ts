import { reportCompleteness } from '@sekisho/model';
import { z } from 'zod';
import { defineRule } from './types.js';

/**
 * Every environment has this rule unless it sets `allowIncomplete: true`: a report with unread
 * files or scanners that could not run is not a clean report.
 */
export const completeScanRule = defineRule({
  kind: 'complete-scan',
  summary: 'The scan read every file and every scanner asked for ran (added to every environment unless allowIncomplete)',
  params: z.object({}).strict(),
  defaultWeight: 10,
  needs: [],
  evaluate(_p, ctx) {
    const c = reportCompleteness(ctx.report);
    return c.status === 'complete'
      ? { status: 'pass', message: 'the scan is complete', evidence: [], excepted: 0 }
      : {
          status: 'violated',
          message: `the scan is incomplete: ${c.reasons.join('; ')}`,
          evidence: c.reasons.map((r, i) => ({ ref: `incomplete:${i}`, text: r, severity: null, fix: null })),
          excepted: 0,
        };
  },
});
