import type { Severity } from './severity.js';

/** What a policy rule does when it is violated: fail the gate, warn, or only inform. */
export type PolicyAction = 'fail' | 'warn' | 'info';

/** The outcome of a whole evaluation, and of each rule. */
export type PolicyOutcome = 'pass' | 'warn' | 'fail' | 'info';

/**
 * `pass`: nothing breaks the rule. `violated`: something does (see evidence). `not-evaluated`: the
 * rule could not be judged (a scanner it needs did not run, a fact it needs is missing): it then
 * counts as violated, because a gate must never pass what it could not judge.
 */
export type RuleStatus = 'pass' | 'violated' | 'not-evaluated';

export type HealthGrade = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** One thing that breaks a rule: a finding, a package, a label, a fact. */
export interface RuleEvidence {
  /** Finding id, package id, or a short key (`label:team`, `distro:debian:11`). */
  readonly ref: string;
  readonly text: string;
  readonly severity: Severity | null;
  /** The change that clears this piece of evidence, when one is known. */
  readonly fix: string | null;
}

export interface RuleResult {
  /** The rule's id in the policy file. */
  readonly id: string;
  readonly kind: string;
  readonly action: PolicyAction;
  readonly status: RuleStatus;
  /** What the rule contributes to the decision: `pass`, or its action when violated or not evaluated. */
  readonly outcome: PolicyOutcome;
  readonly message: string;
  /** The first pieces of evidence (bounded); `evidenceCount` says how many there were. */
  readonly evidence: readonly RuleEvidence[];
  readonly evidenceCount: number;
  /** Findings the rule would have counted but an exception in force excused. */
  readonly excepted: number;
  /** Weight in the health score (docs/policy.md). */
  readonly weight: number;
}

/** An exception as the decision reports it: applied, or expired and no longer applying. */
export interface ExceptionNote {
  readonly id: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string | null;
  /** How many findings or rules it excused in this evaluation. */
  readonly matched: number;
}

export const DECISION_SCHEMA = 'sekisho.decision/v1' as const;

/** The answer of `evaluatePolicy`: the same for the CLI gate, the server and the admission webhook. */
export interface PolicyDecision {
  readonly schema: typeof DECISION_SCHEMA;
  readonly policy: string;
  readonly environment: string;
  /** `fail` when any rule with action `fail` is violated or could not be judged; `warn` likewise for `warn`. */
  readonly result: 'pass' | 'warn' | 'fail';
  /** 0–100: the weighted share of the environment's rules that pass. */
  readonly score: number;
  readonly grade: HealthGrade;
  /** Sorted: failing first, then warnings, then by id. */
  readonly rules: readonly RuleResult[];
  readonly exceptions: { readonly applied: readonly ExceptionNote[]; readonly expired: readonly ExceptionNote[] };
  /** When it was evaluated (exception expiry and age rules depend on it). */
  readonly evaluatedAt: string;
}
