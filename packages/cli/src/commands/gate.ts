import type { Command } from 'commander';
import { gateDecision } from '@sekisho/core';
import type { GateInput } from '@sekisho/core';
import type { Severity } from '@sekisho/model';
import { trivyExitCode } from './trivy-compat.js';

/** Flags of every command with a gate. */
export interface GateFlags {
  readonly failOn?: string;
  /** `--allow-incomplete`: an incomplete report may pass the gate (with a warning). */
  readonly allowIncomplete?: boolean;
  /** Trivy's `--exit-code N` (trivy-compat.ts), applied when the gate passed. */
  readonly exitCode?: number;
  readonly severity?: string;
}

export const ALLOW_INCOMPLETE_HELP = 'let --fail-on pass a report that is incomplete (files not read, scanners such as vulnerabilities not run); a warning says what was not checked';

export function addGateOptions(command: Command): Command {
  return command.option('--allow-incomplete', ALLOW_INCOMPLETE_HELP);
}

/**
 * Apply `gateDecision` (core) to a finished report and set the exit code: the one place every
 * command's `--fail-on` goes through. The failure is printed even with --quiet (it explains the
 * exit code); the warning for an incomplete report let through follows --quiet.
 */
export function applyGate(report: GateInput, flags: GateFlags, stderr: (text: string) => void, quiet: boolean): number {
  const decision = gateDecision(report, { failOn: flags.failOn as Severity | undefined, allowIncomplete: flags.allowIncomplete === true });
  if (decision.failure !== null) stderr(`sekisho: gate failed: ${decision.failure}\n`);
  if (decision.warning !== null && !quiet) stderr(`sekisho: warning: ${decision.warning}\n`);
  if (decision.exitCode !== 0) {
    process.exitCode = decision.exitCode;
    return decision.exitCode;
  }
  const trivy = trivyExitCode(report.findings, flags);
  if (trivy !== 0) process.exitCode = trivy;
  return trivy;
}
