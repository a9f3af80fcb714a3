/**
 * Breakout techniques as data. Each names its preconditions over the isolation profile (and host
 * facts when known) in a small condition language evaluated by `evaluate.ts`, so the catalog can be
 * printed, tested one technique at a time, and extended without code.
 */
import type { RbacPower, SensitiveMountClass, SeccompMode } from './profile.js';

export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly fact: 'privileged' }
  | { readonly fact: 'capability'; readonly name: string }
  | { readonly fact: 'seccomp'; readonly modes: readonly SeccompMode[] }
  /** AppArmor and SELinux both off (unknown when they depend on the host). */
  | { readonly fact: 'mac-unconfined' }
  | { readonly fact: 'user-namespace' }
  | { readonly fact: 'root' }
  | { readonly fact: 'host-namespace'; readonly namespace: 'pid' | 'ipc' | 'network' }
  | { readonly fact: 'host-mount'; readonly classes: readonly SensitiveMountClass[]; readonly writable: boolean }
  | { readonly fact: 'device' }
  | { readonly fact: 'sandbox' }
  | { readonly fact: 'proc-unmasked' }
  | { readonly fact: 'token-power'; readonly powers: readonly RbacPower[] }
  | { readonly fact: 'version-below'; readonly component: 'runc' | 'kernel'; readonly fixed: string }
  | { readonly fact: 'cgroup-v1' }
  /** The host kernel lies in an affected range of a kernel CVE of the host catalog (kernel-catalog/kernel-cves.ts). */
  | { readonly fact: 'kernel-cve'; readonly cve: string }
  /** The host lets unprivileged processes create user namespaces. */
  | { readonly fact: 'unprivileged-userns' };

export interface BreakoutTechnique {
  readonly id: string;
  readonly name: string;
  readonly references: readonly string[];
  readonly preconditions: Condition;
  readonly impact: string;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  /** The smallest change that closes the path. */
  readonly fix: string;
}

const not = (c: Condition): Condition => ({ not: c });
const cap = (name: string): Condition => ({ fact: 'capability', name });
const NOT_SANDBOXED = not({ fact: 'sandbox' });
const NO_USERNS = not({ fact: 'user-namespace' });

export const BREAKOUT_CATALOG: readonly BreakoutTechnique[] = [
  {
    id: 'privileged-container',
    name: 'Privileged container: mount the host disk, load modules, reach every device',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline', 'https://blog.trailofbits.com/2019/07/19/understanding-docker-container-escapes/'],
    preconditions: { all: [{ fact: 'privileged' }, NOT_SANDBOXED] },
    impact: 'Root on the node: every capability, no seccomp/AppArmor, all host devices (mount /dev/sda and chroot).',
    severity: 'critical',
    fix: 'Remove privileged: true and add only the capabilities the workload needs.',
  },
  {
    id: 'host-device-access',
    name: 'Host block or character device passed into the container',
    references: ['https://docs.docker.com/reference/cli/docker/container/run/#device'],
    preconditions: { all: [{ fact: 'device' }, { fact: 'root' }] },
    impact: 'Raw read/write of a host disk or device: host files and secrets, persistent tampering.',
    severity: 'high',
    fix: 'Remove the device mapping.',
  },
  {
    id: 'container-runtime-socket',
    name: 'Docker/containerd/CRI-O socket mounted: start a privileged container on the host',
    references: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface', 'https://blog.quarkslab.com/why-is-exposing-the-docker-socket-a-really-bad-idea.html'],
    // A read-only bind mount of a socket still allows connect(), so writability does not matter.
    preconditions: { fact: 'host-mount', classes: ['container-socket'], writable: false },
    impact: 'Full control of the node through the runtime API (run a privileged container with / mounted).',
    severity: 'critical',
    fix: 'Remove the runtime socket mount; use a rootless builder or the Kubernetes API with narrow RBAC instead.',
  },
  {
    id: 'cgroup-release-agent',
    name: 'CAP_SYS_ADMIN + cgroup v1 release_agent',
    references: ['https://twitter.com/_fel1x/status/1151487051986087936', 'https://blog.trailofbits.com/2019/07/19/understanding-docker-container-escapes/'],
    preconditions: {
      all: [cap('SYS_ADMIN'), { fact: 'root' }, { fact: 'mac-unconfined' }, NO_USERNS, { fact: 'cgroup-v1' }, NOT_SANDBOXED],
    },
    impact: 'Commands run as root on the host when the cgroup empties (release_agent).',
    severity: 'critical',
    fix: 'Drop CAP_SYS_ADMIN.',
  },
  {
    id: 'cve-2022-0492',
    name: 'CVE-2022-0492: cgroup v1 release_agent without CAP_SYS_ADMIN (unshare)',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-0492', 'https://unit42.paloaltonetworks.com/cve-2022-0492-cgroups/'],
    preconditions: {
      all: [
        { fact: 'root' },
        { fact: 'seccomp', modes: ['Unconfined'] },
        { fact: 'mac-unconfined' },
        { fact: 'cgroup-v1' },
        { fact: 'unprivileged-userns' },
        { fact: 'kernel-cve', cve: 'CVE-2022-0492' },
        NOT_SANDBOXED,
      ],
    },
    impact: 'Root on the host through a cgroup mounted in a fresh user namespace.',
    severity: 'high',
    fix: 'Set seccompProfile.type: RuntimeDefault (it blocks unshare).',
  },
  {
    id: 'cap-sys-module',
    name: 'CAP_SYS_MODULE: load a kernel module',
    references: ['https://man7.org/linux/man-pages/man7/capabilities.7.html'],
    preconditions: { all: [cap('SYS_MODULE'), NO_USERNS, NOT_SANDBOXED] },
    impact: 'Arbitrary code in the host kernel.',
    severity: 'critical',
    fix: 'Drop CAP_SYS_MODULE.',
  },
  {
    id: 'ptrace-host-processes',
    name: 'CAP_SYS_PTRACE + hostPID: inject into host processes',
    references: ['https://man7.org/linux/man-pages/man2/ptrace.2.html'],
    preconditions: {
      all: [cap('SYS_PTRACE'), { fact: 'host-namespace', namespace: 'pid' }, { fact: 'root' }, { fact: 'mac-unconfined' }, NOT_SANDBOXED],
    },
    impact: 'Code execution inside host processes running as root.',
    severity: 'critical',
    fix: 'Remove hostPID (or drop CAP_SYS_PTRACE).',
  },
  {
    id: 'shocker-dac-read-search',
    name: 'CAP_DAC_READ_SEARCH: open_by_handle_at host files (shocker)',
    references: ['https://github.com/gabrtv/shocker', 'https://man7.org/linux/man-pages/man2/open_by_handle_at.2.html'],
    preconditions: { all: [cap('DAC_READ_SEARCH'), NO_USERNS, NOT_SANDBOXED] },
    impact: 'Read (with CAP_DAC_OVERRIDE also write) any file on the host filesystem.',
    severity: 'high',
    fix: 'Drop CAP_DAC_READ_SEARCH.',
  },
  {
    id: 'writable-host-config',
    name: 'Writable hostPath to host root, /etc, cron, kubelet or runtime directories',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', 'https://bishopfox.com/blog/kubernetes-pod-privilege-escalation'],
    preconditions: {
      all: [{ fact: 'host-mount', classes: ['host-root', 'etc', 'cron', 'kubelet', 'root-home', 'boot', 'container-data'], writable: true }, { fact: 'root' }],
    },
    impact: 'Root on the host at the next cron run, login, static-pod sync or container start.',
    severity: 'critical',
    fix: 'Remove the hostPath volume, or mount it readOnly: true.',
  },
  {
    id: 'host-sensitive-read',
    name: 'hostPath exposes host credentials (kubelet certificates, /etc/shadow, other pods’ secrets)',
    references: ['https://bishopfox.com/blog/kubernetes-pod-privilege-escalation'],
    preconditions: { fact: 'host-mount', classes: ['host-root', 'etc', 'kubelet', 'root-home', 'container-data'], writable: false },
    impact: 'Credential theft: node identity, other workloads’ tokens and secrets.',
    severity: 'high',
    fix: 'Remove the hostPath volume.',
  },
  {
    id: 'var-log-symlink',
    name: 'Writable /var/log hostPath: symlink attack through the kubelet log endpoint',
    references: ['https://www.aquasec.com/blog/kubernetes-security-pod-escape-log-mounts/'],
    preconditions: { all: [{ fact: 'host-mount', classes: ['log'], writable: true }, { fact: 'root' }] },
    impact: 'Read any host file through `kubectl logs` / the kubelet /logs endpoint.',
    severity: 'medium',
    fix: 'Mount /var/log readOnly: true, or remove it.',
  },
  {
    id: 'core-pattern',
    name: '/proc/sys/kernel/core_pattern via a host /proc mount or unmasked /proc',
    references: ['https://man7.org/linux/man-pages/man5/core.5.html', 'https://pwning.systems/posts/escaping-containers-for-fun/'],
    preconditions: {
      all: [{ any: [{ fact: 'host-mount', classes: ['proc'], writable: true }, { all: [{ fact: 'proc-unmasked' }, NO_USERNS] }] }, { fact: 'root' }, NOT_SANDBOXED],
    },
    impact: 'The kernel runs an attacker program as root on the host at the next crash.',
    severity: 'critical',
    fix: 'Remove the hostPath /proc mount and keep procMount: Default.',
  },
  {
    id: 'sys-uevent-helper',
    name: 'Writable host /sys: uevent_helper and other kernel knobs',
    references: ['https://book.hacktricks.wiki/en/linux-hardening/privilege-escalation/docker-security/docker-breakout-privilege-escalation/sensitive-mounts.html'],
    preconditions: { all: [{ fact: 'host-mount', classes: ['sys'], writable: true }, { fact: 'root' }, NOT_SANDBOXED] },
    impact: 'The kernel runs an attacker program as root on the host at the next device event.',
    severity: 'critical',
    fix: 'Mount /sys readOnly: true, or remove it.',
  },
  {
    id: 'keyctl-unmask',
    name: 'keyctl-unmask: read kernel keyrings of other containers and the host (seccomp unconfined)',
    references: ['https://www.antitree.com/2020/07/keyctl-unmask-going-florida-on-the-state-of-containerizing-linux-keyrings/'],
    preconditions: { all: [{ fact: 'seccomp', modes: ['Unconfined'] }, NO_USERNS, NOT_SANDBOXED] },
    impact: 'Disclosure of keys (credentials, tokens) other containers or the host stored in kernel keyrings.',
    severity: 'medium',
    fix: 'Set seccompProfile.type: RuntimeDefault (it blocks keyctl, add_key and request_key).',
  },
  {
    id: 'runc-cve-2019-5736',
    name: 'runc CVE-2019-5736: overwrite the host runc binary through /proc/self/exe',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-5736', 'https://unit42.paloaltonetworks.com/breaking-docker-via-runc-explaining-cve-2019-5736/'],
    preconditions: {
      all: [{ fact: 'root' }, NO_USERNS, { fact: 'version-below', component: 'runc', fixed: '1.0.0-rc7' }, NOT_SANDBOXED],
    },
    impact: 'Root on the host the next time runc execs into the container.',
    severity: 'critical',
    fix: 'Upgrade runc (Docker ≥ 18.09.2); run as non-root or with a user namespace.',
  },
  {
    id: 'runc-cve-2024-21626',
    name: 'runc CVE-2024-21626 (Leaky Vessels): leaked host cgroup fd as working directory',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-21626', 'https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv'],
    preconditions: { all: [{ fact: 'version-below', component: 'runc', fixed: '1.1.12' }, NOT_SANDBOXED] },
    impact: 'Host filesystem access from a malicious image or exec working directory (/proc/self/fd/N).',
    severity: 'high',
    fix: 'Upgrade runc to 1.1.12 or later (containerd ≥ 1.6.28/1.7.13, Docker ≥ 25.0.2).',
  },
  {
    id: 'kernel-syscall-exploits',
    name: 'Kernel exploits through syscalls RuntimeDefault seccomp blocks (unshare(CLONE_NEWUSER), keyctl, bpf, userfaultfd…)',
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2022-0185',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-32233',
      'https://nvd.nist.gov/vuln/detail/CVE-2021-22555',
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
    ],
    preconditions: { all: [{ any: [{ fact: 'seccomp', modes: ['Unconfined'] }, cap('SYS_ADMIN')] }, NOT_SANDBOXED] },
    impact: 'A kernel bug reachable only through these syscalls gives root on the host.',
    severity: 'high',
    fix: 'Set seccompProfile.type: RuntimeDefault.',
  },
  {
    id: 'host-network-node-access',
    name: 'hostNetwork: kubelet, node-local services and cloud metadata in reach',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/#restricting-cloud-metadata-api-access',
    ],
    preconditions: { fact: 'host-namespace', namespace: 'network' },
    impact: 'Node credentials from the cloud metadata service, kubelet and loopback services, traffic sniffing; NetworkPolicy does not apply.',
    severity: 'high',
    fix: 'Remove hostNetwork: true.',
  },
  {
    id: 'host-pid-processes',
    name: 'hostPID: see and signal every process on the node',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
    preconditions: { all: [{ fact: 'host-namespace', namespace: 'pid' }, { fact: 'root' }] },
    impact: 'Secrets in host process arguments and environments, killing node daemons.',
    severity: 'medium',
    fix: 'Remove hostPID: true.',
  },
  {
    id: 'token-create-privileged-pod',
    name: 'Mounted service-account token can create pods (or gain that right): privileged pod → node takeover',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    preconditions: {
      fact: 'token-power',
      powers: ['cluster-admin', 'create-pods', 'create-workloads', 'nodes-proxy', 'escalate', 'bind', 'impersonate', 'create-tokens'],
    },
    impact: 'An intruder in this container creates a privileged pod with hostPath / and owns the node (or the cluster).',
    severity: 'critical',
    fix: 'Set automountServiceAccountToken: false, or remove the grant from the service account.',
  },
  {
    id: 'token-read-secrets',
    name: 'Mounted service-account token can read secrets or exec into pods',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
    preconditions: { fact: 'token-power', powers: ['read-secrets', 'exec-pods'] },
    impact: 'Lateral movement to every workload whose secrets or shells are in reach.',
    severity: 'high',
    fix: 'Set automountServiceAccountToken: false, or remove the grant from the service account.',
  },
  {
    id: 'net-raw-spoofing',
    name: 'CAP_NET_RAW: spoof ARP/DNS towards pods on the node (and CVE-2020-14386)',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2020-14386', 'https://blog.aquasec.com/dns-spoofing-kubernetes-clusters'],
    preconditions: { all: [cap('NET_RAW'), NOT_SANDBOXED] },
    impact: 'Traffic interception on the node’s pod network; a kernel bug reachable through raw sockets.',
    severity: 'low',
    fix: 'Drop NET_RAW (capabilities.drop: ["ALL"]).',
  },
];

function mentions(c: Condition, test: (f: Extract<Condition, { fact: string }>) => boolean): boolean {
  if ('all' in c) return c.all.some((x) => mentions(x, test));
  if ('any' in c) return c.any.some((x) => mentions(x, test));
  if ('not' in c) return mentions(c.not, test);
  return test(c);
}

/** Ids of techniques that hinge on a runtime or kernel version. */
export const VERSION_DEPENDENT_TECHNIQUES: ReadonlySet<string> = new Set(
  BREAKOUT_CATALOG.filter((t) => mentions(t.preconditions, (f) => f.fact === 'version-below' || f.fact === 'kernel-cve')).map((t) => t.id),
);
