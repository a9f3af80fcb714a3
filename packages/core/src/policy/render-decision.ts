import type { PolicyDecision } from '@sekisho/model';

const OUTCOME_MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' } as const;

/** How many pieces of evidence each rule shows in text; the JSON form carries up to 100. */
const SHOWN_EVIDENCE = 10;

/**
 * The decision as people read it, one line at a time: the result and grade, then each rule with
 * its evidence and fix, then the exceptions that applied or expired. `policy evaluate` and the
 * table of every scan print it.
 */
export function decisionLines(d: PolicyDecision): string[] {
  const out = [`Policy ${d.policy}, environment ${d.environment}: ${d.result.toUpperCase()} — health grade ${d.grade} (${d.score}/100)`];
  for (const r of d.rules) {
    out.push(`  ${OUTCOME_MARK[r.outcome]}  ${r.id} (${r.kind}${r.status === 'not-evaluated' ? ', not evaluated' : ''}): ${r.message}`);
    for (const e of r.evidence.slice(0, SHOWN_EVIDENCE)) out.push(`          - ${e.text}${e.fix === null ? '' : ` → ${e.fix}`}`);
    if (r.evidenceCount > SHOWN_EVIDENCE) out.push(`          … and ${r.evidenceCount - SHOWN_EVIDENCE} more (--format json)`);
  }
  for (const e of d.exceptions.applied) out.push(`  exception ${e.id} (owner ${e.owner}, until ${e.expires ?? '?'}) excused ${e.matched}: ${e.reason}`);
  for (const e of d.exceptions.expired) out.push(`  exception ${e.id} (owner ${e.owner}) EXPIRED on ${e.expires ?? '?'} and no longer applies`);
  return out;
}

/** The decision as text, newline-terminated. */
export function renderDecision(d: PolicyDecision): string {
  return `${decisionLines(d).join('\n')}\n`;
}
