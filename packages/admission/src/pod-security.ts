import { evaluatePodSecurity, formatPssVersion, parsePssVersion, type PodSpecView, type PssLevel } from '@sekisho/core';
import type { Reason } from './reasons.js';

export interface PodSecurityLevel {
  readonly level: PssLevel | 'privileged';
  readonly minor: number;
  /** Where the level came from: the policy environment or the namespace's labels. */
  readonly from: 'policy' | 'namespace';
}

/** The level a namespace's `pod-security.kubernetes.io/enforce[-version]` labels ask for; null without one. */
export function namespacePodSecurity(labels: Readonly<Record<string, string>> | null): PodSecurityLevel | null {
  const level = labels?.['pod-security.kubernetes.io/enforce'];
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') return null;
  // PSA treats an invalid version label as `latest`
  const minor = parsePssVersion(labels?.['pod-security.kubernetes.io/enforce-version']) ?? parsePssVersion('latest') ?? 0;
  return { level, minor, from: 'namespace' };
}

/**
 * Pod Security Admission's judgement of a pod spec, with the core checks PSA conformance is tested
 * against, as one reason in PSA's own words: `violates PodSecurity "restricted:v1.30": …`.
 */
export function podSecurityReasons(pod: PodSpecView, pss: PodSecurityLevel): Reason[] {
  if (pss.level === 'privileged') return [];
  const evaluation = evaluatePodSecurity(pod, pss.level, pss.minor);
  if (evaluation.allowed) return [];
  const failing = evaluation.results.filter((r) => !r.outcome.allowed);
  const parts = failing.map(
    (r) =>
      `${r.check.reason} (${r.outcome.violations
        .map((v) => v.detail)
        .slice(0, 5)
        .join('; ')})`,
  );
  return [
    {
      level: 'deny',
      source: 'pod-security',
      message: `violates PodSecurity "${pss.level}:${formatPssVersion(pss.minor)}": ${parts.join(', ')}`,
      fix: failing.map((r) => r.check.fix).join(' '),
    },
  ];
}
