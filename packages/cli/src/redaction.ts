import { defaultRedactor, NO_REDACTION, reporterChunks } from '@sekisho/core/startup';
import type { Redactor, RenderOptions, Reporter } from '@sekisho/core/startup';
import type { Report } from '@sekisho/model';

/**
 * The redactor for everything the CLI writes (reports in every format, SBOMs, warnings, error
 * messages): the secret rules plus sensitive names (core findings/redaction.ts). `--show-secrets`
 * is the only way to turn it off. Built once per process (compiling the rules costs a few ms), and
 * the one the image cache asks whether a report's packages need redacting.
 */
export function outputRedactor(showSecrets: boolean): Redactor {
  return showSecrets ? NO_REDACTION : defaultRedactor();
}

/** Whether the command line asks for secrets in full (`--show-secrets` anywhere before `--`). */
export function showSecretsRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--show-secrets');
}

/**
 * The one edge where a report meets a reporter: every format of every command renders through
 * here, so every string of the report is redacted the same way unless `--show-secrets`.
 */
export function renderReport(reporter: Reporter, report: Report, options: RenderOptions & { readonly showSecrets: boolean }): Iterable<string> {
  return reporterChunks(reporter, outputRedactor(options.showSecrets).report(report), { now: options.now, color: options.color });
}
