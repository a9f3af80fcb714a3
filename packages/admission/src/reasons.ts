import type { RuleResult } from '@sekisho/model';

/** One thing the webhook holds against a request: `deny` level stops it in enforce mode, `warn` never does. */
export interface Reason {
  readonly level: 'deny' | 'warn';
  readonly source: 'pod-security' | 'policy' | 'image-policy' | 'isolation' | 'digest' | 'signature' | 'scan' | 'error' | 'request';
  readonly message: string;
  readonly fix: string | null;
}

const MAX_MESSAGE = 4096;
const MAX_WARNING = 256;
const MAX_WARNINGS_TOTAL = 4096;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A rule that did not pass, as a reason: its message, its first piece of evidence and the fix. */
export function ruleReason(rule: RuleResult, source: Reason['source'], prefix = ''): Reason | null {
  if (rule.outcome !== 'fail' && rule.outcome !== 'warn') return null;
  const first = rule.evidence[0];
  const more = rule.evidenceCount > 1 ? ` (+${rule.evidenceCount - 1} more)` : '';
  const evidence = first === undefined ? '' : `: ${first.text}${more}`;
  return { level: rule.outcome === 'fail' ? 'deny' : 'warn', source, message: `${prefix}policy rule ${rule.id} (${rule.kind}): ${rule.message}${evidence}`, fix: first?.fix ?? null };
}

export function reasonLine(r: Reason): string {
  return r.fix === null ? r.message : `${r.message} (fix: ${r.fix})`;
}

/** The `status.message` of a denial: what, where, and every reason with its fix, bounded. */
export function denialMessage(what: string, reasons: readonly Reason[]): string {
  return truncate(`sekisho: ${what} denied: ${reasons.map(reasonLine).join('; ')}`, MAX_MESSAGE);
}

/** Warnings as the API server shows them to `kubectl`: short lines, bounded in number and total size. */
export function warningLines(reasons: readonly Reason[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const r of reasons) {
    const line = truncate(`sekisho: ${reasonLine(r)}`, MAX_WARNING);
    if (total + line.length > MAX_WARNINGS_TOTAL) {
      out.push(`sekisho: ${reasons.length - out.length} more reasons not shown`);
      break;
    }
    total += line.length;
    out.push(line);
  }
  return out;
}
