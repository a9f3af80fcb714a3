import type { HealthGrade, RuleResult } from '@sekisho/model';

/**
 * The health score is the weighted share of the environment's rules that pass, 0–100, rounded
 * down (docs/policy.md). A rule that is violated or could not be judged earns nothing, whatever
 * its action: the action decides the gate, the score measures the image against every rule.
 * An environment without weighted rules scores 100.
 */
export function healthScore(rules: readonly Pick<RuleResult, 'status' | 'weight'>[]): number {
  const total = rules.reduce((sum, r) => sum + r.weight, 0);
  if (total === 0) return 100;
  const earned = rules.reduce((sum, r) => sum + (r.status === 'pass' ? r.weight : 0), 0);
  return Math.floor((100 * earned) / total);
}

/** A 90–100, B 70–89, C 50–69, D 30–49, E 10–29, F 0–9. */
export function healthGrade(score: number): HealthGrade {
  if (score >= 90) return 'A';
  if (score >= 70) return 'B';
  if (score >= 50) return 'C';
  if (score >= 30) return 'D';
  if (score >= 10) return 'E';
  return 'F';
}
