import type { Finding, PolicyDecision, PolicyOutcome, Report, RuleResult } from '@sekisho/model';
import { DECISION_SCHEMA, compareText } from '@sekisho/model';
import { resolveEnvironment } from './environments.js';
import { ExceptionBook } from './exceptions.js';
import { healthGrade, healthScore } from './grade.js';
import type { PolicyDocument } from './schema.js';

/** How many pieces of evidence a rule result carries; the count says how many there were. */
const MAX_EVIDENCE = 100;

export interface EvaluateOptions {
  readonly now?: Date;
  /** When each finding was first seen for this image (the server's history), for `fix-sla` with `since: first-seen`. */
  readonly firstSeen?: (finding: Finding) => Date | null;
}

const OUTCOME_ORDER: Record<PolicyOutcome, number> = { fail: 0, warn: 1, info: 2, pass: 3 };

/**
 * Judge a report against one environment of a policy. This one call is what the CLI gate, the
 * server and the admission webhook use, so they cannot disagree. Pure: the same report, policy,
 * environment and time give the same decision.
 */
export function evaluatePolicy(report: Report, policy: PolicyDocument, environment: string, options: EvaluateOptions = {}): PolicyDecision {
  const now = options.now ?? new Date();
  const env = resolveEnvironment(policy, environment);
  const book = new ExceptionBook(policy.exceptions ?? [], report, env.name, now);
  const ran = report.scanners === undefined ? null : new Set(report.scanners);
  const firstSeen = options.firstSeen ?? (() => null);

  const rules: RuleResult[] = env.rules.map((rule) => {
    const base = { id: rule.id, kind: rule.kind.kind, action: rule.action, weight: rule.weight };
    if (book.waives(rule.id)) return { ...base, status: 'pass', outcome: 'pass', message: 'waived by an exception', evidence: [], evidenceCount: 0, excepted: 0 };
    const missing = rule.kind.needs.filter((s) => ran === null || !ran.has(s));
    if (missing.length > 0) {
      const why = ran === null ? 'the report does not say which scanners ran (made by an older version?)' : `the ${missing.join(', ')} scanner${missing.length > 1 ? 's' : ''} did not run`;
      return { ...base, status: 'not-evaluated', outcome: rule.action, message: `not judged: ${why}`, evidence: [], evidenceCount: 0, excepted: 0 };
    }
    const verdict = rule.kind.evaluate(rule.params, { report, now, excepted: (f) => book.excuses(f), firstSeen });
    return {
      ...base,
      status: verdict.status,
      outcome: verdict.status === 'pass' ? 'pass' : rule.action,
      message: verdict.message,
      evidence: verdict.evidence.slice(0, MAX_EVIDENCE),
      evidenceCount: verdict.evidence.length,
      excepted: verdict.excepted,
    };
  });
  rules.sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] || compareText(a.id, b.id));

  const result = rules.some((r) => r.outcome === 'fail') ? 'fail' : rules.some((r) => r.outcome === 'warn') ? 'warn' : 'pass';
  const score = healthScore(rules);
  return {
    schema: DECISION_SCHEMA,
    policy: policy.metadata.name,
    environment: env.name,
    result,
    score,
    grade: healthGrade(score),
    rules,
    exceptions: book.notes(),
    evaluatedAt: now.toISOString(),
  };
}
