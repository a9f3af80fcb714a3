/** Kubernetes best-practice checks beyond the Pod Security Standards. */
import type { ConfigCheck, CheckResult } from '../types.js';
import type { Workload } from './pod-spec.js';
import type { LimitDefaults } from './profile.js';
import type { EffectiveSecurityContext } from './security-context.js';

export interface ContainerDoc {
  readonly workload: Workload;
  readonly esc: EffectiveSecurityContext;
  readonly limitDefaults: LimitDefaults | null;
}

export interface WorkloadDoc {
  readonly workload: Workload;
  /** automountServiceAccountToken of the ServiceAccount object, when it is in the input. */
  readonly serviceAccountAutomount: boolean | undefined;
}

const KUBE = ['kubernetes'] as const;
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** Splits an image reference into its tag (null when absent) and digest (null when absent). */
export function imageParts(image: string): { tag: string | null; digest: string | null } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : null;
  return { tag, digest };
}

const regular = (d: ContainerDoc): boolean => d.esc.container.kind === 'containers';

export const resourceLimitsCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-resource-limits',
  title: 'Container has no CPU or memory limit',
  severity: 'medium',
  appliesTo: KUBE,
  version: 1,
  fix: 'Set resources.limits.memory and resources.limits.cpu (or a LimitRange default in the namespace).',
  references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.kind === 'ephemeralContainers') return [];
    const missing = (['memory', 'cpu'] as const).filter((k) => c.limits[k] === undefined && (d.limitDefaults === null || d.limitDefaults[k] === null));
    return missing.length === 0
      ? []
      : [{ fieldPath: `${c.path}.resources.limits`, message: `Container "${c.name}" sets no ${missing.join(' or ')} limit: it can starve the node (cgroup layer missing).` }];
  },
};

export const resourceRequestsCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-resource-requests',
  title: 'Container has no CPU or memory request',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Set resources.requests.cpu and resources.requests.memory.',
  references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.kind === 'ephemeralContainers') return [];
    // A request defaults to the limit when only the limit is set.
    const missing = (['memory', 'cpu'] as const).filter((k) => c.requests[k] === undefined && c.limits[k] === undefined && d.limitDefaults?.[k] == null);
    return missing.length === 0 ? [] : [{ fieldPath: `${c.path}.resources.requests`, message: `Container "${c.name}" requests no ${missing.join(' or ')}: the scheduler cannot place it fairly.` }];
  },
};

export const ephemeralStorageCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-ephemeral-storage-limit',
  title: 'Container has no ephemeral-storage limit',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Set resources.limits.ephemeral-storage.',
  references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage'],
  evaluate(d) {
    const c = d.esc.container;
    if (!regular(d)) return [];
    return c.limits['ephemeral-storage'] !== undefined || d.limitDefaults?.ephemeralStorage != null
      ? []
      : [{ fieldPath: `${c.path}.resources.limits`, message: `Container "${c.name}" can fill the node's disk through logs and writable layers.` }];
  },
};

export const readOnlyRootCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-readonly-root-fs',
  title: 'Root filesystem is writable',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the app writes.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.kind === 'ephemeralContainers' || d.esc.readOnlyRootFilesystem.value) return [];
    return [{ fieldPath: `${c.path}.securityContext.readOnlyRootFilesystem`, message: `Container "${c.name}" can write to its root filesystem (tools and persistence for an intruder).` }];
  },
};

export const imageTagCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-image-latest',
  title: 'Image uses the latest tag or no tag',
  severity: 'medium',
  appliesTo: KUBE,
  version: 1,
  fix: 'Pin the image to a version tag, better to a digest (image@sha256:…).',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.image === null) return [];
    const { tag, digest } = imageParts(c.image);
    if (digest !== null || (tag !== null && tag !== 'latest')) return [];
    return [{ fieldPath: `${c.path}.image`, message: `Container "${c.name}" runs ${c.image}: what runs changes with every push.` }];
  },
};

export const imageDigestCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-image-digest',
  title: 'Image is not pinned by digest',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Reference the image by digest (image@sha256:…).',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.image === null) return [];
    const { tag, digest } = imageParts(c.image);
    if (digest !== null || tag === null || tag === 'latest') return [];
    return [{ fieldPath: `${c.path}.image`, message: `Container "${c.name}" uses the mutable tag ${tag}.` }];
  },
};

export const imagePullPolicyCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-image-pull-policy',
  title: 'Mutable image reference without imagePullPolicy: Always',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Pin the image by digest, or set imagePullPolicy: Always.',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
  evaluate(d) {
    const c = d.esc.container;
    if (c.image === null) return [];
    const { tag, digest } = imageParts(c.image);
    if (digest !== null) return [];
    // The API defaults the policy to Always for `latest` or no tag, IfNotPresent otherwise.
    const policy = c.imagePullPolicy ?? (tag === null || tag === 'latest' ? 'Always' : 'IfNotPresent');
    if (policy === 'Always') return [];
    return [{ fieldPath: `${c.path}.imagePullPolicy`, message: `Container "${c.name}" may run a stale or replaced image cached on the node (policy ${policy}).` }];
  },
};

export const probesCheck: ConfigCheck<ContainerDoc> = {
  id: 'k8s-probes',
  title: 'Container has no liveness or readiness probe',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Add livenessProbe and readinessProbe.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
  evaluate(d) {
    const c = d.esc.container;
    if (!regular(d) || BATCH_KINDS.has(d.workload.object.kind)) return [];
    const missing = [c.livenessProbe ? '' : 'liveness', c.readinessProbe ? '' : 'readiness'].filter(Boolean);
    return missing.length === 0 ? [] : [{ fieldPath: c.path, message: `Container "${c.name}" has no ${missing.join(' or ')} probe.` }];
  },
};

export const automountTokenCheck: ConfigCheck<WorkloadDoc> = {
  id: 'k8s-automount-token',
  title: 'Service-account token is mounted automatically',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it calls the API.',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
  evaluate(d) {
    const pod = d.workload.pod;
    const mounted = pod.automountServiceAccountToken ?? d.serviceAccountAutomount ?? true;
    if (!mounted) return [];
    return [
      {
        fieldPath: `${pod.path}.automountServiceAccountToken`,
        message: `Pods get an API token for service account ${pod.serviceAccountName ?? 'default'}; an intruder uses it against the API server.`,
      },
    ];
  },
};

export const CONTAINER_CHECKS: readonly ConfigCheck<ContainerDoc>[] = [
  resourceLimitsCheck,
  resourceRequestsCheck,
  ephemeralStorageCheck,
  readOnlyRootCheck,
  imageTagCheck,
  imageDigestCheck,
  imagePullPolicyCheck,
  probesCheck,
];

export const WORKLOAD_CHECKS: readonly ConfigCheck<WorkloadDoc>[] = [automountTokenCheck];

export interface ServiceDoc {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly pathPrefix: string;
}

export const serviceExposureCheck: ConfigCheck<ServiceDoc> = {
  id: 'k8s-service-exposure',
  title: 'Service exposed outside the cluster',
  severity: 'low',
  appliesTo: KUBE,
  version: 1,
  fix: 'Use type ClusterIP behind an Ingress/Gateway with authentication, or restrict loadBalancerSourceRanges.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types'],
  evaluate(d) {
    const spec = d.raw['spec'];
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return [];
    const s = spec as Record<string, unknown>;
    const out: CheckResult[] = [];
    const p = `${d.pathPrefix}spec`;
    if (s['type'] === 'NodePort') out.push({ fieldPath: `${p}.type`, message: 'Service of type NodePort opens a port on every node.' });
    if (s['type'] === 'LoadBalancer') {
      const ranges = s['loadBalancerSourceRanges'];
      const open = !Array.isArray(ranges) || ranges.length === 0 || ranges.includes('0.0.0.0/0');
      out.push({
        fieldPath: `${p}.type`,
        message: `Service of type LoadBalancer${open ? ' reachable from any address (no loadBalancerSourceRanges)' : ''}.`,
        severity: open ? 'medium' : 'low',
      });
    }
    if (Array.isArray(s['externalIPs']) && s['externalIPs'].length > 0)
      out.push({
        fieldPath: `${p}.externalIPs`,
        message: 'Service sets externalIPs: whoever can set them can intercept traffic to those addresses (CVE-2020-8554).',
        severity: 'medium',
        fix: 'Remove externalIPs; block them cluster-wide with the DenyServiceExternalIPs admission plugin.',
      });
    return out;
  },
};
