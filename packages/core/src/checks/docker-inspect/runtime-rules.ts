/**
 * Rules over how Docker runs a container, shared by Compose services and `docker inspect` output
 * (same ids for both, so a finding in compose.yaml and on the running container line up).
 * Peer checks with the same intent: KICS dockerCompose queries, docker-bench-security section 5,
 * Trivy/Checkov for Kubernetes equivalents; the logic here is Sekisho's own.
 */
import type { Severity } from '@sekisho/model';
import { normalizeCapability } from '../isolation/profile.js';
import type { CheckResult, ConfigCheck } from '../types.js';
import { hostMountsOf, parseSecurityOptions, runsAsRoot, type DockerRunSettings } from './run-settings.js';

export type DockerRuntimeCheck = ConfigCheck<DockerRunSettings>;

interface RuleSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly why: string;
  readonly fix: string;
  readonly references?: readonly string[];
  readonly evaluate: (s: DockerRunSettings) => Array<Omit<CheckResult, 'message'> & { readonly what: string }>;
}

function rule(spec: RuleSpec): DockerRuntimeCheck {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    appliesTo: ['compose', 'docker-inspect'],
    version: 1,
    fix: spec.fix,
    references: spec.references ?? [],
    evaluate: (s) => spec.evaluate(s).map(({ what, ...r }) => ({ ...r, message: `${what}. ${spec.why}` })),
  };
}

/** Capabilities that open a known path out of the container, and why. */
const DANGEROUS_CAPS: Readonly<Record<string, string>> = {
  ALL: 'every capability',
  SYS_ADMIN: 'mount, cgroup release_agent and namespace escapes',
  SYS_MODULE: 'loading kernel modules',
  SYS_PTRACE: 'injecting into other processes (with host PID: host processes)',
  DAC_READ_SEARCH: 'open_by_handle_at file-handle escapes ("shocker")',
  DAC_OVERRIDE: 'ignoring file permissions',
  SYS_RAWIO: 'raw I/O ports and /dev/mem',
  SYS_BOOT: 'rebooting the host',
  SYS_TIME: 'setting the host clock',
  NET_ADMIN: 'reconfiguring host networking (with host network)',
  BPF: 'loading eBPF programs',
  PERFMON: 'kernel performance monitoring',
  MAC_ADMIN: 'changing LSM policy',
  MAC_OVERRIDE: 'bypassing LSM policy',
  SYSLOG: 'reading kernel addresses from the kernel log',
  SETFCAP: 'granting file capabilities',
};
const CRITICAL_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_RAWIO']);

/** Well-known admin and data-store ports: publishing them on every interface is worse. */
const SENSITIVE_PORTS = new Set([22, 23, 2375, 2376, 2379, 3306, 5432, 5984, 6379, 8500, 9200, 9300, 10250, 11211, 27017, 1433, 1521, 5601, 15672]);

export const DOCKER_RUNTIME_RULES: readonly DockerRuntimeCheck[] = [
  rule({
    id: 'docker-privileged',
    title: 'Container runs privileged',
    severity: 'critical',
    why: 'Privileged containers get every capability and every host device, with seccomp, AppArmor and the /proc masks off: root in the container is root on the host.',
    fix: 'Remove privileged mode; add only the capabilities (`cap_add`) or devices (`devices`) the workload needs.',
    references: ['https://docs.docker.com/reference/cli/docker/container/run/#privileged'],
    evaluate: (s) => (s.privileged?.value === true ? [{ fieldPath: s.privileged.path, what: `${s.name} runs with privileged: true` }] : []),
  }),
  rule({
    id: 'docker-dangerous-capability',
    title: 'Dangerous capability added',
    severity: 'high',
    why: 'Each of these capabilities is a known step out of the container.',
    fix: 'Remove the capability from cap_add; if one operation needs it, run that operation in a separate, short-lived container.',
    references: ['https://man7.org/linux/man-pages/man7/capabilities.7.html'],
    evaluate: (s) =>
      s.capAdd.flatMap((c) => {
        const cap = normalizeCapability(c.value);
        if (cap === null) return [];
        const why = DANGEROUS_CAPS[cap];
        if (why === undefined) return [];
        return [{ fieldPath: c.path, what: `${s.name} adds ${cap} (${why})`, severity: CRITICAL_CAPS.has(cap) ? 'critical' : 'high' }];
      }),
  }),
  rule({
    id: 'docker-capabilities-not-dropped',
    title: 'Default capabilities not dropped',
    severity: 'low',
    why: "Docker's default set keeps 14 capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD…) that most services never use.",
    fix: 'Drop all and add back what is needed: `cap_drop: [ALL]` (and e.g. `cap_add: [NET_BIND_SERVICE]`).',
    evaluate: (s) => {
      if (s.privileged?.value === true) return [];
      return s.capDrop.some((c) => normalizeCapability(c.value) === 'ALL') ? [] : [{ fieldPath: s.addAt.capDrop, what: `${s.name} does not drop ALL capabilities` }];
    },
  }),
  rule({
    id: 'docker-host-network',
    title: 'Host network namespace',
    severity: 'high',
    why: 'With the host network the container reaches every host-local service (Docker API on TCP, kubelet, cloud metadata at 169.254.169.254) and can bind any host port.',
    fix: 'Remove network_mode: host (--network host) and publish only the ports needed.',
    evaluate: (s) => (s.networkMode !== null && s.networkMode.value.toLowerCase() === 'host' ? [{ fieldPath: s.networkMode.path, what: `${s.name} shares the host network` }] : []),
  }),
  rule({
    id: 'docker-host-pid',
    title: 'Host PID namespace',
    severity: 'high',
    why: 'With the host PID namespace the container sees and can signal every host process, and with CAP_SYS_PTRACE inject into them.',
    fix: 'Remove pid: host (--pid host).',
    evaluate: (s) => (s.pidMode !== null && s.pidMode.value.toLowerCase() === 'host' ? [{ fieldPath: s.pidMode.path, what: `${s.name} shares the host PID namespace` }] : []),
  }),
  rule({
    id: 'docker-host-ipc',
    title: 'Host IPC namespace',
    severity: 'medium',
    why: 'With the host IPC namespace the container reads and writes host shared memory and message queues.',
    fix: 'Remove ipc: host (--ipc host); use `ipc: shareable` between containers that need it.',
    evaluate: (s) => (s.ipcMode !== null && s.ipcMode.value.toLowerCase() === 'host' ? [{ fieldPath: s.ipcMode.path, what: `${s.name} shares the host IPC namespace` }] : []),
  }),
  rule({
    id: 'docker-host-userns',
    title: 'User namespace remapping disabled',
    severity: 'medium',
    why: "userns_mode: host opts out of the daemon's user-namespace remapping: UID 0 in the container is UID 0 on the host again.",
    fix: 'Remove userns_mode: host (--userns host).',
    evaluate: (s) => (s.usernsMode !== null && s.usernsMode.value.toLowerCase() === 'host' ? [{ fieldPath: s.usernsMode.path, what: `${s.name} uses the host user namespace` }] : []),
  }),
  rule({
    id: 'docker-host-uts',
    title: 'Host UTS namespace',
    severity: 'low',
    why: 'With the host UTS namespace the container can change the host name.',
    fix: 'Remove uts: host (--uts host).',
    evaluate: (s) => (s.utsMode !== null && s.utsMode.value.toLowerCase() === 'host' ? [{ fieldPath: s.utsMode.path, what: `${s.name} shares the host UTS namespace` }] : []),
  }),
  rule({
    id: 'docker-socket-mount',
    title: 'Container runtime socket mounted',
    severity: 'critical',
    why: 'Whoever talks to the Docker/containerd/CRI-O socket can start a privileged container with the host root mounted: this is root on the host, read-only mount or not.',
    fix: 'Remove the socket mount; if the service must manage containers, put a filtering proxy (e.g. docker-socket-proxy with only the needed endpoints) in between.',
    references: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface'],
    evaluate: (s) =>
      hostMountsOf(s)
        .filter((m) => m.class === 'container-socket')
        .map((m) => ({ fieldPath: m.fieldPath, what: `${s.name} mounts ${m.hostPath}` })),
  }),
  rule({
    id: 'docker-sensitive-host-mount',
    title: 'Sensitive host path mounted',
    severity: 'high',
    why: 'Host system directories give a container a direct way to the host: writing /etc, cron or kubelet files, reading keys in /root, /proc and /sys kernel knobs (core_pattern), devices in /dev.',
    fix: 'Mount only the application directory it needs, read-only where possible; never /, /etc, /proc, /sys, /dev, /root or runtime state.',
    evaluate: (s) =>
      hostMountsOf(s)
        .filter((m) => m.class !== 'other' && m.class !== 'container-socket')
        .map((m) => ({
          fieldPath: m.fieldPath,
          what: `${s.name} mounts host ${m.hostPath}${m.readOnly ? ' read-only' : ' writable'} (${m.class})`,
          severity: m.class === 'host-root' && !m.readOnly ? 'critical' : m.readOnly && (m.class === 'log' || m.class === 'etc') ? 'medium' : 'high',
        })),
  }),
  rule({
    id: 'docker-seccomp-unconfined',
    title: 'Seccomp disabled',
    severity: 'high',
    why: "Docker's default seccomp profile blocks about 50 syscalls used by kernel exploits and escapes (unshare, keyctl, mount, bpf, userfaultfd…); unconfined lifts it.",
    fix: 'Remove seccomp:unconfined; if a syscall is missing, use a custom profile that adds only that syscall.',
    references: ['https://docs.docker.com/engine/security/seccomp/'],
    evaluate: (s) => {
      const sec = parseSecurityOptions(s.securityOpt).seccomp;
      return sec.mode === 'Unconfined' && sec.path !== null ? [{ fieldPath: sec.path, what: `${s.name} runs with seccomp unconfined` }] : [];
    },
  }),
  rule({
    id: 'docker-apparmor-unconfined',
    title: 'AppArmor disabled',
    severity: 'high',
    why: 'The docker-default AppArmor profile denies mount, writes to /proc/sys and /sys, and ptrace of other profiles; unconfined lifts it.',
    fix: 'Remove apparmor:unconfined, or use a custom profile that allows only what is needed.',
    references: ['https://docs.docker.com/engine/security/apparmor/'],
    evaluate: (s) => {
      const aa = parseSecurityOptions(s.securityOpt).appArmor;
      if (aa.mode === 'Unconfined' && aa.path !== null) return [{ fieldPath: aa.path, what: `${s.name} runs with AppArmor unconfined` }];
      if (s.privileged?.value !== true && s.appliedAppArmor !== null && s.appliedAppArmor.value === 'unconfined') {
        return [{ fieldPath: s.appliedAppArmor.path, what: `${s.name} runs with AppArmor unconfined` }];
      }
      return [];
    },
  }),
  rule({
    id: 'docker-selinux-disabled',
    title: 'SELinux separation disabled',
    severity: 'medium',
    why: 'label:disable (or type spc_t) turns off SELinux container separation on SELinux hosts.',
    fix: 'Remove label:disable; relabel volumes with `:z`/`:Z` instead.',
    evaluate: (s) => {
      const l = parseSecurityOptions(s.securityOpt).label;
      return (l.disabled || (l.type !== null && /^(spc_t|unconfined_t)$/.test(l.type))) && l.path !== null ? [{ fieldPath: l.path, what: `${s.name} disables SELinux labeling` }] : [];
    },
  }),
  rule({
    id: 'docker-systempaths-unconfined',
    title: '/proc and /sys masks lifted',
    severity: 'high',
    why: 'systempaths=unconfined unmasks /proc/kcore, /proc/sysrq-trigger, /sys/firmware and makes /proc/sys writable.',
    fix: 'Remove systempaths=unconfined.',
    evaluate: (s) => {
      const sp = parseSecurityOptions(s.securityOpt).systempathsUnconfined;
      return sp.value && sp.path !== null ? [{ fieldPath: sp.path, what: `${s.name} unmasks system paths` }] : [];
    },
  }),
  rule({
    id: 'docker-no-new-privileges',
    title: 'no-new-privileges not set',
    severity: 'low',
    why: 'Without no_new_privs a process can gain privileges through setuid/setgid binaries or file capabilities in the image.',
    fix: 'Add `security_opt: ["no-new-privileges:true"]` (--security-opt no-new-privileges).',
    evaluate: (s) =>
      s.privileged?.value === true || parseSecurityOptions(s.securityOpt).noNewPrivileges.value ? [] : [{ fieldPath: s.addAt.securityOpt, what: `${s.name} does not set no-new-privileges` }],
  }),
  rule({
    id: 'docker-port-all-interfaces',
    title: 'Port published on all interfaces',
    severity: 'low',
    why: 'Docker publishes on 0.0.0.0 by default and inserts its own firewall rules ahead of ufw/firewalld: the port is reachable from every network the host is on.',
    fix: 'Bind to the interface that needs it, e.g. `127.0.0.1:8080:80` (host_ip: 127.0.0.1), or put the service behind a reverse proxy.',
    references: ['https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
    evaluate: (s) =>
      s.ports
        .filter((p) => p.hostIp === '' || p.hostIp === '0.0.0.0' || p.hostIp === '::' || p.hostIp === '[::]')
        .map((p) => {
          const port = Number(p.containerPort.split('-')[0]);
          return {
            fieldPath: p.path,
            what: `${s.name} publishes ${p.hostPort ?? '(random port)'}→${p.containerPort}/${p.protocol} on all interfaces`,
            severity: SENSITIVE_PORTS.has(port) ? ('medium' as const) : ('low' as const),
          };
        }),
  }),
  rule({
    id: 'docker-root-user',
    title: 'Runs as root',
    severity: 'medium',
    why: 'UID 0 in the container is UID 0 on the host for any escape and for host mounts, unless the daemon remaps user namespaces.',
    fix: 'Set a non-root user: `user: "10001:10001"` (--user), or a USER in the image.',
    evaluate: (s) => {
      if (s.daemonUsernsRemap === true && (s.usernsMode === null || s.usernsMode.value !== 'host')) return [];
      const root = runsAsRoot(s);
      if (root === true && s.user !== null) return [{ fieldPath: s.user.path, what: `${s.name} runs as ${s.user.value}`, severity: 'high' }];
      // `docker inspect` shows the image's USER merged in: empty there means root for sure.
      if (root === true) return [{ fieldPath: s.addAt.user, what: `${s.name} runs as root (no user set in the container or its image)`, severity: 'high' }];
      if (root === null && s.user === null) return [{ fieldPath: s.addAt.user, what: `${s.name} sets no user; it runs as the image's USER, root for most images` }];
      return [];
    },
  }),
  rule({
    id: 'docker-writable-root-fs',
    title: 'Root filesystem is writable',
    severity: 'low',
    why: 'A writable root filesystem lets an intruder drop tools and persist changes to binaries and configuration.',
    fix: 'Set `read_only: true` (--read-only) and mount a tmpfs or volume for the paths that must be writable.',
    evaluate: (s) => (s.readOnly?.value === true ? [] : [{ fieldPath: s.readOnly?.path ?? s.addAt.readOnly, what: `${s.name} has a writable root filesystem` }]),
  }),
  rule({
    id: 'docker-no-memory-limit',
    title: 'No memory limit',
    severity: 'low',
    why: 'Without a memory limit one container can exhaust host memory and have the kernel kill other services.',
    fix: 'Set `mem_limit` or `deploy.resources.limits.memory` (--memory).',
    evaluate: (s) => (s.memory === null ? [{ fieldPath: s.addAt.memory, what: `${s.name} has no memory limit` }] : []),
  }),
  rule({
    id: 'docker-no-cpu-limit',
    title: 'No CPU limit',
    severity: 'low',
    why: 'Without a CPU limit one container can starve the others on the host.',
    fix: 'Set `cpus` or `deploy.resources.limits.cpus` (--cpus).',
    evaluate: (s) => (s.cpu === null ? [{ fieldPath: s.addAt.cpu, what: `${s.name} has no CPU limit` }] : []),
  }),
  rule({
    id: 'docker-no-pids-limit',
    title: 'No PIDs limit',
    severity: 'low',
    why: 'Without a PIDs limit a fork bomb in one container exhausts the host process table.',
    fix: 'Set `pids_limit` or `deploy.resources.limits.pids` (--pids-limit), e.g. 256.',
    evaluate: (s) => (s.pids === null ? [{ fieldPath: s.addAt.pids, what: `${s.name} has no PIDs limit` }] : []),
  }),
  rule({
    id: 'docker-host-device',
    title: 'Host device passed in',
    severity: 'medium',
    why: 'A host device node gives direct access to hardware; block devices (disks) let the container read and write the host filesystem.',
    fix: 'Remove the device unless the workload needs that hardware; never pass disks.',
    evaluate: (s) =>
      s.devices.map((d) => {
        const host = d.value.split(':')[0] ?? d.value;
        const disk = /^\/dev\/(sd|hd|vd|xvd|nvme|dm-|mapper|loop|md|mem|kmem|port)/.test(host);
        return { fieldPath: d.path, what: `${s.name} gets host device ${host}`, severity: disk ? ('critical' as const) : ('medium' as const) };
      }),
  }),
];
