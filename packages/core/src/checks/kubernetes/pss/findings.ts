import type { MisconfigurationFinding, Severity } from '@sekisho/model';
import { configTarget, makeMisconfiguration } from '../../types.js';
import type { Workload } from '../pod-spec.js';
import { evaluatePodSecurity, type PssCheckId, type PssEvaluation, type PssLevel } from './checks.js';

export const PSS_FOUND_BY = 'sekisho/pod-security-standards';
export const PSS_STANDARD_NAME = 'Pod Security Standards';
const PSS_DOC = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

export const PSS_SEVERITY: Readonly<Record<PssCheckId, Severity>> = {
  windowsHostProcess: 'critical',
  privileged: 'critical',
  hostNamespaces: 'high',
  capabilities_baseline: 'high',
  hostPathVolumes: 'high',
  hostPorts: 'medium',
  hostProbesAndHostLifecycle: 'low',
  appArmorProfile: 'high',
  seLinuxOptions: 'medium',
  procMount: 'high',
  seccompProfile_baseline: 'high',
  sysctls: 'medium',
  restrictedVolumes: 'low',
  allowPrivilegeEscalation: 'medium',
  runAsNonRoot: 'medium',
  runAsUser: 'medium',
  seccompProfile_restricted: 'medium',
  capabilities_restricted: 'medium',
  procMount_restricted: 'medium',
};

/**
 * Findings for a workload: the baseline checks that fail at baseline level, and the restricted-only
 * checks that fail at restricted level (a baseline failure is not repeated at restricted level).
 */
export function pssFindings(w: Workload, minor: number): { findings: MisconfigurationFinding[]; evaluations: Record<PssLevel, PssEvaluation> } {
  const findings: MisconfigurationFinding[] = [];
  const evaluations = {
    baseline: evaluatePodSecurity(w.pod, 'baseline', minor),
    restricted: evaluatePodSecurity(w.pod, 'restricted', minor),
  };
  for (const level of ['baseline', 'restricted'] as const) {
    for (const r of evaluations[level].results) {
      if (r.outcome.allowed || r.check.level !== level) continue;
      for (const v of r.outcome.violations) {
        findings.push(
          makeMisconfiguration({
            ruleId: `pss-${r.check.id}`,
            title: `${r.check.title} (PSS ${level})`,
            severity: PSS_SEVERITY[r.check.id],
            description: `${v.detail}. Pod Security Standards ${level} ${evaluations[level].version}, check ${r.check.id}: Pod Security Admission would reject this pod with "${r.check.reason}".`,
            target: configTarget(w.object.file, {
              document: w.object.document,
              kind: w.object.kind,
              name: w.object.name,
              namespace: w.namespace,
              container: v.container,
            }),
            fieldPath: v.fieldPath,
            fix: r.check.fix,
            foundBy: PSS_FOUND_BY,
            references: [PSS_DOC],
            standard: { name: PSS_STANDARD_NAME, level, check: r.check.id, version: evaluations[level].version },
          }),
        );
      }
    }
  }
  return { findings, evaluations };
}
