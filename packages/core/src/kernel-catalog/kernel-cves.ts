import type { AffectedRange } from './versions.js';

/**
 * Linux kernel bugs that take a container (or an unprivileged user) to root on the host, as data.
 * Ranges are upstream versions per stable branch, [introduced, fixed): a stable branch without its
 * own fix is covered by the range up to the next branch that has one (end-of-life branches never
 * got the fix). Distribution kernels (`-generic`, `-amd64`, `.el9`) backport fixes without
 * changing the upstream version, so a match on one is "possibly affected", never certain.
 *
 * Where a long-term branch's backport could not be confirmed, the branch stays inside the
 * affected range (fail closed: a false "affected" beats a false "fixed").
 *
 * Dated table: review when new bugs of this class are published. Sources: the NVD entries and
 * their change history, the kernel.org stable changelogs (cdn.kernel.org/pub/linux/kernel/v*.x/
 * ChangeLog-*), the distribution trackers (security-tracker.debian.org, ubuntu.com/security,
 * access.redhat.com/security/cve) and the write-ups listed per entry.
 */
export const KERNEL_CATALOG_DATE = '2026-12-01';

export interface KernelCve {
  readonly id: string;
  readonly name: string;
  /** What an attacker gets, and from where. */
  readonly impact: string;
  readonly severity: 'critical' | 'high' | 'medium';
  readonly affected: readonly AffectedRange[];
  /** The exploit from inside a container needs to create a user namespace (unshare(CLONE_NEWUSER)). */
  readonly needsUnprivilegedUserns: boolean;
  /** Mitigations that hold even on an affected kernel. */
  readonly mitigations: readonly string[];
  readonly references: readonly string[];
}

export const KERNEL_CVES: readonly KernelCve[] = [
  {
    id: 'CVE-2016-5195',
    name: 'Dirty COW: copy-on-write race writes read-only memory mappings',
    impact: 'Any local user (or container process) overwrites read-only files such as setuid binaries or the vDSO: root on the host.',
    severity: 'critical',
    // Fixed in 4.4.26, 4.7.9 and 4.8.3 (NVD). Older long-term branches are kept inside the first
    // range on purpose: their backports are not confirmed here, and a false "affected" on a
    // kernel that old beats a false "fixed".
    affected: [
      { introduced: '2.6.22', fixed: '4.4.26' },
      { introduced: '4.5', fixed: '4.7.9' },
      { introduced: '4.8', fixed: '4.8.3' },
    ],
    needsUnprivilegedUserns: false,
    mitigations: [],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2016-5195', 'https://dirtycow.ninja/', 'https://git.kernel.org/linus/19be0eaffa3ac7d8eb6784ad9bdbc7d67ed8e619'],
  },
  {
    id: 'CVE-2022-0847',
    name: 'Dirty Pipe: pipe buffer flags let unprivileged writes reach the page cache',
    impact: 'Overwrite any readable file (host binaries shared through image layers, /etc/passwd, runc): root on the host.',
    severity: 'critical',
    affected: [
      { introduced: '5.8', fixed: '5.10.102' },
      { introduced: '5.11', fixed: '5.15.25' },
      { introduced: '5.16', fixed: '5.16.11' },
    ],
    needsUnprivilegedUserns: false,
    mitigations: [],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-0847', 'https://dirtypipe.cm4all.com/'],
  },
  {
    id: 'CVE-2022-0185',
    name: 'fs_context legacy_parse_param heap overflow',
    impact: 'A process with CAP_SYS_ADMIN in a user namespace overflows kernel heap memory: container escape to root.',
    severity: 'high',
    affected: [
      { introduced: '5.1', fixed: '5.4.173' },
      { introduced: '5.5', fixed: '5.10.93' },
      { introduced: '5.11', fixed: '5.15.16' },
      { introduced: '5.16', fixed: '5.16.2' },
    ],
    needsUnprivilegedUserns: true,
    mitigations: ['seccomp RuntimeDefault blocks unshare(CLONE_NEWUSER) in containers', 'kernel.unprivileged_userns_clone=0 or user.max_user_namespaces=0'],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-0185', 'https://www.willsroot.io/2022/01/cve-2022-0185.html'],
  },
  {
    id: 'CVE-2022-0492',
    name: 'cgroup v1 release_agent writable without CAP_SYS_ADMIN in the initial namespace',
    impact: 'A container process mounts cgroup v1 in a new user namespace and sets release_agent: commands run as root on the host.',
    severity: 'high',
    affected: [
      { introduced: '2.6.24', fixed: '4.9.301' },
      { introduced: '4.10', fixed: '4.14.266' },
      { introduced: '4.15', fixed: '4.19.229' },
      { introduced: '4.20', fixed: '5.4.177' },
      { introduced: '5.5', fixed: '5.10.97' },
      { introduced: '5.11', fixed: '5.15.20' },
      { introduced: '5.16', fixed: '5.16.6' },
    ],
    needsUnprivilegedUserns: true,
    mitigations: ['cgroup v2 only (no release_agent)', 'seccomp RuntimeDefault, AppArmor or SELinux confinement'],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-0492', 'https://unit42.paloaltonetworks.com/cve-2022-0492-cgroups/'],
  },
  {
    id: 'CVE-2021-22555',
    name: 'netfilter x_tables heap out-of-bounds write',
    impact: 'A process with CAP_NET_ADMIN in a user namespace corrupts kernel memory: escape from a Kubernetes pod demonstrated.',
    severity: 'high',
    affected: [
      { introduced: '2.6.19', fixed: '4.4.274' },
      { introduced: '4.5', fixed: '4.9.274' },
      { introduced: '4.10', fixed: '4.14.238' },
      { introduced: '4.15', fixed: '4.19.196' },
      { introduced: '4.20', fixed: '5.4.128' },
      { introduced: '5.5', fixed: '5.10.46' },
      { introduced: '5.11', fixed: '5.12.13' },
    ],
    needsUnprivilegedUserns: true,
    mitigations: ['seccomp RuntimeDefault', 'kernel.unprivileged_userns_clone=0 or user.max_user_namespaces=0'],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-22555', 'https://google.github.io/security-research/pocs/linux/cve-2021-22555/writeup.html'],
  },
  {
    id: 'CVE-2023-0386',
    name: 'overlayfs copy-up keeps setuid files from a nosuid mount',
    impact: 'A setuid file copied up from a FUSE mount in a user namespace runs as root on the host.',
    severity: 'high',
    // NVD: 5.11 up to 6.1.9; the 5.15 backport is not confirmed here, so 5.15 stays in the range.
    affected: [{ introduced: '5.11', fixed: '6.1.9' }],
    needsUnprivilegedUserns: true,
    mitigations: ['kernel.unprivileged_userns_clone=0 or user.max_user_namespaces=0'],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2023-0386', 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog'],
  },
  {
    id: 'CVE-2024-1086',
    name: 'nf_tables nft_verdict_init use-after-free (double free)',
    impact: 'A process with CAP_NET_ADMIN in a user namespace gets root on the host; public exploit, in CISA KEV.',
    severity: 'high',
    affected: [
      // 4.19 is kept inside the first range: its backport is not confirmed here.
      { introduced: '3.15', fixed: '5.4.269' },
      { introduced: '5.5', fixed: '5.10.209' },
      { introduced: '5.11', fixed: '5.15.149' },
      { introduced: '5.16', fixed: '6.1.76' },
      { introduced: '6.2', fixed: '6.6.15' },
      { introduced: '6.7', fixed: '6.7.3' },
    ],
    needsUnprivilegedUserns: true,
    mitigations: ['seccomp RuntimeDefault', 'kernel.unprivileged_userns_clone=0 or user.max_user_namespaces=0', 'blacklist the nf_tables module where unused'],
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-1086', 'https://github.com/Notselwyn/CVE-2024-1086'],
  },
];
