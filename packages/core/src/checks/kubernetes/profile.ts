import { grantsFor, nsOf, type RbacModel } from '../rbac/analyze.js';
import {
  classifyHostPath,
  effectiveAppArmor,
  effectiveCapabilities,
  effectiveSeccomp,
  type HostFacts,
  type HostMount,
  type IsolationProfile,
  type RbacPower,
  type SandboxLayer,
  type SeccompMode,
} from '../isolation/profile.js';
import type { PodSpecView } from './pod-spec.js';
import type { EffectiveSecurityContext } from './security-context.js';

/** Defaults a LimitRange fills into containers that set no limits of their own. */
export interface LimitDefaults {
  readonly cpu: string | null;
  readonly memory: string | null;
  readonly ephemeralStorage: string | null;
}

/** Recognises sandboxing runtimes by RuntimeClass name (handler names used by their installers). */
export function sandboxOf(runtimeClass: string | null): SandboxLayer {
  if (runtimeClass === null) return { runtimeClass, kind: null };
  const n = runtimeClass.toLowerCase();
  if (/gvisor|runsc/.test(n)) return { runtimeClass, kind: 'gvisor' };
  if (/firecracker|kata-fc/.test(n)) return { runtimeClass, kind: 'firecracker' };
  if (/kata/.test(n)) return { runtimeClass, kind: 'kata' };
  return { runtimeClass, kind: null };
}

const SELINUX_UNCONFINED_TYPES = new Set(['spc_t', 'unconfined_t']);

function seccompDeclared(mode: EffectiveSecurityContext['seccomp']['mode']): SeccompMode | 'unset' {
  return mode;
}

export interface KubernetesProfileInput {
  readonly pod: PodSpecView;
  readonly namespace: string | null;
  readonly esc: EffectiveSecurityContext;
  readonly rbac: RbacModel;
  readonly limitDefaults: LimitDefaults | null;
  readonly hostFacts: HostFacts;
}

/** Maps one pod container to the platform-neutral isolation profile (Kubernetes meanings of unset). */
export function kubernetesProfile(input: KubernetesProfileInput): IsolationProfile {
  const { pod, esc, rbac } = input;
  const c = esc.container;
  const privileged = esc.privileged.value;
  const sources: Record<string, string> = {};
  const note = (key: string, path: string | null): void => {
    if (path !== null) sources[key] = path;
  };

  const runAsUser = esc.runAsUser.value;
  const runAsNonRoot = esc.runAsNonRoot.value;
  // The kubelet refuses to start a container with runAsNonRoot=true whose user is 0.
  const root = runAsUser !== null ? runAsUser === 0 : runAsNonRoot === true ? false : null;
  note('runAsUser', esc.runAsUser.path);
  note('runAsNonRoot', esc.runAsNonRoot.path);
  note('privileged', esc.privileged.path);

  const seccompDecl = seccompDeclared(esc.seccomp.mode);
  note('seccomp', esc.seccomp.path);
  const appArmorDecl = esc.appArmor.mode;
  note('appArmor', esc.appArmor.path);

  const se = esc.seLinux.value;
  const seType = se?.type ?? null;
  note('seLinux', esc.seLinux.path);

  const capabilities = effectiveCapabilities(esc.capabilities.add, esc.capabilities.drop, privileged);
  note('capabilities', esc.capabilities.path);

  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  const hostMounts: HostMount[] = [];
  const devices: string[] = [];
  c.volumeMounts.forEach((m, i) => {
    const vol = volumes.get(m.name);
    if (vol?.hostPath === null || vol?.hostPath === undefined) return;
    const hostPath = vol.hostPath.path;
    hostMounts.push({
      hostPath,
      containerPath: m.mountPath,
      readOnly: m.readOnly,
      class: classifyHostPath(hostPath),
      fieldPath: `${c.path}.volumeMounts[${i}]`,
    });
    if ((vol.hostPath.type === 'BlockDevice' || vol.hostPath.type === 'CharDevice') && privileged) devices.push(hostPath);
  });

  const limits = c.limits;
  const defaults = input.limitDefaults;
  const pick = (key: string, fallback: string | null | undefined): string | null => limits[key] ?? fallback ?? null;

  const saName = pod.serviceAccountName ?? 'default';
  const ns = nsOf(input.namespace);
  const saObject = rbac.serviceAccounts.get(`${ns}/${saName}`);
  const tokenMounted = pod.automountServiceAccountToken ?? saObject?.automount ?? true;
  let powers: RbacPower[] | null = null;
  let powerScope: string[] = [];
  if (rbac.present) {
    const grants = grantsFor(rbac, ns, saName);
    powers = [...new Set(grants.map((g) => g.power))].sort();
    powerScope = [...new Set(grants.filter((g) => g.power === 'create-pods' || g.power === 'create-workloads').map((g) => g.scope))].sort();
  }

  const hostUsers = pod.hostUsers;
  return {
    platform: 'kubernetes',
    image: c.image,
    privileged,
    user: {
      runAsUser,
      runAsGroup: esc.runAsGroup.value,
      runAsNonRoot,
      root,
      userNamespace: hostUsers === false,
    },
    seccomp: {
      declared: seccompDecl,
      // A node whose kubelet has seccompDefault: true gives unset containers RuntimeDefault.
      effective: seccompDecl === 'unset' && !privileged && input.hostFacts.kubeletSeccompDefault === true ? 'RuntimeDefault' : effectiveSeccomp('kubernetes', seccompDecl, privileged),
      localhostProfile: esc.seccomp.localhostProfile,
    },
    appArmor: {
      declared: appArmorDecl,
      effective: effectiveAppArmor(appArmorDecl, privileged),
      localhostProfile: esc.appArmor.localhostProfile,
    },
    selinux: {
      declared: se === null ? 'unset' : seType !== null && SELINUX_UNCONFINED_TYPES.has(seType) ? 'disabled' : 'set',
      type: seType,
      level: se?.level ?? null,
      confining: !privileged && !(seType !== null && SELINUX_UNCONFINED_TYPES.has(seType)),
    },
    capabilities,
    noNewPrivs: !esc.allowPrivilegeEscalation.value,
    readOnlyRootFilesystem: esc.readOnlyRootFilesystem.value,
    limits: {
      cpu: pick('cpu', defaults?.cpu),
      memory: pick('memory', defaults?.memory),
      pids: null,
      ephemeralStorage: pick('ephemeral-storage', defaults?.ephemeralStorage),
    },
    hostNamespaces: {
      pid: pod.hostPID === true,
      ipc: pod.hostIPC === true,
      network: pod.hostNetwork === true,
      // The pod shares the node's UTS namespace when it shares its network namespace.
      uts: pod.hostNetwork === true,
      cgroup: false,
    },
    hostMounts,
    devices,
    hostPorts: c.ports.flatMap((p) => (p.hostPort !== null && p.hostPort !== 0 ? [p.hostPort] : [])),
    sandbox: sandboxOf(pod.runtimeClassName),
    serviceAccount: { name: saName, tokenMounted, powers, powerScope },
    procMount: esc.procMount.value === 'Unmasked' ? 'Unmasked' : 'Default',
    sysctls: pod.securityContext?.sysctls ?? [],
    hostFacts: input.hostFacts,
    sources,
  };
}
