import type { Severity } from '@sekisho/model';
import { isSeverity } from '@sekisho/model';

/** ANSI SGR codes per severity, as Trivy colours them: critical bold red, high red, medium yellow, low blue, the rest dim. */
const SGR: Readonly<Record<Severity, string>> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '34',
  negligible: '2',
  unknown: '2',
};

/** `text` in the colour of `severity` when `color` is on; unchanged otherwise. */
export function paintSeverity(severity: Severity, text: string, color: boolean): string {
  return color ? `\u001b[${SGR[severity]}m${text}\u001b[0m` : text;
}

/** A cell that holds a severity name (any case): painted in its colour. */
export function paintSeverityText(text: string, color: boolean): string {
  const severity = text.trim().toLowerCase();
  return isSeverity(severity) ? paintSeverity(severity, text, color) : text;
}
