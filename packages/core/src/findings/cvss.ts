import type { CvssScore, Severity } from '@sekisho/model';
import type cvssCalculator from 'ae-cvss-calculator';
import type { SeverityVector } from '../advisories/types.js';
import { lazyModule } from '../util/lazy-module.js';

const calculator = lazyModule<typeof cvssCalculator>('ae-cvss-calculator');

const MAX_VECTOR_LENGTH = 512;

// Base metrics every vector of a version must state (FIRST CVSS v3.1 §2, v4.0 §2; v2 §2.1).
const REQUIRED = {
  '2.0': ['AV', 'AC', 'Au', 'C', 'I', 'A'],
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
} as const;

type CvssVersion = keyof typeof REQUIRED;

function versionOf(vector: string): CvssVersion | null {
  if (vector.startsWith('CVSS:3.1/')) return '3.1';
  if (vector.startsWith('CVSS:3.0/')) return '3.0';
  if (vector.startsWith('CVSS:4.0/')) return '4.0';
  if (/^(\(?)AV:[LAN]\/AC:/.test(vector)) return '2.0';
  return null;
}

/**
 * The CVSS base score of a vector, computed with ae-cvss-calculator (FIRST CVSS v2.0, v3.0,
 * v3.1 and v4.0 specifications). Null for an unknown version or a vector missing a base metric:
 * an incomplete vector must not score as 0.
 */
export function cvssBaseScore(vector: string): { version: CvssVersion; score: number; vector: string } | null {
  const text = vector.trim().replace(/^\((.*)\)$/, '$1');
  if (text.length > MAX_VECTOR_LENGTH) return null;
  const version = versionOf(text);
  if (version === null) return null;
  const metrics = new Set(text.split('/').map((part) => part.split(':')[0]));
  if (!REQUIRED[version].every((m) => metrics.has(m))) return null;
  try {
    const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = calculator();
    const calc = version === '2.0' ? new Cvss2(text) : version === '3.0' ? new Cvss3P0(text) : version === '3.1' ? new Cvss3P1(text) : new Cvss4P0(text);
    const base = calc.calculateScores().base;
    if (typeof base !== 'number' || !Number.isFinite(base) || base < 0 || base > 10) return null;
    return { version, score: base, vector: text };
  } catch {
    return null;
  }
}

/** Qualitative rating (CVSS v3.1 §5, same bands in v4.0): None 0, Low 0.1–3.9, Medium 4–6.9, High 7–8.9, Critical 9–10. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

/** Scores for every CVSS vector given, deduplicated by (source, vector), invalid ones dropped. */
export function cvssScores(vectors: readonly SeverityVector[]): CvssScore[] {
  const out: CvssScore[] = [];
  const seen = new Set<string>();
  for (const v of vectors) {
    if (v.type === 'vendor') continue;
    const scored = cvssBaseScore(v.score);
    if (scored === null) continue;
    const key = `${v.source}\u0000${scored.vector}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ source: v.source, version: scored.version, vector: scored.vector, baseScore: scored.score });
  }
  return out;
}
