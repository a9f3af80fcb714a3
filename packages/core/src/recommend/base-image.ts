import type { Report, Severity, VulnerabilityFinding } from '@sekisho/model';
import { SEVERITIES, reportCompleteness, severityRank, compareText } from '@sekisho/model';
import type { LayerAttribution } from '../findings/attribution.js';
import { layerOrigin } from '../findings/attribution.js';

/** A newer base image to consider, already scanned (vulnerabilities matched with the same database). */
export interface BaseImageCandidate {
  readonly reference: string;
  readonly report: Report;
}

export interface BaseImageOption {
  readonly reference: string;
  readonly digest: string | null;
  readonly distro: string | null;
  /** Vulnerabilities of the current base layers that the candidate does not have. */
  readonly fixes: number;
  readonly fixesBySeverity: Readonly<Partial<Record<Severity, number>>>;
  /** Vulnerabilities the candidate has that the current base layers do not. */
  readonly introduces: number;
  /** Vulnerabilities both have. */
  readonly remaining: number;
  /** The candidate's scan was incomplete: its counts are a lower bound, never a recommendation. */
  readonly incomplete: boolean;
  /** What it fixes minus what it introduces, each weighted by severity (critical 5 … unknown 0). */
  readonly score: number;
}

export interface BaseImageRecommendation {
  /** The base as the image's labels name it (`org.opencontainers.image.base.name`), when they do. */
  readonly currentName: string | null;
  readonly baseLayerCount: number | null;
  /** How the base layers were told apart (`--base-layers`, history, root file system layer); null: the whole image was counted. */
  readonly method: string | null;
  /** Vulnerabilities in the current base layers (the whole image when the base cannot be told). */
  readonly currentVulnerabilities: number;
  /** Best first: highest severity-weighted score, then fewest introduced. */
  readonly options: readonly BaseImageOption[];
  /** The best option when its score is positive and its scan was complete; null otherwise. */
  readonly best: BaseImageOption | null;
}

const BASE_NAME = 'org.opencontainers.image.base.name';

const key = (f: VulnerabilityFinding): string => `${f.vulnerabilityId}\0${f.packageName}`;

function vulnerabilities(report: Report): VulnerabilityFinding[] {
  return report.findings.filter((f): f is VulnerabilityFinding => f.kind === 'vulnerability');
}

/**
 * Which newer base image clears the most of what the image inherits: the vulnerabilities of the
 * image's base layers (by the same attribution the table uses) against each candidate's, matched by
 * vulnerability id and package name. The caller scans the candidates (a registry's newer tags, or
 * the tags a user names) with the same database.
 */
export function recommendBaseImage(current: Report, attribution: LayerAttribution, candidates: readonly BaseImageCandidate[]): BaseImageRecommendation {
  const layerOf = new Map(current.packages.map((p) => [p.id, p.locations[0]?.layerIndex ?? null]));
  const inherited = vulnerabilities(current).filter((f) => attribution.baseLayerCount === null || layerOrigin(layerOf.get(f.packageId) ?? null, attribution) === 'base');
  const inheritedKeys = new Map(inherited.map((f) => [key(f), f]));
  const options = candidates.map((candidate): BaseImageOption => {
    const theirs = new Map(vulnerabilities(candidate.report).map((f) => [key(f), f]));
    const fixesBySeverity: Partial<Record<Severity, number>> = {};
    let fixes = 0;
    let score = 0;
    for (const [k, f] of inheritedKeys) {
      if (theirs.has(k)) continue;
      fixes++;
      score += severityRank(f.severity);
      fixesBySeverity[f.severity] = (fixesBySeverity[f.severity] ?? 0) + 1;
    }
    let introduces = 0;
    for (const [k, f] of theirs) {
      if (inheritedKeys.has(k)) continue;
      introduces++;
      score -= severityRank(f.severity);
    }
    const ordered: Partial<Record<Severity, number>> = {};
    for (const s of SEVERITIES) if (fixesBySeverity[s] !== undefined) ordered[s] = fixesBySeverity[s];
    return {
      reference: candidate.reference,
      digest: candidate.report.target.manifestDigest,
      distro: candidate.report.distro?.prettyName ?? null,
      fixes,
      fixesBySeverity: ordered,
      introduces,
      remaining: inheritedKeys.size - fixes,
      incomplete: reportCompleteness(candidate.report).status !== 'complete',
      score,
    };
  });
  options.sort((a, b) => b.score - a.score || a.introduces - b.introduces || compareText(a.reference, b.reference));
  const best = options.find((o) => !o.incomplete && o.score > 0) ?? null;
  return {
    currentName: current.image?.config.labels?.[BASE_NAME] ?? null,
    baseLayerCount: attribution.baseLayerCount,
    method: attribution.method,
    currentVulnerabilities: inheritedKeys.size,
    options,
    best,
  };
}
