import type { Finding, Report, RuleEvidence, RuleStatus } from '@sekisho/model';
import type { z } from 'zod';

/** What a rule may read while it is evaluated. */
export interface RuleContext {
  readonly report: Report;
  readonly now: Date;
  /** True for a finding an exception in force excuses: it is counted apart, never as a violation. */
  excepted(finding: Finding): boolean;
  /** When a finding was first seen for this image (the server's history), or null when unknown. */
  firstSeen(finding: Finding): Date | null;
}

export interface RuleVerdict {
  readonly status: RuleStatus;
  readonly message: string;
  readonly evidence: readonly RuleEvidence[];
  /** Findings the rule would have counted but an exception excused. */
  readonly excepted: number;
}

/** One kind of policy rule: its parameters, its weight in the health score, and how it judges a report. */
export interface RuleKind<P> {
  readonly kind: string;
  readonly summary: string;
  /** Strict schema of the kind's own fields (not kind/action/weight/enabled/description). */
  readonly params: z.ZodType<P>;
  readonly defaultWeight: number;
  /** Scanners whose results the rule reads: when one did not run, the rule is not evaluated. */
  readonly needs: readonly string[];
  evaluate(params: P, ctx: RuleContext): RuleVerdict;
}

/** A rule kind with its parameter type erased, for the registry. */
export interface AnyRuleKind {
  readonly kind: string;
  readonly summary: string;
  readonly params: z.ZodType;
  readonly defaultWeight: number;
  readonly needs: readonly string[];
  evaluate(params: unknown, ctx: RuleContext): RuleVerdict;
}

export function defineRule<P>(rule: RuleKind<P>): AnyRuleKind {
  return rule;
}
