/**
 * The effective security context of one container: pod-level and container-level settings merged
 * once, the way the kubelet does (DetermineEffectiveSecurityContext in pkg/securitycontext/util.go:
 * container fields override pod fields; SELinux options are taken whole from the container when
 * present), including the pre-field annotations for seccomp and AppArmor. Every other check and the
 * isolation profile read this; none re-derives inheritance itself.
 */
import type { ContainerView, PodSpecView, SeLinuxOptions } from './pod-spec.js';

export interface Sourced<T> {
  readonly value: T;
  /** Field path that set it; null when it is the default. */
  readonly path: string | null;
}

export type ProfileMode = 'RuntimeDefault' | 'Localhost' | 'Unconfined' | 'unset';

export interface EffectiveProfile {
  readonly mode: ProfileMode;
  /** The raw type or annotation value when it was not one of the known modes. */
  readonly raw: string | null;
  readonly localhostProfile: string | null;
  readonly path: string | null;
}

export interface EffectiveSecurityContext {
  readonly container: ContainerView;
  readonly runAsUser: Sourced<number | null>;
  readonly runAsGroup: Sourced<number | null>;
  readonly runAsNonRoot: Sourced<boolean | null>;
  readonly privileged: Sourced<boolean>;
  /** What the manifest said (null = unset). */
  readonly allowPrivilegeEscalationDeclared: boolean | null;
  /**
   * Whether the process may gain privileges (no_new_privs off): true when unset, and always true
   * when privileged or CAP_SYS_ADMIN is added (the API server rejects an explicit false then).
   */
  readonly allowPrivilegeEscalation: Sourced<boolean>;
  readonly readOnlyRootFilesystem: Sourced<boolean>;
  readonly procMount: Sourced<string>;
  readonly capabilities: { readonly add: readonly string[]; readonly drop: readonly string[]; readonly path: string | null };
  readonly seccomp: EffectiveProfile;
  readonly appArmor: EffectiveProfile;
  readonly seLinux: Sourced<SeLinuxOptions | null>;
  readonly windowsHostProcess: boolean;
}

function pick<T>(containerValue: T | undefined, containerPath: string, podValue: T | undefined, podPath: string): Sourced<T | null> {
  if (containerValue !== undefined) return { value: containerValue, path: containerPath };
  if (podValue !== undefined) return { value: podValue, path: podPath };
  return { value: null, path: null };
}

function fromType(type: string, localhostProfile: string | undefined, path: string): EffectiveProfile {
  const mode: ProfileMode | null = type === 'RuntimeDefault' || type === 'Localhost' || type === 'Unconfined' ? type : null;
  return { mode: mode ?? 'unset', raw: mode === null ? type : null, localhostProfile: localhostProfile ?? null, path };
}

function fromAnnotation(value: string, path: string): EffectiveProfile {
  if (value === 'runtime/default' || value === 'docker/default') return { mode: 'RuntimeDefault', raw: null, localhostProfile: null, path };
  if (value.startsWith('localhost/')) return { mode: 'Localhost', raw: null, localhostProfile: value.slice('localhost/'.length), path };
  if (value === 'unconfined') return { mode: 'Unconfined', raw: null, localhostProfile: null, path };
  return { mode: 'unset', raw: value, localhostProfile: null, path };
}

const UNSET: EffectiveProfile = { mode: 'unset', raw: null, localhostProfile: null, path: null };

export function effectiveSecurityContext(pod: PodSpecView, c: ContainerView): EffectiveSecurityContext {
  const csc = c.securityContext;
  const psc = pod.securityContext;
  const cPath = (f: string): string => `${c.path}.securityContext.${f}`;
  const pPath = (f: string): string => `${pod.path}.securityContext.${f}`;
  const ann = (key: string): string => `${pod.metadataPath}.annotations["${key}"]`;

  let seccomp = UNSET;
  if (csc?.seccompProfile !== undefined) seccomp = fromType(csc.seccompProfile.type, csc.seccompProfile.localhostProfile, cPath('seccompProfile.type'));
  else if (pod.annotations[`container.seccomp.security.alpha.kubernetes.io/${c.name}`] !== undefined) {
    const key = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    seccomp = fromAnnotation(pod.annotations[key]!, ann(key));
  } else if (psc?.seccompProfile !== undefined) seccomp = fromType(psc.seccompProfile.type, psc.seccompProfile.localhostProfile, pPath('seccompProfile.type'));
  else if (pod.annotations['seccomp.security.alpha.kubernetes.io/pod'] !== undefined) {
    const key = 'seccomp.security.alpha.kubernetes.io/pod';
    seccomp = fromAnnotation(pod.annotations[key], ann(key));
  }

  let appArmor = UNSET;
  const aaKey = `container.apparmor.security.beta.kubernetes.io/${c.name}`;
  if (csc?.appArmorProfile !== undefined) appArmor = fromType(csc.appArmorProfile.type, csc.appArmorProfile.localhostProfile, cPath('appArmorProfile.type'));
  else if (pod.annotations[aaKey] !== undefined && pod.annotations[aaKey] !== '') appArmor = fromAnnotation(pod.annotations[aaKey], ann(aaKey));
  else if (psc?.appArmorProfile !== undefined) appArmor = fromType(psc.appArmorProfile.type, psc.appArmorProfile.localhostProfile, pPath('appArmorProfile.type'));

  const privileged = csc?.privileged === true;
  const add = csc?.capabilities?.add ?? [];
  const addsSysAdmin = add.some((x) => /^(CAP_)?SYS_ADMIN$/i.test(x) || x.toUpperCase() === 'ALL');
  const declaredApe = csc?.allowPrivilegeEscalation ?? null;
  const ape = privileged || addsSysAdmin ? true : (declaredApe ?? true);

  const runAsUser = pick(csc?.runAsUser, cPath('runAsUser'), psc?.runAsUser, pPath('runAsUser'));
  const runAsGroup = pick(csc?.runAsGroup, cPath('runAsGroup'), psc?.runAsGroup, pPath('runAsGroup'));
  const runAsNonRoot = pick(csc?.runAsNonRoot, cPath('runAsNonRoot'), psc?.runAsNonRoot, pPath('runAsNonRoot'));
  const seLinux = pick(csc?.seLinuxOptions, cPath('seLinuxOptions'), psc?.seLinuxOptions, pPath('seLinuxOptions'));

  return {
    container: c,
    runAsUser,
    runAsGroup,
    runAsNonRoot,
    privileged: { value: privileged, path: csc?.privileged === undefined ? null : cPath('privileged') },
    allowPrivilegeEscalationDeclared: declaredApe,
    allowPrivilegeEscalation: { value: ape, path: cPath('allowPrivilegeEscalation') },
    readOnlyRootFilesystem: {
      value: csc?.readOnlyRootFilesystem === true,
      path: cPath('readOnlyRootFilesystem'),
    },
    procMount: { value: csc?.procMount ?? 'Default', path: csc?.procMount === undefined ? null : cPath('procMount') },
    capabilities: { add, drop: csc?.capabilities?.drop ?? [], path: csc?.capabilities === undefined ? null : cPath('capabilities') },
    seccomp,
    appArmor,
    seLinux,
    windowsHostProcess: (csc?.windowsHostProcess ?? psc?.windowsHostProcess) === true,
  };
}

/** Effective contexts of every container of a pod, computed once. */
export function effectiveSecurityContexts(pod: PodSpecView): EffectiveSecurityContext[] {
  return pod.containers.map((c) => effectiveSecurityContext(pod, c));
}
