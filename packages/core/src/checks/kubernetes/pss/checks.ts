/**
 * Pod Security Standards, per version, as Kubernetes Pod Security Admission evaluates them.
 * Re-implemented from the rules documented in kubernetes/pod-security-admission `policy/check_*.go`
 * (https://github.com/kubernetes/pod-security-admission/tree/master/policy) and
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/; checked against upstream's
 * fixtures (`test/testdata`) by pss-conformance.test.ts.
 *
 * Each check has versions; the one with the greatest minimum version ≤ the requested version
 * applies. A restricted check may override baseline checks from its minimum version on (e.g.
 * `capabilities_restricted` replaces `capabilities_baseline` at restricted level from v1.22).
 */
import type { ContainerView, PodSpecView } from '../pod-spec.js';
import { compareText } from '@sekisho/model';

export type PssLevel = 'baseline' | 'restricted';

export const PSS_CHECK_IDS = [
  'windowsHostProcess',
  'hostNamespaces',
  'privileged',
  'capabilities_baseline',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'appArmorProfile',
  'seLinuxOptions',
  'procMount',
  'seccompProfile_baseline',
  'sysctls',
  'restrictedVolumes',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
  'capabilities_restricted',
  'procMount_restricted',
] as const;
export type PssCheckId = (typeof PSS_CHECK_IDS)[number];

/** Newest minor version whose rules are known here; `latest` means this. */
export const PSS_LATEST_MINOR = 37;

export interface PssViolation {
  readonly fieldPath: string;
  /** Container name when the violation sits in one container. */
  readonly container: string | null;
  readonly detail: string;
}

export interface PssCheckOutcome {
  readonly allowed: boolean;
  /** The upstream reason (e.g. `privileged`, `host namespaces`). */
  readonly reason: string;
  readonly violations: readonly PssViolation[];
}

type CheckFn = (pod: PodSpecView) => readonly PssViolation[];

interface VersionedCheck {
  readonly minMinor: number;
  readonly evaluate: CheckFn;
  readonly overrides?: readonly PssCheckId[];
}

export interface PssCheckDefinition {
  readonly id: PssCheckId;
  readonly level: PssLevel;
  readonly title: string;
  readonly reason: string;
  readonly fix: string;
  readonly versions: readonly VersionedCheck[];
}

// ---- helpers over the pod view ----

const containerScPath = (c: ContainerView, field: string): string => `${c.path}.securityContext.${field}`;
const podScPath = (pod: PodSpecView, field: string): string => `${pod.path}.securityContext.${field}`;
const isWindowsPod = (pod: PodSpecView): boolean => pod.osName === 'windows';
/** KEP-127: from v1.35 runAsNonRoot/runAsUser/procMount(baseline) relax for user-namespaced pods. */
const inUserNamespace = (pod: PodSpecView): boolean => pod.hostUsers === false;

function v(container: ContainerView | null, fieldPath: string, detail: string): PssViolation {
  return { fieldPath, container: container === null ? null : container.name, detail };
}

function unlessWindows(fn: CheckFn): CheckFn {
  return (pod) => (isWindowsPod(pod) ? [] : fn(pod));
}

function unlessUserNamespace(fn: CheckFn): CheckFn {
  return (pod) => (inUserNamespace(pod) ? [] : fn(pod));
}

// ---- baseline ----

const windowsHostProcess: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  if (pod.securityContext?.windowsHostProcess === true) out.push(v(null, podScPath(pod, 'windowsOptions.hostProcess'), 'pod sets windowsOptions.hostProcess=true'));
  for (const c of pod.containers)
    if (c.securityContext?.windowsHostProcess === true) out.push(v(c, containerScPath(c, 'windowsOptions.hostProcess'), `container "${c.name}" sets windowsOptions.hostProcess=true`));
  return out;
};

const hostNamespaces: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod[f] === true) out.push(v(null, `${pod.path}.${f}`, `${f}=true`));
  return out;
};

const privileged: CheckFn = (pod) =>
  pod.containers.filter((c) => c.securityContext?.privileged === true).map((c) => v(c, containerScPath(c, 'privileged'), `container "${c.name}" must not set securityContext.privileged=true`));

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline: CheckFn = (pod) =>
  pod.containers.flatMap((c) => {
    const bad = (c.securityContext?.capabilities?.add ?? []).filter((x) => !BASELINE_CAPABILITIES.has(x));
    return bad.length === 0 ? [] : [v(c, containerScPath(c, 'capabilities.add'), `container "${c.name}" must not include ${bad.map((b) => `"${b}"`).join(', ')} in securityContext.capabilities.add`)];
  });

const hostPathVolumes: CheckFn = (pod) => pod.volumes.filter((vol) => vol.sources.includes('hostPath')).map((vol) => v(null, `${vol.path}.hostPath`, `hostPath volume "${vol.name}"`));

const hostPorts: CheckFn = (pod) =>
  pod.containers.flatMap((c) =>
    c.ports.filter((p) => p.hostPort !== null && p.hostPort !== 0).map((p) => v(c, `${c.path}.ports[${p.index}].hostPort`, `container "${c.name}" uses hostPort ${p.hostPort}`)),
  );

const hostProbesAndHostLifecycle: CheckFn = (pod) =>
  pod.containers.flatMap((c) => c.handlerHosts.map((h) => v(c, `${c.path}.${h.path}`, `container "${c.name}" uses probe or lifecycle host "${h.host}"`)));

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const appArmorTypeAllowed = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';
const appArmorAnnotationAllowed = (value: string): boolean => value === '' || value === 'runtime/default' || value.startsWith('localhost/');

const appArmorProfile: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  const podType = pod.securityContext?.appArmorProfile?.type;
  if (podType !== undefined && !appArmorTypeAllowed(podType)) out.push(v(null, podScPath(pod, 'appArmorProfile.type'), `pod sets AppArmor profile type "${podType}"`));
  for (const c of pod.containers) {
    const t = c.securityContext?.appArmorProfile?.type;
    if (t !== undefined && !appArmorTypeAllowed(t)) out.push(v(c, containerScPath(c, 'appArmorProfile.type'), `container "${c.name}" sets AppArmor profile type "${t}"`));
  }
  for (const [key, value] of Object.entries(pod.annotations).sort(([a], [b]) => compareText(a, b)))
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !appArmorAnnotationAllowed(value)) out.push(v(null, `${pod.metadataPath}.annotations["${key}"]`, `annotation ${key}="${value}"`));
  return out;
};

function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): CheckFn {
  return (pod) => {
    const out: PssViolation[] = [];
    const bad = (o: { type?: string; user?: string; role?: string }): string[] => {
      const why: string[] = [];
      if (!allowedTypes.has(o.type ?? '')) why.push(`type "${o.type ?? ''}"`);
      if ((o.user ?? '') !== '') why.push('user may not be set');
      if ((o.role ?? '') !== '') why.push('role may not be set');
      return why;
    };
    const podOpts = pod.securityContext?.seLinuxOptions;
    if (podOpts !== undefined) {
      const why = bad(podOpts);
      if (why.length > 0) out.push(v(null, podScPath(pod, 'seLinuxOptions'), `pod sets forbidden seLinuxOptions: ${why.join('; ')}`));
    }
    for (const c of pod.containers) {
      const o = c.securityContext?.seLinuxOptions;
      if (o === undefined) continue;
      const why = bad(o);
      if (why.length > 0) out.push(v(c, containerScPath(c, 'seLinuxOptions'), `container "${c.name}" sets forbidden seLinuxOptions: ${why.join('; ')}`));
    }
    return out;
  };
}
const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

const procMount: CheckFn = (pod) =>
  pod.containers
    .filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default')
    .map((c) => v(c, containerScPath(c, 'procMount'), `container "${c.name}" must not set securityContext.procMount to "${c.securityContext?.procMount ?? ''}"`));

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const seccompAnnotationAllowed = (value: string): boolean => value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
const seccompTypeAllowed = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';

const seccompBaselineAnnotations: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  const podValue = pod.annotations[SECCOMP_POD_ANNOTATION];
  if (podValue !== undefined && !seccompAnnotationAllowed(podValue))
    out.push(v(null, `${pod.metadataPath}.annotations["${SECCOMP_POD_ANNOTATION}"]`, `annotation ${SECCOMP_POD_ANNOTATION}="${podValue}"`));
  for (const c of pod.containers) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    const value = pod.annotations[key];
    if (value !== undefined && !seccompAnnotationAllowed(value)) out.push(v(c, `${pod.metadataPath}.annotations["${key}"]`, `annotation ${key}="${value}"`));
  }
  return out;
};

const seccompBaselineFields: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  const podType = pod.securityContext?.seccompProfile?.type;
  if (podType !== undefined && !seccompTypeAllowed(podType)) out.push(v(null, podScPath(pod, 'seccompProfile.type'), `pod must not set securityContext.seccompProfile.type to "${podType}"`));
  for (const c of pod.containers) {
    const t = c.securityContext?.seccompProfile?.type;
    if (t !== undefined && !seccompTypeAllowed(t)) out.push(v(c, containerScPath(c, 'seccompProfile.type'), `container "${c.name}" must not set securityContext.seccompProfile.type to "${t}"`));
  }
  return out;
};

function sysctlsCheck(allowed: ReadonlySet<string>): CheckFn {
  return (pod) => (pod.securityContext?.sysctls ?? []).flatMap((s, i) => (allowed.has(s.name) ? [] : [v(null, podScPath(pod, `sysctls[${i}].name`), `forbidden sysctl ${s.name}`)]));
}
const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

// ---- restricted ----

const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const restrictedVolumes: CheckFn = (pod) =>
  pod.volumes.flatMap((vol) => {
    // As upstream: a volume is fine when any of its sources is an allowed type. A volume with no
    // source is defaulted to emptyDir by the API server before admission sees it.
    if (vol.sources.length === 0 || vol.sources.some((s) => RESTRICTED_VOLUME_SOURCES.has(s))) return [];
    const kind = vol.sources[0] ?? 'unknown';
    return [v(null, `${vol.path}.${kind}`, `volume "${vol.name}" uses restricted volume type "${kind}"`)];
  });

const allowPrivilegeEscalation: CheckFn = (pod) =>
  pod.containers
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => v(c, containerScPath(c, 'allowPrivilegeEscalation'), `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`));

const runAsNonRoot: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  const podValue = pod.securityContext?.runAsNonRoot;
  if (podValue === false) out.push(v(null, podScPath(pod, 'runAsNonRoot'), 'pod must not set securityContext.runAsNonRoot=false'));
  for (const c of pod.containers) {
    const cv = c.securityContext?.runAsNonRoot;
    if (cv === false) out.push(v(c, containerScPath(c, 'runAsNonRoot'), `container "${c.name}" must not set securityContext.runAsNonRoot=false`));
    else if (cv === undefined && podValue !== true) out.push(v(c, containerScPath(c, 'runAsNonRoot'), `pod or container "${c.name}" must set securityContext.runAsNonRoot=true`));
  }
  return out;
};

const runAsUser: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  if (pod.securityContext?.runAsUser === 0) out.push(v(null, podScPath(pod, 'runAsUser'), 'pod must not set runAsUser=0'));
  for (const c of pod.containers) if (c.securityContext?.runAsUser === 0) out.push(v(c, containerScPath(c, 'runAsUser'), `container "${c.name}" must not set runAsUser=0`));
  return out;
};

const seccompRestricted: CheckFn = (pod) => {
  const out: PssViolation[] = [];
  const podType = pod.securityContext?.seccompProfile?.type;
  const podOk = podType !== undefined && seccompTypeAllowed(podType);
  if (podType !== undefined && !podOk) out.push(v(null, podScPath(pod, 'seccompProfile.type'), `pod must not set securityContext.seccompProfile.type to "${podType}"`));
  for (const c of pod.containers) {
    const t = c.securityContext?.seccompProfile?.type;
    if (t !== undefined) {
      if (!seccompTypeAllowed(t)) out.push(v(c, containerScPath(c, 'seccompProfile.type'), `container "${c.name}" must not set securityContext.seccompProfile.type to "${t}"`));
    } else if (!podOk) {
      out.push(v(c, containerScPath(c, 'seccompProfile.type'), `pod or container "${c.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`));
    }
  }
  return out;
};

const capabilitiesRestricted: CheckFn = (pod) =>
  pod.containers.flatMap((c) => {
    const caps = c.securityContext?.capabilities;
    const out: PssViolation[] = [];
    if (caps === undefined || !caps.drop.includes('ALL')) out.push(v(c, containerScPath(c, 'capabilities.drop'), `container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`));
    const bad = (caps?.add ?? []).filter((x) => x !== 'NET_BIND_SERVICE');
    if (bad.length > 0) out.push(v(c, containerScPath(c, 'capabilities.add'), `container "${c.name}" must not include ${bad.map((b) => `"${b}"`).join(', ')} in securityContext.capabilities.add`));
    return out;
  });

export const PSS_CHECKS: readonly PssCheckDefinition[] = [
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    title: 'Windows HostProcess containers',
    reason: 'hostProcess',
    fix: 'Remove securityContext.windowsOptions.hostProcess (or set it to false).',
    versions: [{ minMinor: 0, evaluate: windowsHostProcess }],
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    title: 'Host namespaces',
    reason: 'host namespaces',
    fix: 'Remove hostNetwork, hostPID and hostIPC (or set them to false).',
    versions: [{ minMinor: 0, evaluate: hostNamespaces }],
  },
  {
    id: 'privileged',
    level: 'baseline',
    title: 'Privileged containers',
    reason: 'privileged',
    fix: 'Remove securityContext.privileged (or set it to false).',
    versions: [{ minMinor: 0, evaluate: privileged }],
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    title: 'Capabilities beyond the runtime default set',
    reason: 'non-default capabilities',
    fix: 'Add only capabilities from the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).',
    versions: [{ minMinor: 0, evaluate: capabilitiesBaseline }],
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    title: 'HostPath volumes',
    reason: 'hostPath volumes',
    fix: 'Replace hostPath volumes with emptyDir, configMap, secret, or a PersistentVolumeClaim.',
    versions: [{ minMinor: 0, evaluate: hostPathVolumes }],
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    title: 'Host ports',
    reason: 'hostPort',
    fix: 'Remove ports[*].hostPort; expose the pod through a Service instead.',
    versions: [{ minMinor: 0, evaluate: hostPorts }],
  },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    title: 'Host fields in probes and lifecycle handlers',
    reason: 'probe or lifecycle host',
    fix: 'Remove the host field from httpGet/tcpSocket probes and lifecycle handlers.',
    versions: [{ minMinor: 34, evaluate: hostProbesAndHostLifecycle }],
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    title: 'AppArmor profile overridden or disabled',
    reason: 'forbidden AppArmor profile',
    fix: 'Use appArmorProfile.type RuntimeDefault or Localhost (never Unconfined).',
    versions: [{ minMinor: 0, evaluate: appArmorProfile }],
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    title: 'Custom SELinux type, user or role',
    reason: 'seLinuxOptions',
    fix: 'Leave seLinuxOptions.user and role empty and the type one of container_t, container_init_t, container_kvm_t (container_engine_t from v1.31).',
    versions: [
      { minMinor: 0, evaluate: seLinuxOptionsCheck(SELINUX_TYPES_1_0) },
      { minMinor: 31, evaluate: seLinuxOptionsCheck(SELINUX_TYPES_1_31) },
    ],
  },
  {
    id: 'procMount',
    level: 'baseline',
    title: 'Unmasked /proc',
    reason: 'procMount',
    fix: 'Remove securityContext.procMount (or set it to Default).',
    versions: [
      { minMinor: 0, evaluate: procMount },
      { minMinor: 35, evaluate: unlessUserNamespace(procMount) },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    title: 'Seccomp explicitly Unconfined',
    reason: 'seccompProfile',
    fix: 'Set seccompProfile.type to RuntimeDefault or Localhost (never Unconfined).',
    versions: [
      { minMinor: 0, evaluate: seccompBaselineAnnotations },
      { minMinor: 19, evaluate: seccompBaselineFields },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    title: 'Unsafe sysctls',
    reason: 'forbidden sysctls',
    fix: 'Set only the safe, namespaced sysctls the Pod Security Standards allow.',
    versions: [
      { minMinor: 0, evaluate: sysctlsCheck(new Set(SYSCTLS_1_0)) },
      { minMinor: 27, evaluate: sysctlsCheck(new Set(SYSCTLS_1_27)) },
      { minMinor: 29, evaluate: sysctlsCheck(new Set(SYSCTLS_1_29)) },
      { minMinor: 32, evaluate: sysctlsCheck(new Set(SYSCTLS_1_32)) },
      { minMinor: 37, evaluate: sysctlsCheck(new Set(SYSCTLS_1_37)) },
    ],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    title: 'Volume types beyond the restricted set',
    reason: 'restricted volume types',
    fix: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret volumes.',
    versions: [{ minMinor: 0, evaluate: restrictedVolumes, overrides: ['hostPathVolumes'] }],
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    title: 'Privilege escalation allowed',
    reason: 'allowPrivilegeEscalation != false',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    versions: [
      { minMinor: 8, evaluate: allowPrivilegeEscalation },
      { minMinor: 25, evaluate: unlessWindows(allowPrivilegeEscalation) },
    ],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    title: 'Containers not required to run as non-root',
    reason: 'runAsNonRoot != true',
    fix: 'Set securityContext.runAsNonRoot: true at pod level (and never false on a container).',
    versions: [
      { minMinor: 0, evaluate: runAsNonRoot },
      { minMinor: 35, evaluate: unlessUserNamespace(runAsNonRoot) },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    title: 'Containers running as UID 0',
    reason: 'runAsUser=0',
    fix: 'Set runAsUser to a non-zero UID, or leave it unset with runAsNonRoot: true.',
    versions: [
      { minMinor: 23, evaluate: runAsUser },
      { minMinor: 35, evaluate: unlessUserNamespace(runAsUser) },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    title: 'Seccomp profile not set',
    reason: 'seccompProfile',
    fix: 'Set securityContext.seccompProfile.type: RuntimeDefault at pod level.',
    versions: [
      { minMinor: 19, evaluate: seccompRestricted, overrides: ['seccompProfile_baseline'] },
      { minMinor: 25, evaluate: unlessWindows(seccompRestricted), overrides: ['seccompProfile_baseline'] },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    title: 'Capabilities not dropped',
    reason: 'unrestricted capabilities',
    fix: 'Set securityContext.capabilities.drop: ["ALL"] and add at most NET_BIND_SERVICE.',
    versions: [
      { minMinor: 22, evaluate: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
      { minMinor: 25, evaluate: unlessWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
    ],
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    title: 'Unmasked /proc (restricted)',
    reason: 'procMount',
    fix: 'Remove securityContext.procMount (or set it to Default), also in user-namespaced pods.',
    versions: [{ minMinor: 35, evaluate: procMount, overrides: ['procMount'] }],
  },
];

/** Parses `v1.30`, `1.30` or `latest` to a minor version; null when malformed. */
export function parsePssVersion(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'latest') return PSS_LATEST_MINOR;
  const m = /^v?1\.(\d{1,3})$/.exec(value.trim());
  if (m === null) return null;
  return Math.min(Number(m[1]), PSS_LATEST_MINOR);
}

export function formatPssVersion(minor: number): string {
  return `v1.${minor}`;
}

export interface PssCheckResult {
  readonly check: PssCheckDefinition;
  readonly outcome: PssCheckOutcome;
}

export interface PssEvaluation {
  readonly level: PssLevel;
  /** `v1.xx` actually applied (versions newer than known map to the newest known). */
  readonly version: string;
  readonly allowed: boolean;
  readonly results: readonly PssCheckResult[];
}

/** The checks that apply at a level and version, after overrides. */
export function applicableChecks(level: PssLevel, minor: number): { check: PssCheckDefinition; versioned: VersionedCheck }[] {
  const active: { check: PssCheckDefinition; versioned: VersionedCheck }[] = [];
  for (const check of PSS_CHECKS) {
    if (level === 'baseline' && check.level === 'restricted') continue;
    let chosen: VersionedCheck | undefined;
    for (const vc of check.versions) if (vc.minMinor <= minor && (chosen === undefined || vc.minMinor >= chosen.minMinor)) chosen = vc;
    if (chosen !== undefined) active.push({ check, versioned: chosen });
  }
  const overridden = new Set(active.flatMap((a) => a.versioned.overrides ?? []));
  return active.filter((a) => !overridden.has(a.check.id));
}

/** Evaluates a pod spec against a level and version; `allowed` is PSA's admit decision. */
export function evaluatePodSecurity(pod: PodSpecView, level: PssLevel, minor: number): PssEvaluation {
  const results = applicableChecks(level, minor).map(({ check, versioned }) => {
    const violations = versioned.evaluate(pod);
    return { check, outcome: { allowed: violations.length === 0, reason: check.reason, violations } };
  });
  return {
    level,
    version: formatPssVersion(minor),
    allowed: results.every((r) => r.outcome.allowed),
    results,
  };
}
