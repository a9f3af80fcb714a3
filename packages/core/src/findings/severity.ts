import type { CvssScore, Severity } from '@sekisho/model';
import { isSeverity } from '@sekisho/model';
import { severityFromScore } from './cvss.js';

/** GHSA/OSV words and others feeds use for severity, mapped to Sekisho's scale. */
export function severityFromWord(word: string): Severity | null {
  const w = word.trim().toLowerCase();
  if (isSeverity(w)) return w;
  switch (w) {
    case 'moderate':
    case 'important':
      return w === 'moderate' ? 'medium' : 'high';
    case 'unimportant':
    case 'none':
    case 'informational':
      return 'negligible';
    default:
      return null;
  }
}

const CVSS_ORDER: readonly { readonly nvd: boolean; readonly versions: readonly CvssScore['version'][] }[] = [
  { nvd: true, versions: ['3.1', '3.0'] },
  { nvd: false, versions: ['3.1', '3.0'] },
  { nvd: true, versions: ['4.0'] },
  { nvd: false, versions: ['4.0'] },
  { nvd: true, versions: ['2.0'] },
  { nvd: false, versions: ['2.0'] },
];

/** The CVSS score a finding's severity comes from: NVD's v3.x first, then a feed's v3.x, then v4.0, then v2 (highest score within a tier). */
export function preferredCvss(scores: readonly CvssScore[]): CvssScore | null {
  for (const tier of CVSS_ORDER) {
    const candidates = scores.filter((s) => (s.source === 'nvd') === tier.nvd && tier.versions.includes(s.version));
    if (candidates.length > 0) return candidates.reduce((a, b) => (b.baseScore > a.baseScore ? b : a));
  }
  return null;
}

/**
 * A finding's severity: the distribution's own severity when it states one (it judges the
 * package as built and patched for that release), else the preferred CVSS score's rating,
 * else a severity word from the advisory, else `unknown`.
 */
export function chooseSeverity(vendor: Severity | null, scores: readonly CvssScore[], words: readonly string[]): { severity: Severity; from: string } {
  if (vendor !== null && vendor !== 'unknown') return { severity: vendor, from: 'vendor' };
  const cvss = preferredCvss(scores);
  if (cvss !== null) return { severity: severityFromScore(cvss.baseScore), from: `CVSS ${cvss.version} (${cvss.source})` };
  for (const word of words) {
    const s = severityFromWord(word);
    if (s !== null && s !== 'unknown') return { severity: s, from: 'advisory' };
  }
  return { severity: 'unknown', from: 'none' };
}
