import { reportCompleteness, severityAtLeast } from '@sekisho/model';
import type { NotChecked, ReportCompleteness, Severity, Unknown } from '@sekisho/model';
import { EXIT_CODES } from '../errors.js';

/** What a gate reads: findings with a severity, and what made the report incomplete. */
export interface GateInput {
  readonly findings: readonly { readonly severity: Severity }[];
  readonly unknowns: readonly Unknown[];
  readonly notChecked: readonly NotChecked[];
}

export interface GateOptions {
  /** `--fail-on`: no gate when undefined. */
  readonly failOn: Severity | undefined;
  /** `--allow-incomplete`: an incomplete report may pass (with a warning). */
  readonly allowIncomplete: boolean;
}

export interface GateDecision {
  /** Process exit code: 0 passed (or no gate), 1 policy failed, 7 vulnerabilities not checked for want of a database. */
  readonly exitCode: number;
  readonly completeness: ReportCompleteness;
  /** Why the gate failed, for standard error; null when it passed. */
  readonly failure: string | null;
  /** Why an incomplete report passed (`--allow-incomplete`); null otherwise. */
  readonly warning: string | null;
}

/** The scanner name vulnerability matching has in `notChecked`. */
export const VULN_SCANNER = 'vuln';

/**
 * The one decision every command with `--fail-on` makes. A gate fails closed: findings at or
 * above the threshold fail it (exit 1); vulnerabilities not checked because there is no
 * advisory database fail it with the database's exit code (7), even with `--allow-incomplete`
 * (only `--no-vulnerabilities` says they are not wanted); any other incompleteness (unreadable
 * files, a scanner that could not run) fails it (exit 1). `--allow-incomplete` lets such a
 * report through, and the warning says what was not checked.
 */
export function gateDecision(report: GateInput, options: GateOptions): GateDecision {
  const completeness = reportCompleteness(report);
  const pass = (warning: string | null = null): GateDecision => ({ exitCode: EXIT_CODES.ok, completeness, failure: null, warning });
  if (options.failOn === undefined) return pass();
  const threshold = options.failOn;
  const over = report.findings.filter((f) => severityAtLeast(f.severity, threshold)).length;
  const incomplete = completeness.status === 'incomplete';
  const reasons = completeness.reasons.join('; ');
  // Vulnerabilities asked for and not checked: no verdict at all, whatever else is allowed.
  const vuln = report.notChecked.find((n) => n.scanner === VULN_SCANNER);
  if (vuln !== undefined) {
    return {
      exitCode: EXIT_CODES.db,
      completeness,
      failure: `DB_NOT_FOUND: the gate cannot pass: ${reasons} (${[...(vuln.fix === null ? [] : [`run \`${vuln.fix}\``]), 'or pass --no-vulnerabilities'].join(', ')})`,
      warning: null,
    };
  }
  if (incomplete && !options.allowIncomplete) {
    if (over === 0) return { exitCode: EXIT_CODES.policy, completeness, failure: `the report is incomplete, so the gate fails: ${reasons} (pass --allow-incomplete to accept it)`, warning: null };
  }
  if (over > 0) return { exitCode: EXIT_CODES.policy, completeness, failure: `${over} finding(s) at or above ${threshold}`, warning: null };
  return pass(incomplete ? `the gate passed an incomplete report (--allow-incomplete): ${completeness.reasons.join('; ')}` : null);
}
