import type { Severity } from '@sekisho/model';
import { SekishoError } from '../../../errors.js';

/** One image-hardening check as data: what it flags, why, the shortest fix and where it comes from. */
export interface ImageHardeningCheck {
  readonly id: string;
  readonly title: string;
  /** Default severity; a result may raise or lower it (e.g. per port). */
  readonly severity: Severity;
  /** Why it matters, in words a user can act on. */
  readonly why: string;
  readonly fix: string;
  readonly references: readonly string[];
}

const CIS = 'CIS Docker Benchmark v1.6.0';
const DOCKLE = 'https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md';
const BEST_PRACTICES = 'https://docs.docker.com/build/building/best-practices/';

export const IMAGE_HARDENING_CHECKS = [
  {
    id: 'SEK-IMG-001',
    title: 'Image runs as root',
    severity: 'high',
    why: 'A process running as root in the container is root on the host if it escapes, and can modify everything inside the image.',
    fix: 'Create an unprivileged user and end the Dockerfile with `USER <uid>:<gid>` (a numeric uid such as 10001).',
    references: [`${CIS} §4.1`, 'Dockle CIS-DI-0001', DOCKLE],
  },
  {
    id: 'SEK-IMG-002',
    title: 'Unusual setuid/setgid file',
    severity: 'medium',
    why: "A setuid/setgid file runs with its owner's or group's privileges; one that is not a standard system tool is a privilege-escalation path.",
    fix: 'Remove the file or its special bits in the Dockerfile: `RUN chmod u-s,g-s <path>`.',
    references: [`${CIS} §4.8`, 'Dockle CIS-DI-0008', DOCKLE],
  },
  {
    id: 'SEK-IMG-003',
    title: 'Setuid/setgid system binaries present',
    severity: 'low',
    why: 'Standard setuid/setgid tools (passwd, su, mount…) are rarely needed in a container and widen the privilege-escalation surface.',
    fix: 'Strip the bits if the application does not need them: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.',
    references: [`${CIS} §4.8`, 'Dockle CIS-DI-0008', DOCKLE],
  },
  {
    id: 'SEK-IMG-004',
    title: 'World-writable file or directory without sticky bit',
    severity: 'medium',
    why: 'Any user in the container can change a world-writable file, or replace files in a world-writable directory that lacks the sticky bit.',
    fix: 'Remove write permission for others (`RUN chmod o-w <path>`), or set the sticky bit on shared directories (`chmod +t`).',
    references: ['CIS Distribution Independent Linux Benchmark §6.1.10 (no world-writable files), §1.1.21 (sticky bit on world-writable directories)'],
  },
  {
    id: 'SEK-IMG-005',
    title: 'Device node in image',
    severity: 'low',
    why: 'Device nodes beyond the standard /dev set are not needed in an image; the runtime creates /dev, and a shipped block device can give raw disk access.',
    fix: 'Remove the device node from the image (`RUN rm <path>`), or build the root file system without `mknod`.',
    references: [],
  },
  {
    id: 'SEK-IMG-006',
    title: 'Password hashes in the image',
    severity: 'medium',
    why: 'Accounts with password hashes let anyone who pulls the image crack them offline, and allow password logins in every container.',
    fix: "Lock the accounts at build time: `RUN passwd -l <user>` (or `usermod -p '!' <user>`); use keys or the orchestrator for access.",
    references: [`${CIS} §4.10`, 'Dockle CIS-DI-0010', DOCKLE],
  },
  {
    id: 'SEK-IMG-007',
    title: 'Account with an empty password',
    severity: 'high',
    why: 'An empty password field lets anyone log in as that account without a password (the Alpine root-password flaw, CVE-2019-5021).',
    fix: 'Lock the account: `RUN passwd -l <user>`.',
    references: ['Dockle DKL-LI-0001', DOCKLE, 'https://nvd.nist.gov/vuln/detail/CVE-2019-5021'],
  },
  {
    id: 'SEK-IMG-008',
    title: 'SSH host private key in the image',
    severity: 'high',
    why: 'Every container from this image shares the same host key, so anyone who pulls the image can impersonate those SSH servers.',
    fix: 'Delete the keys in the same RUN step that installs the server (`rm /etc/ssh/ssh_host_*_key*`) and generate them at container start (`ssh-keygen -A`).',
    references: [`${CIS} §4.10`, 'Dockle CIS-DI-0010', DOCKLE],
  },
  {
    id: 'SEK-IMG-009',
    title: 'authorized_keys file in the image',
    severity: 'medium',
    why: 'Keys baked into the image grant SSH access to every container started from it, and cannot be revoked per deployment.',
    fix: 'Remove the file from the image and provide keys at run time (a mounted secret).',
    references: [`${CIS} §4.10`],
  },
  {
    id: 'SEK-IMG-010',
    title: 'Git repository in the image',
    severity: 'medium',
    why: 'A `.git` directory ships the whole history: deleted secrets, internal URLs and unreleased code.',
    fix: 'Add `.git` to `.dockerignore`, or copy only build outputs into the final stage.',
    references: ['Dockle DKL-LI-0003', DOCKLE],
  },
  {
    id: 'SEK-IMG-011',
    title: 'Cloud or registry credentials in the image',
    severity: 'high',
    why: 'Credential files give anyone who pulls the image the access of the account that created them.',
    fix: 'Remove the file, rotate the credential, and pass secrets at build time with `RUN --mount=type=secret` (never COPY them).',
    references: [`${CIS} §4.10`, 'Dockle CIS-DI-0010', DOCKLE, 'https://docs.docker.com/build/building/secrets/'],
  },
  {
    id: 'SEK-IMG-012',
    title: 'Package manager cache left in the image',
    severity: 'low',
    why: 'Package indexes and downloaded archives add size and stale metadata without any runtime use.',
    fix: 'Clean in the same RUN step that installs: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `npm cache clean --force`.',
    references: ['Dockle DKL-DI-0005', 'Dockle DKL-DI-0004', DOCKLE, BEST_PRACTICES],
  },
  {
    id: 'SEK-IMG-013',
    title: 'ADD from a remote URL',
    severity: 'medium',
    why: 'ADD downloads whatever the URL serves at build time, without checksum verification, into the image.',
    fix: 'Use `ADD --checksum=sha256:<digest> <url> <dest>`, or download with curl in a RUN step and verify with `sha256sum -c`.',
    references: [`${CIS} §4.9`, 'Dockle CIS-DI-0009', DOCKLE],
  },
  {
    id: 'SEK-IMG-014',
    title: 'Downloaded script piped into a shell',
    severity: 'medium',
    why: 'A build step ran whatever a server returned (`curl … | sh`) unverified; a compromised host or truncated download ran in the image.',
    fix: 'Download to a file, verify its checksum or signature (`sha256sum -c`), then run it.',
    references: [BEST_PRACTICES],
  },
  {
    id: 'SEK-IMG-015',
    title: 'No HEALTHCHECK',
    severity: 'low',
    why: 'Without a health check, the engine cannot tell a hung container from a working one.',
    fix: 'Add `HEALTHCHECK CMD <probe>` to the Dockerfile (or define probes in the orchestrator).',
    references: [`${CIS} §4.6`, 'Dockle CIS-DI-0006', DOCKLE],
  },
  {
    id: 'SEK-IMG-016',
    title: 'Privileged port exposed',
    severity: 'low',
    why: 'Binding a port below 1024 needs root or CAP_NET_BIND_SERVICE unless the runtime lowers net.ipv4.ip_unprivileged_port_start.',
    fix: 'Listen on a port ≥ 1024 in the container (`EXPOSE 8080`) and map it to the privileged port outside.',
    references: [`${CIS} §5.8`],
  },
  {
    id: 'SEK-IMG-017',
    title: 'Risky port exposed',
    severity: 'medium',
    why: 'The port belongs to a service that should not run in an application image (remote shells, the Docker API, a database).',
    fix: 'Remove the EXPOSE and the service; reach databases through their own image or a managed service.',
    references: [`${CIS} §5.8`, `${CIS} §2.7`],
  },
  {
    id: 'SEK-IMG-018',
    title: 'sudo installed',
    severity: 'medium',
    why: 'sudo lets processes in the container become root and has unpredictable TTY and signal-forwarding behaviour.',
    fix: 'Uninstall sudo; run build steps as root before `USER`, and use `gosu`/`setpriv` in entrypoints that must drop privileges.',
    references: ['Dockle DKL-DI-0001', DOCKLE, BEST_PRACTICES],
  },
  {
    id: 'SEK-IMG-019',
    title: 'Base OS out of regular security support',
    severity: 'high',
    why: 'Past every support phase the release gets no security updates and new vulnerabilities in its packages stay unfixed (high). In an extended phase (Debian LTS, Ubuntu ESM) fixes still come, for fewer packages or with a subscription (low or medium).',
    fix: 'Rebuild on a supported release of the distribution.',
    references: [`${CIS} §4.4`],
  },
  {
    id: 'SEK-IMG-020',
    title: 'Image not rebuilt recently',
    severity: 'low',
    why: 'An old image misses the security updates its base has published since it was built.',
    fix: 'Rebuild the image regularly (e.g. weekly) with `--pull` to pick up base image updates.',
    references: [`${CIS} §4.4`],
  },
] as const satisfies readonly ImageHardeningCheck[];

export type ImageHardeningCheckId = (typeof IMAGE_HARDENING_CHECKS)[number]['id'];

const BY_ID = new Map<string, ImageHardeningCheck>(IMAGE_HARDENING_CHECKS.map((c) => [c.id, c]));

export function imageCheck(id: ImageHardeningCheckId): ImageHardeningCheck {
  const check = BY_ID.get(id);
  if (check === undefined) throw new SekishoError('INTERNAL', `unknown image check ${id}`);
  return check;
}
