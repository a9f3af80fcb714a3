/**
 * Kubernetes audit: every object of the run together (RBAC chains and NetworkPolicy coverage cross
 * files, as with `helm template` output), per workload the Pod Security Standards, the effective
 * security context of each container, best-practice checks and the isolation analysis.
 */
import type { MisconfigurationFinding, Severity } from '@sekisho/model';
import { SekishoError } from '../../errors.js';
import { isolationScore, layerMatrix, openPaths } from '../isolation/evaluate.js';
import { VERSION_DEPENDENT_TECHNIQUES } from '../isolation/catalog.js';
import type { HostFacts, OpenPath } from '../isolation/profile.js';
import { buildRbacModel, grantsFor, nsOf } from '../rbac/analyze.js';
import { POWER_INFO, RBAC_FOUND_BY, rbacFindings, TAKEOVER_POWERS } from '../rbac/findings.js';
import { configTarget, makeMisconfiguration, runCheck, sortAuditResult, type ConfigAuditResult, type ConfigFileError, type ConfigInput, type WorkloadIsolation } from '../types.js';
import { CONTAINER_CHECKS, serviceExposureCheck, WORKLOAD_CHECKS } from './best-practice.js';
import { isRecord, loadKubernetesFile, type KubeObject } from './load.js';
import { networkPolicyFindings } from './network-policy.js';
import { workloadOf, type Workload } from './pod-spec.js';
import { kubernetesProfile, type LimitDefaults } from './profile.js';
import { evaluatePodSecurity, formatPssVersion, parsePssVersion, type PssLevel } from './pss/checks.js';
import { pssFindings } from './pss/findings.js';
import { effectiveSecurityContexts } from './security-context.js';

export const KUBERNETES_FOUND_BY = 'sekisho/kubernetes';
export const ISOLATION_FOUND_BY = 'sekisho/isolation';

export interface KubernetesAuditOptions {
  /** `v1.xx` or `latest` (default). */
  readonly pssVersion?: string;
  readonly hostFacts?: HostFacts;
}

/** Resolves `--pss-version`; throws USAGE_INVALID for a malformed value. */
export function resolvePssVersion(value: string | undefined): number {
  const minor = parsePssVersion(value);
  if (minor === null) throw new SekishoError('USAGE_INVALID', `invalid Pod Security Standards version "${value ?? ''}" (expected v1.<minor> or latest)`);
  return minor;
}

function limitDefaults(objects: readonly KubeObject[]): Map<string, LimitDefaults> {
  const out = new Map<string, LimitDefaults>();
  for (const o of objects) {
    if (o.kind !== 'LimitRange' || !isRecord(o.raw['spec'])) continue;
    const limits = o.raw['spec']['limits'];
    if (!Array.isArray(limits)) continue;
    for (const l of limits) {
      if (!isRecord(l) || l['type'] !== 'Container' || !isRecord(l['default'])) continue;
      const d = l['default'];
      const s = (k: string): string | null => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : null);
      out.set(nsOf(o.namespace), { cpu: s('cpu'), memory: s('memory'), ephemeralStorage: s('ephemeral-storage') });
    }
  }
  return out;
}

const LOWER: Readonly<Record<Severity, Severity>> = {
  critical: 'high',
  high: 'medium',
  medium: 'low',
  low: 'low',
  negligible: 'negligible',
  unknown: 'unknown',
};

/**
 * An open path keeps its severity; a conditional one drops a level, and to low when it hinges on a
 * runtime or kernel version the input cannot tell (the path still shows in the workload's analysis).
 */
export function isolationFindingSeverity(p: OpenPath): Severity {
  if (p.certainty === 'open') return p.severity;
  return VERSION_DEPENDENT_TECHNIQUES.has(p.techniqueId) ? 'low' : LOWER[p.severity];
}

/** Namespace PSA labels: `pod-security.kubernetes.io/enforce` and `enforce-version`. */
function namespaceEnforcement(objects: readonly KubeObject[]): Map<string, { level: PssLevel; version: string; object: KubeObject }> {
  const out = new Map<string, { level: PssLevel; version: string; object: KubeObject }>();
  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.name === null) continue;
    const meta = isRecord(o.raw['metadata']) ? o.raw['metadata'] : {};
    const labels = isRecord(meta['labels']) ? meta['labels'] : {};
    const level = labels['pod-security.kubernetes.io/enforce'];
    if (level !== 'baseline' && level !== 'restricted') continue;
    const version = labels['pod-security.kubernetes.io/enforce-version'];
    out.set(o.name, { level, version: typeof version === 'string' ? version : 'latest', object: o });
  }
  return out;
}

/** Audits Kubernetes objects already loaded (from any number of files). */
export function auditKubernetesObjects(objects: readonly KubeObject[], options: KubernetesAuditOptions = {}): ConfigAuditResult {
  const minor = resolvePssVersion(options.pssVersion);
  const hostFacts = options.hostFacts ?? {};
  const findings: MisconfigurationFinding[] = [];
  const workloads: WorkloadIsolation[] = [];
  const rbac = buildRbacModel(objects);
  findings.push(...rbacFindings(rbac));
  const defaults = limitDefaults(objects);
  const enforcement = namespaceEnforcement(objects);

  const ws: Workload[] = [];
  for (const o of objects) {
    const w = workloadOf(o);
    if (w !== null) ws.push(w);
  }

  for (const w of ws) {
    const o = w.object;
    const ns = nsOf(w.namespace);
    const target = configTarget(o.file, { document: o.document, kind: o.kind, name: o.name, namespace: w.namespace });
    findings.push(...pssFindings(w, minor).findings);

    const enforce = enforcement.get(ns);
    if (enforce !== undefined) {
      const eMinor = parsePssVersion(enforce.version) ?? minor;
      const ev = evaluatePodSecurity(w.pod, enforce.level, eMinor);
      if (!ev.allowed)
        findings.push(
          makeMisconfiguration({
            ruleId: 'k8s-psa-enforce-rejects',
            title: 'Namespace Pod Security admission will reject these pods',
            severity: 'high',
            description: `Namespace ${ns} enforces PSS ${enforce.level} ${formatPssVersion(eMinor)}; pods of ${o.kind} ${o.name ?? ''} fail ${ev.results
              .filter((r) => !r.outcome.allowed)
              .map((r) => r.check.id)
              .join(', ')} and will not start.`,
            target,
            fieldPath: w.pod.path,
            fix: 'Fix the failing checks, or run the workload in a namespace with a matching policy.',
            foundBy: KUBERNETES_FOUND_BY,
            references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
            standard: { name: 'Pod Security Standards', level: enforce.level, check: 'enforce', version: formatPssVersion(eMinor) },
          }),
        );
    }

    const saName = w.pod.serviceAccountName ?? 'default';
    const saAutomount = rbac.serviceAccounts.get(`${ns}/${saName}`)?.automount;
    for (const check of WORKLOAD_CHECKS) findings.push(...runCheck(check, { workload: w, serviceAccountAutomount: saAutomount }, undefined, target, KUBERNETES_FOUND_BY));

    // RBAC chain: workload → service account → bindings → takeover power.
    const tokenMounted = w.pod.automountServiceAccountToken ?? saAutomount ?? true;
    if (tokenMounted && rbac.present) {
      const grants = grantsFor(rbac, ns, saName).filter((g) => TAKEOVER_POWERS.includes(g.power) || g.power === 'read-secrets' || g.power === 'exec-pods');
      if (grants.length > 0) {
        const takeover = grants.some((g) => TAKEOVER_POWERS.includes(g.power));
        const chain = grants
          .map((g) => `${g.power} ${g.scope === '*' ? 'cluster-wide' : `in ${g.scope}`} via ${g.binding.kind} ${g.binding.name} → ${g.role.kind} ${g.role.name}`)
          .filter((x, i, a) => a.indexOf(x) === i);
        findings.push(
          makeMisconfiguration({
            ruleId: 'rbac-workload-chain',
            title: takeover ? 'Workload credentials lead to node or cluster takeover' : 'Workload credentials reach other workloads’ secrets',
            severity: takeover ? 'critical' : 'high',
            description: `${o.kind} ${o.name ?? ''} → ServiceAccount ${ns}/${saName} (token mounted) → ${chain.join('; ')}. ${
              takeover ? POWER_INFO['create-pods'].why : POWER_INFO['read-secrets'].why
            }.`,
            target,
            fieldPath: `${w.pod.path}.serviceAccountName`,
            fix: 'Set automountServiceAccountToken: false if the pods do not call the API; otherwise remove the risky grants from the service account.',
            foundBy: RBAC_FOUND_BY,
            references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
          }),
        );
      }
    }

    for (const esc of effectiveSecurityContexts(w.pod)) {
      const c = esc.container;
      const cTarget = { ...target, container: c.name };
      const limitDefault = defaults.get(ns) ?? null;
      for (const check of CONTAINER_CHECKS) findings.push(...runCheck(check, { workload: w, esc, limitDefaults: limitDefault }, undefined, cTarget, KUBERNETES_FOUND_BY));

      const profile = kubernetesProfile({ pod: w.pod, namespace: w.namespace, esc, rbac, limitDefaults: limitDefault, hostFacts });
      const layers = layerMatrix(profile);
      const paths = openPaths(profile);
      workloads.push({ target: cTarget, fieldPath: c.path, profile, layers, openPaths: paths, score: isolationScore(layers, paths) });
      for (const p of paths) {
        // Token paths are reported once per workload by the RBAC chain above.
        if (p.techniqueId.startsWith('token-')) continue;
        findings.push(
          makeMisconfiguration({
            ruleId: `isolation-${p.techniqueId}`,
            title: p.name,
            severity: isolationFindingSeverity(p),
            description: `${p.certainty === 'open' ? 'Open' : 'Possible'} breakout path for container "${c.name}": ${p.because.join('; ')}${
              p.unknowns.length > 0 ? `; depends on: ${p.unknowns.join('; ')}` : ''
            }. Impact: ${p.impact}`,
            target: cTarget,
            fieldPath: c.path,
            fix: p.fix,
            foundBy: ISOLATION_FOUND_BY,
            references: p.references,
          }),
        );
      }
    }
  }

  for (const o of objects) {
    if (o.kind !== 'Service' || o.apiVersion !== 'v1') continue;
    const target = configTarget(o.file, { document: o.document, kind: o.kind, name: o.name, namespace: o.namespace });
    findings.push(...runCheck(serviceExposureCheck, { raw: o.raw, pathPrefix: o.pathPrefix }, undefined, target, KUBERNETES_FOUND_BY));
  }
  findings.push(...networkPolicyFindings(objects, ws));

  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.name === null || enforcement.has(o.name)) continue;
    findings.push(
      makeMisconfiguration({
        ruleId: 'k8s-namespace-no-psa',
        title: 'Namespace does not enforce a Pod Security Standard',
        severity: 'low',
        description: `Namespace ${o.name} has no pod-security.kubernetes.io/enforce label: any pod, privileged included, is admitted unless another admission controller blocks it.`,
        target: configTarget(o.file, { document: o.document, kind: 'Namespace', name: o.name }),
        fieldPath: `${o.pathPrefix}metadata.labels`,
        fix: 'Label the namespace pod-security.kubernetes.io/enforce: restricted (or baseline).',
        foundBy: KUBERNETES_FOUND_BY,
        references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
      }),
    );
  }
  return sortAuditResult({ findings, workloads, fileErrors: [] });
}

/** Loads and audits Kubernetes manifests; bad files become fileErrors, the rest is still scanned. */
export function auditKubernetes(inputs: readonly ConfigInput[], options: KubernetesAuditOptions = {}): ConfigAuditResult {
  const objects: KubeObject[] = [];
  const fileErrors: ConfigFileError[] = [];
  // Input order must not change the result (first-wins lookups, "first workload" targets).
  const sorted = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const input of sorted) {
    const r = loadKubernetesFile(input.path, input.content);
    objects.push(...r.objects);
    fileErrors.push(...r.errors);
  }
  const result = auditKubernetesObjects(objects, options);
  return sortAuditResult({ ...result, fileErrors });
}
