import type { RuntimeComponent } from '../facts.js';
import type { AffectedRange } from '../../kernel-catalog/versions.js';

/**
 * Container-runtime bugs that break isolation, as data: affected upstream ranges per component,
 * [introduced, fixed). Distribution packages (Debian's `runc 1.1.5+ds1-1+deb12u1`) may carry a
 * backported fix under the old upstream version: a match on one is "possibly affected".
 *
 * Dated table: review when runtimes publish advisories. Sources: the GitHub security advisories
 * of opencontainers/runc, containers/crun, containerd/containerd, cri-o/cri-o and moby/moby, NVD,
 * and the write-ups listed per entry.
 */
export const RUNTIME_CATALOG_DATE = '2026-12-01';

export interface RuntimeCve {
  readonly id: string;
  readonly component: RuntimeComponent;
  readonly name: string;
  readonly impact: string;
  readonly severity: 'critical' | 'high' | 'medium';
  readonly affected: readonly AffectedRange[];
  readonly fix: string;
  readonly references: readonly string[];
}

const RUNC_2025 = [{ fixed: '1.2.8' }, { introduced: '1.3.0', fixed: '1.3.3' }, { introduced: '1.4.0-rc.1', fixed: '1.4.0-rc.3' }] as const;

export const RUNTIME_CVES: readonly RuntimeCve[] = [
  {
    id: 'CVE-2019-5736',
    component: 'runc',
    name: 'runc binary overwritten through /proc/self/exe',
    impact: 'A malicious image or a compromised container running as root overwrites the host runc binary: root on the host at the next exec.',
    severity: 'critical',
    affected: [{ fixed: '1.0.0-rc.7' }],
    fix: 'Upgrade runc to 1.0.0-rc7 or later (Docker ≥ 18.09.2).',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-5736', 'https://github.com/opencontainers/runc/commit/0a8e4117e7f715d5fbeef398405813ce8e88558b'],
  },
  {
    id: 'CVE-2019-5736',
    component: 'docker-engine',
    name: 'Docker Engine before 18.09.2 ships a runc that can be overwritten through /proc/self/exe',
    impact: 'Root on the host from a malicious image or a compromised root container.',
    severity: 'critical',
    affected: [{ fixed: '18.09.2' }],
    fix: 'Upgrade Docker Engine to 18.09.2 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-5736', 'https://docs.docker.com/engine/release-notes/18.09/#18092'],
  },
  {
    id: 'CVE-2021-30465',
    component: 'runc',
    name: 'runc mount destinations swapped for symlinks (race)',
    impact: 'A pod with several volumes mounts a host directory into the container: host file-system access.',
    severity: 'high',
    affected: [{ fixed: '1.0.0-rc.95' }],
    fix: 'Upgrade runc to 1.0.0-rc95 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-30465', 'https://github.com/opencontainers/runc/security/advisories/GHSA-c3xm-pvg7-gh7r'],
  },
  {
    id: 'CVE-2024-21626',
    component: 'runc',
    name: 'Leaky Vessels: leaked host file descriptor as the working directory',
    impact: 'An image (WORKDIR /proc/self/fd/N) or `exec --workdir` reaches the host file system: container escape.',
    severity: 'high',
    affected: [{ introduced: '1.0.0-rc.93', fixed: '1.1.12' }],
    fix: 'Upgrade runc to 1.1.12 or later (containerd.io ≥ 1.6.28, Docker ≥ 25.0.2).',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-21626', 'https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv'],
  },
  {
    id: 'CVE-2025-31133',
    component: 'runc',
    name: 'maskedPaths bind mount of /dev/null replaced by a symlink',
    impact: 'A malicious image gets write access to procfs files such as /proc/sys/kernel/core_pattern: container escape.',
    severity: 'high',
    affected: RUNC_2025,
    fix: 'Upgrade runc to 1.2.8, 1.3.3 or 1.4.0-rc.3 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2025-31133', 'https://github.com/opencontainers/runc/security/advisories/GHSA-9493-h29p-rfm2'],
  },
  {
    id: 'CVE-2025-52565',
    component: 'runc',
    name: '/dev/console bind mount redirected by a symlink race',
    impact: 'Write access to protected procfs files from a malicious image: container escape.',
    severity: 'high',
    affected: [{ introduced: '1.0.0-rc.3', fixed: '1.2.8' }, ...RUNC_2025.slice(1)],
    fix: 'Upgrade runc to 1.2.8, 1.3.3 or 1.4.0-rc.3 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2025-52565', 'https://github.com/opencontainers/runc/security/advisories/GHSA-qw9x-cqr3-wc7r'],
  },
  {
    id: 'CVE-2025-52881',
    component: 'runc',
    name: 'LSM label and procfs writes redirected through shared mounts',
    impact: 'Writes meant for /proc/self/attr land on other procfs files (core_pattern, sysrq-trigger): container escape or host denial of service.',
    severity: 'high',
    affected: RUNC_2025,
    fix: 'Upgrade runc to 1.2.8, 1.3.3 or 1.4.0-rc.3 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2025-52881', 'https://github.com/opencontainers/runc/security/advisories/GHSA-cgrx-mc8f-2prm'],
  },
  {
    id: 'CVE-2022-27650',
    component: 'crun',
    name: 'crun grants non-empty inheritable capabilities',
    impact: 'Programs with file capabilities in the image raise their privileges inside the container.',
    severity: 'medium',
    affected: [{ fixed: '1.4.4' }],
    fix: 'Upgrade crun to 1.4.4 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-27650'],
  },
  {
    id: 'CVE-2020-15257',
    component: 'containerd',
    name: 'containerd-shim API reachable from host-network containers (abstract socket)',
    impact: 'A container with hostNetwork talks to the shim API and starts processes as root on the host.',
    severity: 'high',
    affected: [{ fixed: '1.3.9' }, { introduced: '1.4.0', fixed: '1.4.3' }],
    fix: 'Upgrade containerd to 1.3.9, 1.4.3 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2020-15257', 'https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4'],
  },
  {
    id: 'CVE-2022-23648',
    component: 'containerd',
    name: 'CRI plugin copies host files into containers through image volume paths',
    impact: 'A malicious image reads arbitrary host files (kubelet credentials) into the container.',
    severity: 'high',
    affected: [{ fixed: '1.4.13' }, { introduced: '1.5.0', fixed: '1.5.10' }, { introduced: '1.6.0', fixed: '1.6.1' }],
    fix: 'Upgrade containerd to 1.4.13, 1.5.10, 1.6.1 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-23648', 'https://github.com/containerd/containerd/security/advisories/GHSA-crp2-qrr5-8pq7'],
  },
  {
    id: 'CVE-2022-0811',
    component: 'cri-o',
    name: 'cr8escape: kernel sysctls through the pod sysctl "+" separator',
    impact: 'Anyone who can create pods sets kernel.core_pattern: root on the node.',
    severity: 'high',
    affected: [
      { introduced: '1.19.0', fixed: '1.19.6' },
      { introduced: '1.20.0', fixed: '1.20.7' },
      { introduced: '1.21.0', fixed: '1.21.6' },
      { introduced: '1.22.0', fixed: '1.22.3' },
      { introduced: '1.23.0', fixed: '1.23.2' },
    ],
    fix: 'Upgrade CRI-O to 1.19.6, 1.20.7, 1.21.6, 1.22.3, 1.23.2 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2022-0811', 'https://www.crowdstrike.com/blog/cr8escape-new-vulnerability-discovered-in-cri-o-container-engine-cve-2022-0811/'],
  },
  {
    id: 'CVE-2019-14271',
    component: 'docker-engine',
    name: '`docker cp` loads libraries from the container (nsswitch) as root on the host',
    impact: 'A malicious image runs code as root on the host when someone copies files out of it.',
    severity: 'high',
    affected: [{ introduced: '19.03.0', fixed: '19.03.1' }],
    fix: 'Upgrade Docker Engine to 19.03.1 or later.',
    references: ['https://nvd.nist.gov/vuln/detail/CVE-2019-14271'],
  },
];
