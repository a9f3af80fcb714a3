/**
 * The isolation profile: what stands between one workload (a pod container, a Compose service, an
 * inspected container) and its host, expressed the same way whatever the source format. Each
 * mapper (Kubernetes, Compose, `docker inspect`) fills it with the platform's meaning of "unset"
 * already applied, so the breakout catalog evaluates one shape.
 *
 * `null` always means "not known from the input" (e.g. the image's USER when only a manifest is
 * scanned), never "false".
 */
import { WORKLOAD_LAYERS } from '@sekisho/model';
import type { WorkloadBreakoutPath, WorkloadLayerCell } from '@sekisho/model';

/** Where the workload runs; decides what an unset field means. */
export type IsolationPlatform = 'kubernetes' | 'docker';

export type SeccompMode = 'RuntimeDefault' | 'Localhost' | 'Unconfined';

export interface SeccompLayer {
  /** What the input said; `unset` when it said nothing. */
  readonly declared: SeccompMode | 'unset';
  /**
   * What the runtime applies. Kubernetes: unset → Unconfined (kubelet's `SeccompDefault` feature
   * is off unless the node enables it). Docker: unset → its default profile (RuntimeDefault).
   * Privileged containers run Unconfined on both (runc/containerd skip seccomp for them).
   */
  readonly effective: SeccompMode;
  readonly localhostProfile: string | null;
}

export type MacMode = 'RuntimeDefault' | 'Localhost' | 'Unconfined';

export interface AppArmorLayer {
  readonly declared: MacMode | 'unset';
  /**
   * Unset → the runtime's default profile on both platforms *when the host has AppArmor*
   * (`docker-default`, `cri-containerd.apparmor.d`); privileged → Unconfined.
   */
  readonly effective: MacMode;
  readonly localhostProfile: string | null;
}

export interface SelinuxLayer {
  /** `spc_t`/`unconfined_t` types and Docker's `label=disable` mean unconfined. */
  readonly declared: 'set' | 'unset' | 'disabled';
  readonly type: string | null;
  readonly level: string | null;
  /** False when the declared label lifts confinement or the container is privileged. */
  readonly confining: boolean;
}

export interface CapabilityLayer {
  /** Upper-case names without the `CAP_` prefix; `ALL` expanded. */
  readonly defaultSet: readonly string[];
  readonly added: readonly string[];
  readonly dropped: readonly string[];
  /** (default set − drops) + adds, or every capability when privileged; sorted. */
  readonly effective: readonly string[];
}

export interface UserLayer {
  readonly runAsUser: number | null;
  readonly runAsGroup: number | null;
  readonly runAsNonRoot: boolean | null;
  /**
   * True when the process runs as UID 0 in the container, false when it provably does not, null
   * when it depends on the image (no runAsUser, runAsNonRoot unset).
   */
  readonly root: boolean | null;
  /** Kubernetes `hostUsers: false`, Docker `userns_mode`/daemon remap when stated. */
  readonly userNamespace: boolean | null;
}

export interface CgroupLimits {
  readonly cpu: string | null;
  readonly memory: string | null;
  /** Per-container pids limit; null when unset or set only node-wide (kubelet `podPidsLimit`). */
  readonly pids: number | null;
  readonly ephemeralStorage: string | null;
}

export interface HostNamespaces {
  readonly pid: boolean;
  readonly ipc: boolean;
  readonly network: boolean;
  readonly uts: boolean;
  readonly cgroup: boolean;
}

export const SENSITIVE_MOUNT_CLASSES = ['host-root', 'container-socket', 'proc', 'sys', 'dev', 'etc', 'cron', 'kubelet', 'root-home', 'container-data', 'log', 'boot', 'other'] as const;
export type SensitiveMountClass = (typeof SENSITIVE_MOUNT_CLASSES)[number];

export interface HostMount {
  readonly hostPath: string;
  readonly containerPath: string | null;
  readonly readOnly: boolean;
  readonly class: SensitiveMountClass;
  readonly fieldPath: string | null;
}

export type SandboxKind = 'gvisor' | 'kata' | 'firecracker' | 'other';

export interface SandboxLayer {
  /** Kubernetes runtimeClassName / Docker `--runtime`. */
  readonly runtimeClass: string | null;
  /** Recognised sandboxing runtime, or null for plain runc/crun. */
  readonly kind: SandboxKind | null;
}

/** What a workload's credentials let it do in the cluster (from RBAC analysis). */
export const RBAC_POWERS = [
  'cluster-admin',
  'wildcard',
  'read-secrets',
  'create-pods',
  'create-workloads',
  'exec-pods',
  'nodes-proxy',
  'create-tokens',
  'escalate',
  'bind',
  'impersonate',
  'modify-rbac',
  'approve-csr',
  'modify-webhooks',
  'delete-resources',
] as const;
export type RbacPower = (typeof RBAC_POWERS)[number];

export interface ServiceAccountLayer {
  readonly name: string | null;
  /** True when an API token is mounted into the container. */
  readonly tokenMounted: boolean;
  /** Powers granted to the account by the RBAC objects scanned; null when RBAC was not in the input. */
  readonly powers: readonly RbacPower[] | null;
  /** Namespaces (or `*` for cluster-wide) in which `create-pods` holds. */
  readonly powerScope: readonly string[];
}

export interface Sysctl {
  readonly name: string;
  readonly value: string;
}

/** Facts about the host when known (from a host audit or the user); all optional. */
export interface HostFacts {
  readonly kernelVersion?: string;
  readonly runcVersion?: string;
  readonly containerdVersion?: string;
  readonly cgroupVersion?: 1 | 2;
  readonly appArmorEnabled?: boolean;
  readonly selinuxEnforcing?: boolean;
  /** Unprivileged processes may create user namespaces (sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone). */
  readonly unprivilegedUserNamespaces?: boolean;
  /** The kubelet runs containers without a seccomp profile under RuntimeDefault (`seccompDefault: true`). */
  readonly kubeletSeccompDefault?: boolean;
  /** The Docker daemon remaps container root to an unprivileged host user (`userns-remap`). */
  readonly dockerUsernsRemap?: boolean;
}

export interface IsolationProfile {
  readonly platform: IsolationPlatform;
  readonly image: string | null;
  readonly privileged: boolean;
  readonly user: UserLayer;
  readonly seccomp: SeccompLayer;
  readonly appArmor: AppArmorLayer;
  readonly selinux: SelinuxLayer;
  readonly capabilities: CapabilityLayer;
  /**
   * no_new_privs. Kubernetes: allowPrivilegeEscalation unset → escalation allowed; it is always
   * allowed when privileged or CAP_SYS_ADMIN is added. Docker: only `no-new-privileges:true`.
   */
  readonly noNewPrivs: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly limits: CgroupLimits;
  readonly hostNamespaces: HostNamespaces;
  readonly hostMounts: readonly HostMount[];
  /** Host device paths passed in (`--device`, hostPath of type Char/BlockDevice, `/dev/…`). */
  readonly devices: readonly string[];
  readonly hostPorts: readonly number[];
  readonly sandbox: SandboxLayer;
  readonly serviceAccount: ServiceAccountLayer | null;
  readonly procMount: 'Default' | 'Unmasked';
  readonly sysctls: readonly Sysctl[];
  readonly hostFacts: HostFacts;
  /** Field path of the input that set an attribute, e.g. `{ privileged: 'spec.containers[0].securityContext.privileged' }`. */
  readonly sources: Readonly<Record<string, string>>;
}

/** The layers, in report order; the model owns the list so the server and dashboard share it. */
export const ISOLATION_LAYERS = WORKLOAD_LAYERS;
export type IsolationLayerId = (typeof ISOLATION_LAYERS)[number];

export type LayerState = WorkloadLayerCell['state'];

export type LayerCell = WorkloadLayerCell;

export type LayerMatrix = Readonly<Record<IsolationLayerId, LayerCell>>;

/** A breakout technique whose preconditions hold for a workload (the model owns the shape: the server stores it). */
export type OpenPath = WorkloadBreakoutPath;

/** Linux capabilities (capability.h as of Linux 6.x), without the `CAP_` prefix. */
export const ALL_CAPABILITIES = [
  'AUDIT_CONTROL',
  'AUDIT_READ',
  'AUDIT_WRITE',
  'BLOCK_SUSPEND',
  'BPF',
  'CHECKPOINT_RESTORE',
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'IPC_LOCK',
  'IPC_OWNER',
  'KILL',
  'LEASE',
  'LINUX_IMMUTABLE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'MKNOD',
  'NET_ADMIN',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_RAW',
  'PERFMON',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYSLOG',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_CHROOT',
  'SYS_MODULE',
  'SYS_NICE',
  'SYS_PACCT',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'WAKE_ALARM',
] as const;

/**
 * The default bounding set of Docker (moby oci/caps/defaults.go) and containerd's CRI
 * (oci/spec_opts.go `defaultUnixCaps`) — the same 14 capabilities. CRI-O ships a smaller set
 * (no MKNOD, NET_RAW, SYS_CHROOT, AUDIT_WRITE, SETFCAP since 1.18); we assume containerd.
 */
export const RUNTIME_DEFAULT_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
] as const;

/** Upper-cases and strips `CAP_`; returns null for something that is not a capability name. */
export function normalizeCapability(name: string): string | null {
  const upper = name.trim().toUpperCase();
  const bare = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  if (bare === 'ALL') return 'ALL';
  return /^[A-Z_]{1,40}$/.test(bare) ? bare : null;
}

/** Effective set = (runtime default − drops) + adds; `ALL` expands; privileged gets every capability. */
export function effectiveCapabilities(added: readonly string[], dropped: readonly string[], privileged: boolean, defaultSet: readonly string[] = RUNTIME_DEFAULT_CAPABILITIES): CapabilityLayer {
  const norm = (xs: readonly string[]): string[] => [...new Set(xs.map(normalizeCapability).filter((x): x is string => x !== null))].sort();
  const add = norm(added);
  const drop = norm(dropped);
  let effective: string[];
  if (privileged) {
    effective = [...ALL_CAPABILITIES];
  } else {
    const set = new Set<string>(drop.includes('ALL') ? [] : defaultSet.filter((c) => !drop.includes(c)));
    for (const c of add) {
      if (c === 'ALL') ALL_CAPABILITIES.forEach((x) => set.add(x));
      else set.add(c);
    }
    effective = [...set].sort();
  }
  return { defaultSet: [...defaultSet], added: add, dropped: drop, effective };
}

/** What an unset seccomp field means on each platform (see SeccompLayer.effective). */
export function effectiveSeccomp(platform: IsolationPlatform, declared: SeccompMode | 'unset', privileged: boolean): SeccompMode {
  if (privileged) return 'Unconfined';
  if (declared !== 'unset') return declared;
  return platform === 'kubernetes' ? 'Unconfined' : 'RuntimeDefault';
}

export function effectiveAppArmor(declared: MacMode | 'unset', privileged: boolean): MacMode {
  if (privileged) return 'Unconfined';
  return declared === 'unset' ? 'RuntimeDefault' : declared;
}

/** Classifies a host path by what a container could do with it. */
export function classifyHostPath(hostPath: string): SensitiveMountClass {
  const p = normalizeHostPath(hostPath);
  if (p === '/') return 'host-root';
  if (
    /(^|\/)(docker|containerd|crio|cri-dockerd|podman)\.sock$/.test(p) ||
    p === '/var/run/docker' ||
    p === '/run/containerd' ||
    p === '/var/run/containerd' ||
    p === '/var/run/crio' ||
    p === '/run/crio' ||
    p === '/run/podman'
  )
    return 'container-socket';
  if (p === '/var/run' || p === '/run') return 'container-socket';
  if (p === '/proc' || p.startsWith('/proc/')) return 'proc';
  if (p === '/sys' || p.startsWith('/sys/')) return 'sys';
  if (p === '/dev' || p.startsWith('/dev/')) return 'dev';
  if (p === '/etc/cron.d' || p.startsWith('/etc/cron') || p.startsWith('/var/spool/cron')) return 'cron';
  if (p === '/etc' || p.startsWith('/etc/')) return 'etc';
  if (p === '/var/lib/kubelet' || p.startsWith('/var/lib/kubelet/') || p === '/etc/kubernetes') return 'kubelet';
  if (p === '/root' || p.startsWith('/root/')) return 'root-home';
  if (
    p === '/var/lib/docker' ||
    p.startsWith('/var/lib/docker/') ||
    p === '/var/lib/containerd' ||
    p.startsWith('/var/lib/containerd/') ||
    p === '/var/lib/containers' ||
    p.startsWith('/var/lib/containers/')
  )
    return 'container-data';
  if (p === '/var/log' || p.startsWith('/var/log/')) return 'log';
  if (p === '/boot' || p.startsWith('/boot/')) return 'boot';
  if (p === '/var' || p === '/usr' || p === '/home' || p === '/lib' || p === '/bin' || p === '/sbin') return 'host-root';
  return 'other';
}

/** Collapses `//`, `/./` and a trailing slash; keeps `..` literal (never resolved against a filesystem). */
export function normalizeHostPath(hostPath: string): string {
  const parts: string[] = [];
  for (const part of hostPath.slice(0, 4096).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return '/' + parts.join('/');
}
