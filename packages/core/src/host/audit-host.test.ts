import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MisconfigurationFinding } from '@sekisho/model';
import { afterEach, describe, expect, it } from 'vitest';
import { buildElf64 } from '../catalogers/binary/__fixtures__/elf-builder.js';
import { RPMTAG } from '../catalogers/rpm/rpm-header.js';
import { buildHeaderBlob, buildNdb } from '../catalogers/rpm/test-builders.js';
import { SekishoError } from '../errors.js';
import { auditHost } from './audit-host.js';
import { isolationHostFacts, parseHostFactsDocument } from './facts.js';

const FIXTURES = path.join(import.meta.dirname, '__fixtures__');
const TODAY = new Date('2026-12-06T00:00:00Z');
const IS_ROOT = process.getuid?.() === 0;

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A private copy of a fixture host root, so modes can be set and files added. */
function copyFixture(name: string): string {
  const base = mkdtempSync(path.join(tmpdir(), `sekisho-host-${name}-`));
  dirs.push(base);
  const root = path.join(base, 'root');
  cpSync(path.join(FIXTURES, name), root, { recursive: true });
  return root;
}

const audit = (root: string) => auditHost({ root, today: TODAY, toolVersion: 'test' });
/** The weak fixture audited once, for the tests that only read it. */
let weakOnce: ReturnType<typeof audit> | null = null;
const weak = () => (weakOnce ??= audit(path.join(FIXTURES, 'weak')));
const rules = (findings: readonly { ruleId: string }[]) => [...new Set(findings.map((f) => f.ruleId))].sort();
const find = (findings: readonly MisconfigurationFinding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
const misconfigs = (a: Awaited<ReturnType<typeof audit>>) => a.report.findings as MisconfigurationFinding[];

/** Modes a careful administrator sets (git keeps only 644/755). */
function harden(root: string): void {
  chmodSync(path.join(root, 'var/lib/kubelet/config.yaml'), 0o600);
  chmodSync(path.join(root, 'etc/kubernetes/kubelet.conf'), 0o600);
  chmodSync(path.join(root, 'var/lib/kubelet/pki/kubelet.key'), 0o600);
  chmodSync(path.join(root, 'var/lib/docker'), 0o710);
  chmodSync(path.join(root, 'etc/docker'), 0o755);
  chmodSync(path.join(root, 'etc/docker/daemon.json'), 0o644);
  chmodSync(path.join(root, 'lib/systemd/system/docker.service'), 0o644);
  chmodSync(path.join(root, 'lib/systemd/system/kubelet.service'), 0o644);
}

describe('sekisho host on a weak fixture host', () => {
  it('reports the kernel CVEs of an upstream 5.10.0 kernel as affected, at full severity', async () => {
    const a = await weak();
    expect(a.facts.kernel).toEqual({ release: '5.10.0', upstream: '5.10.0', distroBuild: false, source: '/proc/sys/kernel/osrelease' });
    const kernel = misconfigs(a).filter((f) => f.ruleId.startsWith('host-kernel-'));
    expect(kernel.map((f) => [f.ruleId, f.severity])).toEqual(
      expect.arrayContaining([
        ['host-kernel-CVE-2022-0847', 'critical'],
        ['host-kernel-CVE-2022-0185', 'high'],
        ['host-kernel-CVE-2022-0492', 'high'],
        ['host-kernel-CVE-2021-22555', 'high'],
        ['host-kernel-CVE-2024-1086', 'high'],
      ]),
    );
    // Dirty COW was fixed long before 5.10; the overlayfs bug came in 5.11.
    expect(rules(kernel)).toHaveLength(5);
    expect(kernel[0]!.description).toContain('affected: upstream 5.10.0');
  });

  it('reads every sysctl and flags the weak ones with file, key and value', async () => {
    const a = await weak();
    expect(a.facts.sysctls['kernel.kptr_restrict']).toBe('0');
    expect(a.facts.userNamespaces).toEqual({ supported: true, unprivileged: true });
    expect(a.facts.cgroupVersion).toBe(1);
    expect(a.facts.appArmorEnabled).toBe(false);
    expect(a.facts.selinux).toBe('disabled');
    expect(a.facts.seccompSupported).toBe(true);
    const r = rules(misconfigs(a));
    for (const id of [
      'host-sysctl-kernel.unprivileged_bpf_disabled',
      'host-sysctl-kernel.yama.ptrace_scope',
      'host-sysctl-kernel.kptr_restrict',
      'host-sysctl-kernel.dmesg_restrict',
      'host-sysctl-fs.protected_symlinks',
      'host-sysctl-fs.protected_hardlinks',
      'host-sysctl-fs.protected_fifos',
      'host-sysctl-fs.protected_regular',
      'host-sysctl-fs.suid_dumpable',
      'host-unprivileged-userns',
      'host-cgroup-v1',
      'host-no-mac',
    ])
      expect(r, id).toContain(id);
    // Runtimes are installed: forwarding is what container networking needs.
    expect(r).not.toContain('host-sysctl-net.ipv4.ip_forward');
    const kptr = find(misconfigs(a), 'host-sysctl-kernel.kptr_restrict')[0]!;
    expect(kptr.target.file).toBe('/proc/sys/kernel/kptr_restrict');
    expect(kptr.fieldPath).toBe('kernel.kptr_restrict');
    expect(kptr.description).toContain('kernel.kptr_restrict = 0');
  });

  it('finds runtime versions in dpkg and in binaries and matches them against the runtime catalog', async () => {
    const a = await weak();
    expect(a.facts.runtimes.map((r) => [r.component, r.version, r.source, r.distroBuild])).toEqual([
      ['containerd', '1.4.2', 'dpkg', true],
      ['crun', '1.4.3', 'binary-string', false],
      ['docker-engine', '19.03.0', 'dpkg', false],
      ['runc', '1.1.11', 'binary-string', false],
    ]);
    const byRule = new Map(
      misconfigs(a)
        .filter((f) => f.ruleId.startsWith('host-runtime-'))
        .map((f) => [`${f.ruleId} ${f.target.name}`, f.severity]),
    );
    expect(byRule.get('host-runtime-CVE-2024-21626 CVE-2024-21626 runc')).toBe('high');
    expect(byRule.get('host-runtime-CVE-2025-31133 CVE-2025-31133 runc')).toBe('high');
    // A distribution's containerd may carry the backport: one level lower, and said so.
    expect(byRule.get('host-runtime-CVE-2020-15257 CVE-2020-15257 containerd')).toBe('medium');
    expect(byRule.get('host-runtime-CVE-2019-14271 CVE-2019-14271 docker-engine')).toBe('high');
    expect(byRule.get('host-runtime-CVE-2022-27650 CVE-2022-27650 crun')).toBe('medium');
    expect(byRule.has('host-runtime-CVE-2019-5736 CVE-2019-5736 runc')).toBe(false);
    const distro = misconfigs(a).find((f) => f.ruleId === 'host-runtime-CVE-2020-15257')!;
    expect(distro.description).toContain('possibly affected');
  });

  it('judges the Docker daemon from daemon.json and the unit override (CIS Docker 2.x)', async () => {
    const a = await weak();
    const tcp = find(misconfigs(a), 'host-docker-tcp-without-tls').sort((x, y) => x.target.file.localeCompare(y.target.file));
    expect(tcp.map((f) => [f.severity, f.target.file, f.description.match(/tcp:\/\/[\d.:]+/)?.[0]])).toEqual([
      ['critical', '/etc/docker/daemon.json', 'tcp://0.0.0.0:2375'],
      ['critical', '/etc/systemd/system/docker.service.d/override.conf', 'tcp://0.0.0.0:2376'],
    ]);
    expect(find(misconfigs(a), 'host-docker-icc')[0]).toMatchObject({
      target: { file: '/etc/systemd/system/docker.service.d/override.conf' },
      standard: { name: 'cis-docker-benchmark', check: '2.2' },
    });
    for (const id of [
      'host-docker-insecure-registries',
      'host-docker-seccomp-disabled',
      'host-docker-userns-remap',
      'host-docker-no-new-privileges',
      'host-docker-live-restore',
      'host-docker-log-level',
      'host-docker-iptables',
      'host-docker-userland-proxy',
      'host-docker-experimental',
    ])
      expect(rules(misconfigs(a)), id).toContain(id);
    expect(find(misconfigs(a), 'host-docker-log-driver')[0]).toMatchObject({ severity: 'medium', title: expect.stringContaining('discarded') });
    expect(a.facts.dockerUsernsRemap).toBe(false);
  });

  it('judges the kubelet from its config file and the flags of its drop-ins and env file', async () => {
    const a = await weak();
    const anon = find(misconfigs(a), 'host-kubelet-anonymous-auth')[0]!;
    // The flag from kubeadm-flags.env overrides the config file's `enabled: false`.
    expect(anon).toMatchObject({ severity: 'high', target: { file: '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf' }, fieldPath: '--anonymous-auth' });
    expect(find(misconfigs(a), 'host-kubelet-authorization-mode')[0]).toMatchObject({ severity: 'critical', target: { file: '/var/lib/kubelet/config.yaml' } });
    expect(find(misconfigs(a), 'host-kubelet-read-only-port')[0]!.description).toContain('--read-only-port = 10255');
    for (const id of [
      'host-kubelet-protect-kernel-defaults',
      'host-kubelet-rotate-certificates',
      'host-kubelet-seccomp-default',
      'host-kubelet-streaming-idle-timeout',
      'host-kubelet-iptables-util-chains',
      'host-kubelet-server-certificate-rotation',
    ])
      expect(rules(misconfigs(a)), id).toContain(id);
    expect(a.facts.kubeletSeccompDefault).toBe(false);
  });

  it('flags hardening switched off at boot and CPU side channels the kernel reports as unmitigated', async () => {
    const a = await weak();
    const boot = misconfigs(a).filter((f) => f.ruleId.startsWith('host-boot-') || f.ruleId.startsWith('host-cpu-'));
    // nosmep comes after `--`: it is init's argument, not the kernel's.
    expect(boot.map((f) => [f.ruleId, f.severity]).sort()).toEqual([
      ['host-boot-mitigations-off', 'medium'],
      ['host-boot-nokaslr', 'low'],
      ['host-cpu-meltdown', 'medium'],
      ['host-cpu-spec_store_bypass', 'low'],
    ]);
    expect(boot.find((f) => f.ruleId === 'host-boot-mitigations-off')!.description).not.toContain('BOOT_IMAGE');
  });

  it('flags the end of life of the OS and Docker files no auditd rule watches', async () => {
    const a = await weak();
    expect(find(misconfigs(a), 'host-os-end-of-life')[0]).toMatchObject({ severity: 'high', fieldPath: 'VERSION_ID' });
    expect(rules(misconfigs(a))).toContain('host-auditd-missing');
    expect(a.report.distro?.id).toBe('debian');
  });

  it('flags wide modes on the kubeconfig and the Docker socket (CIS 4.1.5, Docker 3.15)', async () => {
    const root = copyFixture('weak');
    chmodSync(path.join(root, 'etc/kubernetes/kubelet.conf'), 0o666);
    mkdirSync(path.join(root, 'run'));
    mkdirSync(path.join(root, 'var/run'), { recursive: true });
    rmSync(path.join(root, 'var/run'), { recursive: true });
    // /var/run → /run, as on every current distribution: an absolute link resolved inside the root.
    symlinkSync('/run', path.join(root, 'var/run'));
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path.join(root, 'run/docker.sock'), resolve));
    chmodSync(path.join(root, 'run/docker.sock'), 0o666);
    const a = await audit(root);
    expect(find(misconfigs(a), 'host-kubelet-kubeconfig-mode')[0]).toMatchObject({ severity: 'high', description: expect.stringContaining('0666') });
    expect(find(misconfigs(a), 'host-docker-sock-mode')[0]).toMatchObject({ severity: 'critical', target: { file: '/var/run/docker.sock' } });
  });
});

describe('sekisho host on a hardened fixture host', () => {
  it('has no findings, and facts that say why', async () => {
    const root = copyFixture('hardened');
    harden(root);
    const a = await audit(root);
    // Files of the test run belong to the test user: ownership findings are expected unless it is root.
    const findings = misconfigs(a).filter((f) => IS_ROOT || !f.ruleId.endsWith('-owner'));
    expect(findings.map((f) => `${f.ruleId}: ${f.description}`)).toEqual([]);
    expect(a.report.notChecked).toEqual([]);
    expect(a.report.unknowns).toEqual([]);
    expect(a.facts).toMatchObject({
      kernel: { release: '6.12.48+deb13-amd64', upstream: '6.12.48', distroBuild: true },
      os: { id: 'debian', versionId: '13', supportStatus: 'supported' },
      lsms: ['lockdown', 'capability', 'landlock', 'yama', 'apparmor'],
      appArmorEnabled: true,
      cgroupVersion: 2,
      seccompSupported: true,
      userNamespaces: { supported: false, unprivileged: false },
      kubeletSeccompDefault: true,
      dockerUsernsRemap: true,
    });
    expect(a.facts.runtimes.map((r) => `${r.component} ${r.version} ${r.source}`)).toEqual([
      'containerd 1.7.29 binary-string',
      'containerd 1.7.29 dpkg',
      'docker-engine 28.5.2 binary-string',
      'docker-engine 28.5.2 dpkg',
      'runc 1.3.3 binary-string',
    ]);
  });

  it('merges kubelet --config-dir drop-ins over the config file, and names the drop-in that set a key', async () => {
    const root = copyFixture('hardened');
    harden(root);
    writeFileSync(path.join(root, 'lib/systemd/system/kubelet.service'), '[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --config-dir=/etc/kubernetes/kubelet.conf.d\n');
    mkdirSync(path.join(root, 'etc/kubernetes/kubelet.conf.d'));
    writeFileSync(path.join(root, 'etc/kubernetes/kubelet.conf.d/10-port.conf'), 'readOnlyPort: 10255\nseccompDefault: false\n');
    writeFileSync(path.join(root, 'etc/kubernetes/kubelet.conf.d/20-seccomp.conf'), 'seccompDefault: true\n');
    const a = await audit(root);
    expect(find(misconfigs(a), 'host-kubelet-read-only-port')[0]).toMatchObject({ target: { file: '/etc/kubernetes/kubelet.conf.d/10-port.conf' }, fieldPath: 'readOnlyPort' });
    expect(a.facts.kubeletSeccompDefault).toBe(true);
  });

  it('flags ownership by another user when the audit runs as root', async () => {
    const root = copyFixture('hardened');
    harden(root);
    if (IS_ROOT) (await import('node:fs')).chownSync(path.join(root, 'etc/docker/daemon.json'), 1000, 1000);
    const a = await audit(root);
    expect(find(misconfigs(a), 'host-docker-daemon-json-owner')[0]).toMatchObject({ description: expect.stringContaining(IS_ROOT ? 'uid 1000' : `uid ${process.getuid?.()}`) });
  });

  it('judges SELinux when AppArmor is off: enforcing confines, permissive does not', async () => {
    const root = copyFixture('hardened');
    writeFileSync(path.join(root, 'sys/module/apparmor/parameters/enabled'), 'N\n');
    writeFileSync(path.join(root, 'sys/kernel/security/lsm'), 'lockdown,capability,yama,selinux\n');
    mkdirSync(path.join(root, 'sys/fs/selinux'));
    writeFileSync(path.join(root, 'sys/fs/selinux/enforce'), '1');
    const enforcing = await audit(root);
    expect(enforcing.facts).toMatchObject({ appArmorEnabled: false, selinux: 'enforcing' });
    expect(rules(misconfigs(enforcing)).filter((r) => r.includes('mac') || r.includes('selinux'))).toEqual([]);
    writeFileSync(path.join(root, 'sys/fs/selinux/enforce'), '0');
    const permissive = await audit(root);
    expect(rules(misconfigs(permissive)).filter((r) => r.includes('mac') || r.includes('selinux'))).toEqual(['host-no-mac', 'host-selinux-permissive']);
  });

  it('lowers a kernel CVE on a distribution kernel to "possibly affected"', async () => {
    const root = copyFixture('hardened');
    writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), '5.15.0-91-generic\n');
    const a = await audit(root);
    const f = find(misconfigs(a), 'host-kernel-CVE-2024-1086')[0]!;
    // high → medium (distribution build) → low (unprivileged user namespaces are off here)
    expect(f.severity).toBe('low');
    expect(f.description).toContain('possibly affected');
    expect(f.description).toContain('unprivileged user namespaces are disabled');
  });

  it('reads runtime packages from an rpm database (ndb), a distribution build as "possibly affected"', async () => {
    const root = copyFixture('hardened');
    rmSync(path.join(root, 'var/lib/dpkg'), { recursive: true });
    rmSync(path.join(root, 'usr/bin/runc'));
    const str = (value: string) => ({ type: 'string' as const, value });
    const pkg = (name: string, version: string, release: string, vendor: string) =>
      buildHeaderBlob(
        [
          [RPMTAG.name, str(name)],
          [RPMTAG.version, str(version)],
          [RPMTAG.release, str(release)],
          [RPMTAG.vendor, str(vendor)],
          [RPMTAG.arch, str('x86_64')],
        ],
        { region: true },
      );
    mkdirSync(path.join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    writeFileSync(
      path.join(root, 'usr/lib/sysimage/rpm/Packages.db'),
      buildNdb([
        { pkgidx: 1, blob: pkg('bash', '5.2.26', '3.fc40', 'Fedora Project') },
        { pkgidx: 2, blob: pkg('runc', '1.1.4', '5.el9', 'Red Hat, Inc.') },
        { pkgidx: 3, blob: pkg('containerd.io', '1.6.20', '3.1.el9', 'Docker') },
      ]),
    );
    const a = await audit(root);
    expect(a.facts.runtimes.filter((r) => r.source === 'rpm').map((r) => [r.component, r.version, r.rawVersion, r.distroBuild])).toEqual([
      ['containerd', '1.6.20', '1.6.20-3.1.el9', false],
      ['runc', '1.1.4', '1.1.4-5.el9', true],
    ]);
    const leaky = find(misconfigs(a), 'host-runtime-CVE-2024-21626')[0]!;
    expect(leaky).toMatchObject({ severity: 'medium', target: { file: '/usr/lib/sysimage/rpm/Packages.db' } });
    expect(leaky.description).toContain('possibly affected: 1.1.4-5.el9 is a distribution build');
  });

  it('reads a version a release build stamps into Go build information', async () => {
    const root = copyFixture('hardened');
    const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
    const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
    const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
    const mod = Buffer.concat([
      START,
      Buffer.from('path\tgithub.com/opencontainers/runc\nmod\tgithub.com/opencontainers/runc\t(devel)\t\nbuild\t-ldflags="-X main.gitCommit=abc -X main.version=1.1.9"\n'),
      END,
    ]);
    const hdr = Buffer.alloc(32);
    MAGIC.copy(hdr);
    hdr[14] = 8;
    hdr[15] = 2;
    const info = Buffer.concat([hdr, Buffer.from([8]), Buffer.from('go1.22.5'), Buffer.from([(mod.length & 0x7f) | 0x80, mod.length >> 7]), mod]);
    writeFileSync(path.join(root, 'usr/bin/runc'), buildElf64([{ name: '.go.buildinfo', data: info, writable: true }]));
    const a = await audit(root);
    expect(a.facts.runtimes.find((r) => r.component === 'runc')).toMatchObject({ version: '1.1.9', source: 'go-buildinfo', rawVersion: '1.1.9' });
    expect(rules(misconfigs(a))).toContain('host-runtime-CVE-2024-21626');
  });
});

describe('containers sharing host namespaces', () => {
  it("finds a container process whose namespace links equal PID 1's", async () => {
    const root = copyFixture('hardened');
    const proc = (pid: string, cgroup: string, ns: Record<string, string>) => {
      mkdirSync(path.join(root, `proc/${pid}/ns`), { recursive: true });
      writeFileSync(path.join(root, `proc/${pid}/cgroup`), cgroup);
      for (const [k, v] of Object.entries(ns)) symlinkSync(v, path.join(root, `proc/${pid}/ns/${k}`));
    };
    const host = { pid: 'pid:[4026531836]', net: 'net:[4026531840]', ipc: 'ipc:[4026531839]' };
    proc('1', '0::/init.scope\n', host);
    const id = 'a'.repeat(64);
    // hostNetwork only; own PID and IPC namespaces
    proc('4242', `0::/kubepods.slice/kubepods-besteffort.slice/cri-containerd-${id}.scope\n`, { ...host, pid: 'pid:[4026532001]', ipc: 'ipc:[4026532002]' });
    // an isolated container, and a host process outside any container
    proc('4343', `0::/system.slice/docker-${'b'.repeat(64)}.scope\n`, { pid: 'pid:[1]', net: 'net:[2]', ipc: 'ipc:[3]' });
    proc('77', '0::/system.slice/sshd.service\n', host);
    const a = await audit(root);
    const found = find(misconfigs(a), 'host-container-host-namespace');
    expect(found.map((f) => [f.target.name, f.fieldPath, f.severity])).toEqual([[id, 'net', 'low']]);
    expect(found[0]!.description).toContain('process 4242');
  });
});

describe('bad input on a host root', () => {
  it('never reads a daemon.json that links out of the root', async () => {
    const root = copyFixture('hardened');
    const outside = path.join(path.dirname(root), 'outside.json');
    writeFileSync(outside, JSON.stringify({ icc: false, 'userns-remap': 'default', 'live-restore': true, 'no-new-privileges': true, 'log-driver': 'syslog' }));
    rmSync(path.join(root, 'etc/docker/daemon.json'));
    writeFileSync(path.join(root, 'usr/bin/dockerd'), 'Docker version 28.5.2\0');
    symlinkSync(outside, path.join(root, 'etc/docker/daemon.json'));
    const a = await audit(root);
    // Resolved inside the root the link leads nowhere: the daemon's defaults apply, so its weak defaults are reported.
    expect(find(misconfigs(a), 'host-docker-icc')[0]!.description).toContain('icc = unset (true)');
    expect(a.facts.dockerUsernsRemap).toBe(false);
  });

  it('bounds huge files: a 300 MiB runc and a 2 GiB dpkg status become unknowns', async () => {
    const root = copyFixture('hardened');
    for (const [file, size] of [
      ['usr/bin/runc', 300 * 1024 * 1024],
      ['var/lib/dpkg/status', 2 * 1024 * 1024 * 1024],
    ] as const) {
      const fh = await open(path.join(root, file), 'w');
      await fh.truncate(size);
      await fh.close();
    }
    const a = await audit(root);
    expect(a.report.unknowns.map((u) => [u.location.path, u.reason.split(' (')[0]])).toEqual([
      ['/usr/bin/runc', 'larger than 268435456 bytes'],
      ['/var/lib/dpkg/status', 'larger than 67108864 bytes'],
    ]);
    expect(a.facts.runtimes.some((r) => r.component === 'runc')).toBe(false);
  });

  it('makes an invalid daemon.json or kubelet config an unknown and leaves the area not judged', async () => {
    const root = copyFixture('hardened');
    writeFileSync(path.join(root, 'etc/docker/daemon.json'), '{"icc": false,');
    writeFileSync(path.join(root, 'var/lib/kubelet/config.yaml'), 'a: &a [*a, *a]\nkey: [unclosed');
    const a = await audit(root);
    expect(a.report.notChecked.map((n) => n.scanner).sort()).toEqual(['host-docker', 'host-kubelet']);
    expect(a.report.unknowns.map((u) => u.location.path).sort()).toEqual(['/etc/docker/daemon.json', '/var/lib/kubelet/config.yaml']);
  });

  it('does not judge a daemon whose daemon.json could not be read (too large)', async () => {
    const root = copyFixture('weak');
    writeFileSync(path.join(root, 'etc/docker/daemon.json'), `{"icc": false, "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    const a = await audit(root);
    expect(a.report.unknowns.map((u) => u.location.path)).toContain('/etc/docker/daemon.json');
    expect(a.report.notChecked.map((n) => n.scanner)).toContain('host-docker');
    expect(rules(misconfigs(a)).filter((r) => r.startsWith('host-docker-'))).toEqual([]);
  });

  it('reads a binary reached through a merged-/usr link once', async () => {
    const root = copyFixture('hardened');
    symlinkSync('usr/bin', path.join(root, 'bin'));
    // A file too large to read: reading it through both paths would leave two unknowns.
    const fh = await open(path.join(root, 'usr/bin/runc'), 'w');
    await fh.truncate(300 * 1024 * 1024);
    await fh.close();
    const a = await audit(root);
    expect(a.report.unknowns.map((u) => u.location.path)).toEqual(['/usr/bin/runc']);
  });

  it('reads the newest installed kernel of an offline root without /proc, and says what it could not judge', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'sekisho-host-offline-'));
    dirs.push(base);
    mkdirSync(path.join(base, 'boot'));
    mkdirSync(path.join(base, 'lib/modules/5.10.0-26-amd64'), { recursive: true });
    writeFileSync(path.join(base, 'boot/vmlinuz-6.1.0-18-amd64'), '');
    const a = await audit(base);
    expect(a.facts.kernel).toMatchObject({ release: '6.1.0-18-amd64', upstream: '6.1.0', distroBuild: true });
    expect(a.report.notChecked.map((n) => n.scanner)).toEqual(expect.arrayContaining(['host-os', 'host-sysctl', 'host-lsm', 'host-seccomp', 'host-cgroup']));
  });

  it('refuses a root that does not exist with SOURCE_NOT_FOUND', async () => {
    await expect(audit('/nonexistent/sekisho-host')).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});

describe('host facts document', () => {
  it('round-trips through JSON and feeds the breakout analysis the weakest runtime', async () => {
    const a = await weak();
    const again = parseHostFactsDocument(Buffer.from(JSON.stringify(a.facts)), 'facts.json');
    expect(again).toEqual(a.facts);
    const withTwoRuncs = { ...again, runtimes: [...again.runtimes, { ...again.runtimes.find((r) => r.component === 'runc')!, version: '1.0.0-rc.92', file: '/usr/local/bin/runc' }] };
    expect(isolationHostFacts(withTwoRuncs)).toEqual({
      kernelVersion: '5.10.0',
      runcVersion: '1.0.0-rc.92',
      containerdVersion: '1.4.2',
      cgroupVersion: 1,
      appArmorEnabled: false,
      selinuxEnforcing: false,
      unprivilegedUserNamespaces: true,
      kubeletSeccompDefault: false,
      dockerUsernsRemap: false,
    });
  });

  it('refuses a malformed or foreign document with CONFIG_INVALID', () => {
    for (const text of ['{', '{"schema":"sekisho.report/v1"}', JSON.stringify({ schema: 'sekisho.host-facts/v1' })]) {
      let error: unknown;
      try {
        parseHostFactsDocument(Buffer.from(text), 'f.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SekishoError);
      expect((error as SekishoError).code).toBe('CONFIG_INVALID');
    }
  });
});
