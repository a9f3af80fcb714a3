import type { RuleEvidence, VulnerabilityFinding } from '@sekisho/model';
import { SEVERITIES, severityAtLeast } from '@sekisho/model';
import { z } from 'zod';
import { findingEvidence } from './finding-rule.js';
import { defineRule } from './types.js';

const DAY = 86_400_000;

const params = z
  .object({
    severity: z.enum(SEVERITIES).default('high'),
    /** A fixable vulnerability may stay open this many days. */
    days: z.number().int().min(0).max(36_500),
    /** The clock: since the advisory was published, or since the image first had the finding (server history). */
    since: z.enum(['published', 'first-seen']).default('published'),
  })
  .strict();

/**
 * A fix SLA: fixable vulnerabilities at or above a severity must not stay open longer than `days`.
 * A finding whose clock cannot be read (no publication date; no history for `first-seen`) is not
 * judged, and so the rule is not evaluated unless another finding already breaks it.
 */
export const fixSlaRule = defineRule({
  kind: 'fix-sla',
  summary: 'Fixable vulnerabilities at or above a severity are fixed within a number of days',
  params,
  defaultWeight: 10,
  needs: ['vuln'],
  evaluate(p, ctx) {
    const late: RuleEvidence[] = [];
    let unknownClock = 0;
    let excepted = 0;
    for (const f of ctx.report.findings) {
      if (f.kind !== 'vulnerability' || f.fixedVersions.length === 0 || !severityAtLeast(f.severity, p.severity)) continue;
      if (ctx.excepted(f)) {
        excepted++;
        continue;
      }
      const start = clockStart(f, p.since, ctx.firstSeen(f));
      if (start === null) {
        unknownClock++;
        continue;
      }
      const age = Math.floor((ctx.now.getTime() - start.getTime()) / DAY);
      if (age > p.days) {
        const e = findingEvidence(f);
        late.push({ ...e, text: `${e.text}: open ${age} days since ${p.since === 'published' ? 'published' : 'first seen'} (SLA ${p.days})` });
      }
    }
    const what = `fixable vulnerabilities at or above ${p.severity} past the ${p.days}-day SLA`;
    if (late.length > 0) return { status: 'violated', message: `${late.length} ${what}`, evidence: late, excepted };
    if (unknownClock > 0) {
      return {
        status: 'not-evaluated',
        message: `${unknownClock} fixable vulnerabilities at or above ${p.severity} have no ${p.since === 'published' ? 'publication date' : 'first-seen time (history lives in the server)'}: the SLA cannot be judged`,
        evidence: [],
        excepted,
      };
    }
    return { status: 'pass', message: `no ${what}`, evidence: [], excepted };
  },
});

function clockStart(f: VulnerabilityFinding, since: 'published' | 'first-seen', firstSeen: Date | null): Date | null {
  if (since === 'first-seen') return firstSeen;
  const published = f.published ?? null;
  if (published === null) return null;
  const time = Date.parse(published);
  return Number.isNaN(time) ? null : new Date(time);
}
