import type { CvssScore, PriorityLevel, Severity, VulnerabilityPriority } from '@sekisho/model';
import { preferredCvss } from './severity.js';

/** Where the image runs, as the user states it (`--context`, or the image label `io.sekisho.context`). */
export type DeploymentContext = 'internet-facing' | 'internal';

export const CONTEXT_LABEL = 'io.sekisho.context';

/** Base points when no CVSS score exists: the middle of each rating's band. Unknown counts as medium, never as zero. */
const SEVERITY_POINTS: Readonly<Record<Severity, number>> = { critical: 9.5, high: 8, medium: 5.5, low: 2.5, negligible: 0.5, unknown: 5 };

export const PRIORITY_THRESHOLDS: Readonly<Record<Exclude<PriorityLevel, 'p4'>, number>> = { p1: 13, p2: 8.5, p3: 5 };

export interface PriorityInput {
  readonly severity: Severity;
  readonly cvss: readonly CvssScore[];
  readonly epss: { readonly score: number; readonly percentile: number } | null;
  readonly kev: { readonly ransomware: boolean } | null;
  readonly fixAvailable: boolean;
  readonly context: DeploymentContext | null;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The priority formula, documented in docs/priority.md:
 *
 *   base     = preferred CVSS base score, else the severity's band midpoint (unknown = 5)
 *              (a negligible vendor severity caps base at 0.5: the vendor judged the build)
 *   exploit  = +4 when in CISA KEV (+1 more when used in ransomware)
 *              + EPSS: +3 at ≥ 0.5, +2 at ≥ 0.1, +1 at ≥ 0.01
 *   fix      = +1 when a fixed version exists (the action is clear)
 *   context  = × 1.25 internet-facing, × 0.8 internal, × 1 when not stated
 *   score    = (base + exploit + fix) × context
 *   level    = p1 ≥ 13, p2 ≥ 8.5, p3 ≥ 5, else p4
 */
export function computePriority(input: PriorityInput): VulnerabilityPriority {
  const factors: string[] = [];
  const cvss = preferredCvss(input.cvss);
  let base = cvss?.baseScore ?? SEVERITY_POINTS[input.severity];
  if (input.severity === 'negligible') base = Math.min(base, SEVERITY_POINTS.negligible);
  factors.push(cvss !== null && input.severity !== 'negligible' ? `CVSS ${cvss.version} ${cvss.baseScore} (${cvss.source})` : `severity ${input.severity} (${base})`);
  let exploit = 0;
  if (input.kev !== null) {
    exploit += 4;
    factors.push('known exploited (CISA KEV) +4');
    if (input.kev.ransomware) {
      exploit += 1;
      factors.push('used in ransomware +1');
    }
  }
  const epss = input.epss?.score ?? 0;
  const epssPoints = epss >= 0.5 ? 3 : epss >= 0.1 ? 2 : epss >= 0.01 ? 1 : 0;
  if (epssPoints > 0) {
    exploit += epssPoints;
    factors.push(`EPSS ${epss} +${epssPoints}`);
  }
  const fix = input.fixAvailable ? 1 : 0;
  if (fix > 0) factors.push('fix available +1');
  const multiplier = input.context === 'internet-facing' ? 1.25 : input.context === 'internal' ? 0.8 : 1;
  if (input.context !== null) factors.push(`${input.context} ×${multiplier}`);
  const score = round((base + exploit + fix) * multiplier);
  const level: PriorityLevel = score >= PRIORITY_THRESHOLDS.p1 ? 'p1' : score >= PRIORITY_THRESHOLDS.p2 ? 'p2' : score >= PRIORITY_THRESHOLDS.p3 ? 'p3' : 'p4';
  return { level, score, factors };
}
