import type { Severity } from '@sekisho/model';

/**
 * A vendor's severity word → Severity. Debian urgencies (`unimportant`, `low`, `medium`,
 * `high`, `not yet assigned`, with `**` suffixes for tracker estimates), GHSA (`MODERATE`),
 * Ubuntu priorities (`negligible` … `critical`), Alpine/RHEL words (`important`, `moderate`).
 */
export function severityFromWord(word: unknown): Severity | null {
  if (typeof word !== 'string') return null;
  const w = word.replace(/\*+$/, '').trim().toLowerCase();
  switch (w) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'unimportant':
      return 'negligible';
    case 'not yet assigned':
    case 'unknown':
    case 'untriaged':
      return 'unknown';
    default:
      return null;
  }
}
