import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDockerInspect, inspectWorkloadProfiles } from './audit-docker-inspect.js';
import { detectDockerInspect } from './detect.js';
import { parseDockerInspect } from './parse-inspect.js';
import { parseSecurityOptions, sandboxKind } from './run-settings.js';

const FIXTURE = readFileSync(path.join(import.meta.dirname, '__fixtures__', 'containers.inspect.json'), 'utf8');

/** A minimal inspect entry with HostConfig overrides. */
const one = (hostConfig: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify([
    {
      Id: 'abc123',
      Name: '/c',
      Config: { User: '1000', Image: 'x:1' },
      HostConfig: { ReadonlyRootfs: true, Memory: 1, NanoCpus: 1, PidsLimit: 10, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ...hostConfig },
      ...extra,
    },
  ]);

const hits = (ruleId: string, json: string): string[] =>
  auditDockerInspect('inspect.json', json)
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => f.fieldPath ?? '');

describe('docker inspect rules', () => {
  it('passes a hardened container and flags each setting with its JSON path', () => {
    expect(auditDockerInspect('i.json', one({}))).toMatchObject({ findings: [], fileErrors: [] });
    expect(hits('docker-privileged', one({ Privileged: true }))).toEqual(['[0].HostConfig.Privileged']);
    expect(hits('docker-dangerous-capability', one({ CapAdd: ['CAP_SYS_MODULE'] }))).toEqual(['[0].HostConfig.CapAdd[0]']);
    expect(hits('docker-capabilities-not-dropped', one({ CapDrop: null }))).toEqual(['[0].HostConfig.CapDrop']);
    expect(hits('docker-host-pid', one({ PidMode: 'host' }))).toEqual(['[0].HostConfig.PidMode']);
    expect(hits('docker-host-pid', one({ PidMode: 'container:abc' }))).toEqual([]);
    expect(hits('docker-host-ipc', one({ IpcMode: 'host' }))).toEqual(['[0].HostConfig.IpcMode']);
    expect(hits('docker-host-network', one({ NetworkMode: 'host' }))).toEqual(['[0].HostConfig.NetworkMode']);
    expect(hits('docker-host-userns', one({ UsernsMode: 'host' }))).toEqual(['[0].HostConfig.UsernsMode']);
    expect(hits('docker-seccomp-unconfined', one({ SecurityOpt: ['seccomp=unconfined', 'no-new-privileges'] }))).toEqual(['[0].HostConfig.SecurityOpt[0]']);
    expect(hits('docker-apparmor-unconfined', one({}, { AppArmorProfile: 'unconfined' }))).toEqual(['[0].AppArmorProfile']);
    expect(hits('docker-apparmor-unconfined', one({}, { AppArmorProfile: 'docker-default' }))).toEqual([]);
    expect(hits('docker-writable-root-fs', one({ ReadonlyRootfs: false }))).toEqual(['[0].HostConfig.ReadonlyRootfs']);
    expect(hits('docker-no-memory-limit', one({ Memory: 0 }))).toEqual(['[0].HostConfig.Memory']);
    expect(hits('docker-no-cpu-limit', one({ NanoCpus: 0, CpuQuota: 0 }))).toEqual(['[0].HostConfig.NanoCpus']);
    expect(hits('docker-no-cpu-limit', one({ NanoCpus: 0, CpuQuota: 50000 }))).toEqual([]);
    expect(hits('docker-no-pids-limit', one({ PidsLimit: -1 }))).toEqual(['[0].HostConfig.PidsLimit']);
    expect(hits('docker-host-device', one({ Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }] }))).toEqual(['[0].HostConfig.Devices[0]']);
    expect(hits('docker-socket-mount', one({ Binds: ['/run/docker.sock:/var/run/docker.sock:ro'] }))).toEqual(['[0].HostConfig.Binds[0]']);
    expect(
      hits(
        'docker-port-all-interfaces',
        one({
          PortBindings: {
            '5432/tcp': [
              { HostIp: '', HostPort: '5432' },
              { HostIp: '127.0.0.1', HostPort: '5433' },
            ],
          },
        }),
      ),
    ).toEqual(['[0].HostConfig.PortBindings["5432/tcp"][0]']);
  });

  it('treats an empty Config.User as root (the image USER is merged in), unless users are remapped', () => {
    const root = one({}, { Config: { User: '' } });
    expect(hits('docker-root-user', root)).toEqual(['[0].Config.User']);
    expect(auditDockerInspect('i', root).findings.find((f) => f.ruleId === 'docker-root-user')?.severity).toBe('high');
    const remapped = one({}, { Config: { User: '' }, GraphDriver: { Data: { MergedDir: '/var/lib/docker/100000.100000/overlay2/x/merged' } } });
    expect(hits('docker-root-user', remapped)).toEqual([]);
  });
});

describe('docker inspect parsing', () => {
  it('parses security options in both separators', () => {
    const o = parseSecurityOptions(
      ['seccomp:unconfined', 'apparmor=my-profile', 'label=type:spc_t', 'no-new-privileges=true', 'systempaths=unconfined'].map((value, i) => ({ value, path: `p[${i}]` })),
    );
    expect(o.seccomp).toEqual({ mode: 'Unconfined', profile: null, path: 'p[0]' });
    expect(o.appArmor).toEqual({ mode: 'Localhost', profile: 'my-profile', path: 'p[1]' });
    expect(o.label).toMatchObject({ disabled: false, type: 'spc_t' });
    expect(o.noNewPrivileges.value).toBe(true);
    expect(o.systempathsUnconfined.value).toBe(true);
    expect(parseSecurityOptions([{ value: 'seccomp={"defaultAction":"SCMP_ACT_ERRNO"}', path: 'x' }]).seccomp.mode).toBe('Localhost');
  });

  it('recognises sandbox runtimes', () => {
    expect(['runc', 'runsc', 'kata-runtime', 'io.containerd.kata-fc.v2', 'sysbox-runc', 'crun'].map(sandboxKind)).toEqual([null, 'gvisor', 'kata', 'firecracker', 'other', null]);
  });

  it('detects inspect output by content', () => {
    expect(detectDockerInspect('x.json', FIXTURE)).toBe('content');
    expect(detectDockerInspect('x.json', '[{"name": "a"}]')).toBeNull();
    expect(detectDockerInspect('package.json', '{"name": "a"}')).toBeNull();
  });
});

describe('docker inspect end to end', () => {
  it('scans three real-shaped containers', () => {
    const r = auditDockerInspect('containers.json', FIXTURE);
    expect(r.fileErrors).toEqual([]);
    const byName = (name: string): string[] =>
      r.findings
        .filter((f) => f.target.name === name)
        .map((f) => `${f.ruleId} (${f.severity})`)
        .sort();
    expect(byName('shop-api-1')).toEqual([]);
    expect(byName('ci-agent')).toEqual(
      [
        'docker-host-network (high)',
        'docker-host-pid (high)',
        'docker-no-cpu-limit (low)',
        'docker-no-memory-limit (low)',
        'docker-no-pids-limit (low)',
        'docker-privileged (critical)',
        'docker-root-user (high)',
        'docker-socket-mount (critical)',
        'docker-writable-root-fs (low)',
      ].sort(),
    );
    expect(byName('web')).toEqual(
      [
        'docker-capabilities-not-dropped (low)',
        'docker-no-cpu-limit (low)',
        'docker-no-memory-limit (low)',
        'docker-no-new-privileges (low)',
        'docker-no-pids-limit (low)',
        'docker-port-all-interfaces (low)',
        'docker-root-user (high)',
        'docker-writable-root-fs (low)',
      ].sort(),
    );
    expect(r.findings.every((f) => f.target.kind === 'Container' && f.foundBy === 'docker-inspect-checks')).toBe(true);
  });

  it('maps each container to an isolation profile', () => {
    const profiles = Object.fromEntries(inspectWorkloadProfiles('c', parseDockerInspect(FIXTURE)).map((w) => [w.target.name ?? '', w.profile] as const));
    const ci = profiles['ci-agent'];
    expect(ci?.privileged).toBe(true);
    expect(ci?.seccomp.effective).toBe('Unconfined');
    expect(ci?.appArmor.effective).toBe('Unconfined');
    expect(ci?.capabilities.effective).toContain('SYS_ADMIN');
    expect(ci?.procMount).toBe('Unmasked');
    expect(ci?.hostMounts.map((m) => [m.hostPath, m.class])).toEqual([
      ['/var/run/docker.sock', 'container-socket'],
      ['/srv/ci/work', 'other'],
    ]);
    expect(ci?.user.root).toBe(true);
    const web = profiles['web'];
    expect(web?.seccomp).toEqual({ declared: 'unset', effective: 'RuntimeDefault', localhostProfile: null });
    expect(web?.appArmor).toEqual({ declared: 'RuntimeDefault', effective: 'RuntimeDefault', localhostProfile: null });
    expect(web?.capabilities.effective).toHaveLength(14);
    expect(web?.user.userNamespace).toBeNull();
    expect(web?.hostPorts).toEqual([8080]);
    const api = profiles['shop-api-1'];
    expect(api?.sandbox).toEqual({ runtimeClass: 'runsc', kind: 'gvisor' });
    expect(api?.user).toEqual({ runAsUser: 10001, runAsGroup: 10001, runAsNonRoot: null, root: false, userNamespace: true });
    expect(api?.capabilities.effective).toEqual(['NET_BIND_SERVICE']);
    expect(api?.limits).toEqual({ cpu: '1', memory: '536870912', pids: 256, ephemeralStorage: null });
    expect(api?.sources['limits.pids']).toBe('[2].HostConfig.PidsLimit');
  });

  it('evaluates breakout paths per container', () => {
    const w = Object.fromEntries(auditDockerInspect('c', FIXTURE).workloads.map((x) => [x.target.name ?? '', x] as const));
    expect(w['ci-agent']?.openPaths.map((p) => p.techniqueId)).toEqual(expect.arrayContaining(['privileged-container', 'container-runtime-socket']));
    expect(w['shop-api-1']?.layers.sandbox.state).toBe('held');
    expect(w['shop-api-1']?.layers['user-namespace'].state).toBe('held');
    expect(w['shop-api-1']?.score).toBeGreaterThan(w['web']?.score ?? 100);
    expect(w['web']?.score).toBeGreaterThan(w['ci-agent']?.score ?? 100);
  });
});

describe('hostile inspect input', () => {
  const reasons = (json: string): string[] => auditDockerInspect('bad.json', json).fileErrors.map((e) => e.reason);

  it('turns bad files into file errors and keeps good entries', () => {
    expect(reasons('\u0000\u0001garbage')).toEqual([expect.stringMatching(/^CONFIG_INVALID: not JSON/)]);
    expect(reasons('"a string"')).toEqual([expect.stringMatching(/^CONFIG_INVALID/)]);
    expect(reasons('[{"name": "x"}]')).toEqual([expect.stringMatching(/^CONFIG_INVALID: not docker inspect/)]);
    expect(reasons(' '.repeat(33 * 1024 * 1024))).toEqual([expect.stringMatching(/^LIMIT_JSON_SIZE/)]);
    expect(reasons('['.repeat(100_000) + ']'.repeat(100_000))).toHaveLength(1);
    const mixed = auditDockerInspect('m.json', `[42, ${one({ Privileged: true }).slice(1, -1)}, {"Id": 7, "HostConfig": {}}]`);
    expect(mixed.fileErrors.map((e) => e.reason)).toEqual([
      expect.stringMatching(/^CONFIG_INVALID: entry \[0\] not a container/),
      expect.stringMatching(/^CONFIG_INVALID: entry \[2\] not a container \(Id:/),
    ]);
    expect(mixed.findings.map((f) => f.ruleId)).toContain('docker-privileged');
    expect(mixed.findings.every((f) => f.target.document === 1)).toBe(true);
  });
});
