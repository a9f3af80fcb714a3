import type { Severity } from '@sekisho/model';
import type { HostAuditContext } from './context.js';
import type { HostFactsDocument } from './facts.js';

/** The sysctls the audit reads (dotted names; the file is /proc/sys with dots as slashes). */
export const AUDITED_SYSCTLS = [
  'kernel.unprivileged_userns_clone',
  'user.max_user_namespaces',
  'kernel.apparmor_restrict_unprivileged_userns',
  'kernel.unprivileged_bpf_disabled',
  'kernel.yama.ptrace_scope',
  'kernel.kptr_restrict',
  'kernel.dmesg_restrict',
  'fs.protected_symlinks',
  'fs.protected_hardlinks',
  'fs.protected_fifos',
  'fs.protected_regular',
  'fs.suid_dumpable',
  'net.ipv4.ip_forward',
] as const;

export const sysctlPath = (name: string): string => `/proc/sys/${name.replaceAll('.', '/')}`;

export type KernelSettings = Pick<HostFactsDocument, 'sysctls' | 'lsms' | 'appArmorEnabled' | 'selinux' | 'seccompSupported' | 'cgroupVersion' | 'userNamespaces'>;

export async function collectKernelSettings(ctx: HostAuditContext, kernelRelease: string | null): Promise<KernelSettings> {
  const procSys = await ctx.root.stat('/proc/sys');
  const haveProcSys = procSys !== null && !('unreadable' in procSys) && procSys.kind === 'directory';
  const sysctls: Record<string, string> = {};
  if (haveProcSys) {
    for (const name of AUDITED_SYSCTLS) {
      const v = await ctx.value(sysctlPath(name));
      if (v !== null) sysctls[name] = v.slice(0, 256);
    }
  } else {
    ctx.notJudged('sysctl', '/proc/sys is not present under the root: kernel settings were not read', 'mount the host /proc under the root');
  }

  const sysfs = await ctx.root.stat('/sys/kernel');
  const haveSys = sysfs !== null && !('unreadable' in sysfs) && sysfs.kind === 'directory';
  const lsmText = await ctx.value('/sys/kernel/security/lsm');
  const lsms =
    lsmText === null
      ? null
      : lsmText
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .slice(0, 32);

  const aaParam = await ctx.value('/sys/module/apparmor/parameters/enabled');
  let appArmorEnabled: boolean | null;
  if (aaParam !== null) appArmorEnabled = aaParam.toUpperCase().startsWith('Y');
  else if (lsms !== null) appArmorEnabled = lsms.includes('apparmor');
  else appArmorEnabled = haveSys ? false : null;
  if (appArmorEnabled === true && lsms !== null && !lsms.includes('apparmor')) appArmorEnabled = false;

  const enforce = await ctx.value('/sys/fs/selinux/enforce');
  let selinux: HostFactsDocument['selinux'];
  if (enforce !== null) selinux = enforce === '1' ? 'enforcing' : 'permissive';
  else if (lsms !== null) selinux = lsms.includes('selinux') ? null : 'disabled';
  else selinux = haveSys ? 'disabled' : null;

  let seccompSupported: boolean | null = null;
  const actions = await ctx.root.stat('/proc/sys/kernel/seccomp/actions_avail');
  if (actions !== null && !('unreadable' in actions)) seccompSupported = true;
  else if (kernelRelease !== null) {
    const config = await ctx.text(`/boot/config-${kernelRelease}`, 4 * 1024 * 1024);
    if (config !== null) seccompSupported = /^CONFIG_SECCOMP_FILTER=y$/m.test(config);
  }
  if (seccompSupported === null && ctx.root.isLive) {
    const status = await ctx.text('/proc/self/status', 64 * 1024);
    if (status !== null && /^Seccomp:\s*\d/m.test(status)) seccompSupported = true;
  }

  let cgroupVersion: 1 | 2 | null = null;
  const controllers = await ctx.root.stat('/sys/fs/cgroup/cgroup.controllers');
  if (controllers !== null && !('unreadable' in controllers)) cgroupVersion = 2;
  else {
    const entries = await ctx.root.list('/sys/fs/cgroup');
    // v1 (and the hybrid layout, where containers still get v1 controllers) mounts one hierarchy per controller.
    if (Array.isArray(entries) && entries.some((e) => ['memory', 'cpu', 'cpuacct', 'pids', 'devices', 'blkio', 'freezer'].includes(e))) cgroupVersion = 1;
  }

  const maxNs = sysctls['user.max_user_namespaces'];
  const supported = maxNs === undefined ? null : Number(maxNs) > 0;
  let unprivileged: boolean | null = null;
  if (supported === false) unprivileged = false;
  else if (supported === true) {
    if (sysctls['kernel.unprivileged_userns_clone'] === '0') unprivileged = false;
    else if (sysctls['kernel.apparmor_restrict_unprivileged_userns'] === '1' && appArmorEnabled === true) unprivileged = false;
    else unprivileged = true;
  }
  return { sysctls, lsms, appArmorEnabled, selinux, seccompSupported, cgroupVersion, userNamespaces: { supported, unprivileged } };
}

interface SysctlRule {
  readonly name: (typeof AUDITED_SYSCTLS)[number];
  readonly bad: (value: string) => boolean;
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly want: string;
}

const SYSCTL_RULES: readonly SysctlRule[] = [
  {
    name: 'kernel.unprivileged_bpf_disabled',
    bad: (v) => v === '0',
    severity: 'medium',
    title: 'Unprivileged BPF is allowed',
    why: 'Any process may load BPF programs: a large kernel attack surface with a history of privilege-escalation bugs.',
    want: '2',
  },
  {
    name: 'kernel.yama.ptrace_scope',
    bad: (v) => v === '0',
    severity: 'low',
    title: 'Yama ptrace_scope is 0',
    why: 'Any process may ptrace other processes of the same user (credential theft from running programs).',
    want: '1',
  },
  {
    name: 'kernel.kptr_restrict',
    bad: (v) => v === '0',
    severity: 'low',
    title: 'Kernel pointers are visible (kptr_restrict = 0)',
    why: 'Kernel addresses in /proc help exploits defeat KASLR.',
    want: '1',
  },
  {
    name: 'kernel.dmesg_restrict',
    bad: (v) => v === '0',
    severity: 'low',
    title: 'Unprivileged users can read the kernel log (dmesg_restrict = 0)',
    why: 'The kernel log leaks addresses and hardware details exploits use.',
    want: '1',
  },
  {
    name: 'fs.protected_symlinks',
    bad: (v) => v === '0',
    severity: 'medium',
    title: 'Symlink protection is off',
    why: 'Symlink races in sticky world-writable directories (/tmp) are exploitable.',
    want: '1',
  },
  {
    name: 'fs.protected_hardlinks',
    bad: (v) => v === '0',
    severity: 'medium',
    title: 'Hardlink protection is off',
    why: 'Users can hard-link files they do not own (setuid binaries, config files).',
    want: '1',
  },
  { name: 'fs.protected_fifos', bad: (v) => v === '0', severity: 'low', title: 'FIFO protection is off', why: 'Writes to attacker-owned FIFOs in sticky directories are allowed.', want: '1' },
  {
    name: 'fs.protected_regular',
    bad: (v) => v === '0',
    severity: 'low',
    title: 'Protection of regular files in sticky directories is off',
    why: 'O_CREAT opens of attacker-owned files in /tmp are allowed.',
    want: '2',
  },
  {
    name: 'fs.suid_dumpable',
    bad: (v) => v === '1',
    severity: 'medium',
    title: 'setuid programs dump core (suid_dumpable = 1)',
    why: 'Core dumps of privileged programs are readable by the user who crashed them.',
    want: '0',
  },
];

export function checkKernelSettings(ctx: HostAuditContext, s: KernelSettings, containerNetworking: boolean): void {
  for (const rule of SYSCTL_RULES) {
    const v = s.sysctls[rule.name];
    if (v === undefined || !rule.bad(v)) continue;
    ctx.add({
      ruleId: `host-sysctl-${rule.name}`,
      title: rule.title,
      severity: rule.severity,
      description: rule.why,
      file: sysctlPath(rule.name),
      key: rule.name,
      value: v,
      fix: `sysctl -w ${rule.name}=${rule.want} and persist it in /etc/sysctl.d/.`,
    });
  }
  const forward = s.sysctls['net.ipv4.ip_forward'];
  if (forward === '1' && !containerNetworking) {
    ctx.add({
      ruleId: 'host-sysctl-net.ipv4.ip_forward',
      title: 'IP forwarding is on, and no container runtime here needs it',
      severity: 'low',
      description:
        'The host routes packets between its interfaces. Docker and Kubernetes nodes need forwarding (kube-proxy and CNI plugins require net.ipv4.ip_forward=1), but neither was found on this host.',
      file: sysctlPath('net.ipv4.ip_forward'),
      key: 'net.ipv4.ip_forward',
      value: forward,
      fix: 'sysctl -w net.ipv4.ip_forward=0 unless the host is a router or a container host.',
    });
  }
  if (s.userNamespaces.unprivileged === true) {
    ctx.add({
      ruleId: 'host-unprivileged-userns',
      title: 'Unprivileged user namespaces are allowed',
      severity: 'low',
      description:
        'Any process (a container process whose seccomp profile allows unshare) can create a user namespace and reach kernel code that needs CAP_SYS_ADMIN or CAP_NET_ADMIN there: the entry point of most recent kernel escapes (CVE-2022-0185, CVE-2024-1086). Rootless containers and pods with hostUsers: false need it; keep seccomp RuntimeDefault on every workload otherwise.',
      file: sysctlPath('user.max_user_namespaces'),
      key: 'user.max_user_namespaces',
      value: s.sysctls['user.max_user_namespaces'] ?? '?',
      fix: 'Where no rootless containers or user-namespaced pods run: kernel.unprivileged_userns_clone=0 (Debian/Ubuntu) or kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu ≥ 23.10).',
    });
  }
  const confined = s.appArmorEnabled === true || s.selinux === 'enforcing';
  if (!confined && s.appArmorEnabled === false && (s.selinux === 'disabled' || s.selinux === 'permissive')) {
    ctx.add({
      ruleId: 'host-no-mac',
      title: 'Neither AppArmor nor SELinux confines containers on this host',
      severity: 'medium',
      description: `No mandatory access control: containers run without the runtime's AppArmor/SELinux profile whatever their manifests say, so breakout paths that MAC closes (release_agent, ptrace of host processes) stay open. LSMs: ${s.lsms?.join(',') ?? 'unknown'}; SELinux: ${s.selinux}.`,
      file: s.lsms === null ? '/sys/module/apparmor' : '/sys/kernel/security/lsm',
      key: 'lsm',
      value: s.lsms?.join(',') ?? 'apparmor absent',
      fix: 'Enable AppArmor (apparmor=1 security=apparmor on the kernel command line) or SELinux in enforcing mode.',
    });
  } else if (!confined) {
    ctx.notJudged('lsm', `AppArmor (${s.appArmorEnabled === null ? 'unknown' : 'off'}) and SELinux (${s.selinux ?? 'unknown'}) status could not both be read`, 'mount the host /sys under the root');
  }
  if (s.selinux === 'permissive' && s.appArmorEnabled !== true) {
    ctx.add({
      ruleId: 'host-selinux-permissive',
      title: 'SELinux is permissive',
      severity: 'medium',
      description: 'SELinux logs but does not block: container labels (container_t) confine nothing.',
      file: '/sys/fs/selinux/enforce',
      key: 'enforce',
      value: '0',
      fix: 'setenforce 1 and SELINUX=enforcing in /etc/selinux/config.',
    });
  }
  if (s.seccompSupported === false) {
    ctx.add({
      ruleId: 'host-no-seccomp',
      title: 'The kernel has no seccomp filter support',
      severity: 'high',
      description: 'RuntimeDefault seccomp profiles cannot be applied: every syscall, unshare and keyctl included, is open to containers.',
      file: '/boot',
      key: 'CONFIG_SECCOMP_FILTER',
      value: 'not set',
      fix: 'Boot a kernel built with CONFIG_SECCOMP_FILTER=y.',
    });
  } else if (s.seccompSupported === null) {
    ctx.notJudged('seccomp', 'seccomp support could not be read (no /proc/sys/kernel/seccomp, no /boot/config of the running kernel)');
  }
  if (s.cgroupVersion === 1) {
    ctx.add({
      ruleId: 'host-cgroup-v1',
      title: 'Containers get cgroup v1 (legacy or hybrid hierarchy)',
      severity: 'low',
      description: 'cgroup v1 has release_agent (the cgroup escapes, CVE-2022-0492) and weaker delegation; Kubernetes keeps v1 in maintenance only (1.31+) and runtimes are dropping it.',
      file: '/sys/fs/cgroup',
      key: 'cgroup.controllers',
      value: 'absent',
      fix: 'Boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1), the default of current distributions.',
    });
  } else if (s.cgroupVersion === null) {
    ctx.notJudged('cgroup', 'the cgroup version could not be read (no /sys/fs/cgroup under the root)');
  }
}
