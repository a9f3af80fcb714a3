import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_RUNTIME_RULES } from '../docker-inspect/runtime-rules.js';
import { auditCompose, composeWorkloadProfiles } from './audit-compose.js';
import { detectCompose } from './detect.js';
import { interpolate, parseCompose, parseShortPort, parseShortVolume } from './parse-compose.js';

const fixture = (name: string): string => readFileSync(path.join(import.meta.dirname, '__fixtures__', name), 'utf8');

function hits(ruleId: string, yaml: string): string[] {
  const r = auditCompose('compose.yaml', yaml);
  expect(r.fileErrors).toEqual([]);
  return r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.fieldPath ?? '');
}

const svc = (body: string): string => `services:\n  web:\n    image: nginx:1.27\n${body.replace(/^/gm, '    ')}\n`;

/** A service that passes every rule: the negative baseline. */
const HARDENED = svc(
  [
    'user: "101:101"',
    'read_only: true',
    'cap_drop: [ALL]',
    'cap_add: [NET_BIND_SERVICE]',
    'security_opt: ["no-new-privileges:true", "seccomp=./seccomp.json", "apparmor=nginx-profile"]',
    'ports: ["127.0.0.1:8080:80", "[::1]:8443:443"]',
    'volumes: ["./site:/usr/share/nginx/html:ro", "cache:/var/cache/nginx"]',
    'mem_limit: 256m',
    'cpus: 0.5',
    'pids_limit: 100',
    'runtime: runsc',
  ].join('\n'),
);

/** [rule, positive service body, expected field paths]. */
const CASES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['docker-privileged', 'privileged: true', ['services.web.privileged']],
  ['docker-dangerous-capability', 'cap_add: [NET_ADMIN, CAP_SYS_ADMIN, CHOWN]', ['services.web.cap_add[0]', 'services.web.cap_add[1]']],
  ['docker-capabilities-not-dropped', 'cap_drop: [NET_RAW]', ['services.web.cap_drop']],
  ['docker-host-network', 'network_mode: host', ['services.web.network_mode']],
  ['docker-host-pid', 'pid: "host"', ['services.web.pid']],
  ['docker-host-ipc', 'ipc: host', ['services.web.ipc']],
  ['docker-host-userns', 'userns_mode: host', ['services.web.userns_mode']],
  ['docker-host-uts', 'uts: host', ['services.web.uts']],
  [
    'docker-socket-mount',
    'volumes:\n  - /var/run/docker.sock:/var/run/docker.sock:ro\n  - type: bind\n    source: /run/containerd/containerd.sock\n    target: /c.sock',
    ['services.web.volumes[0]', 'services.web.volumes[1]'],
  ],
  [
    'docker-sensitive-host-mount',
    'volumes:\n  - /:/host\n  - /etc:/host-etc:ro\n  - ./data:/data\n  - /proc:/host/proc',
    ['services.web.volumes[0]', 'services.web.volumes[1]', 'services.web.volumes[3]'],
  ],
  ['docker-seccomp-unconfined', 'security_opt: ["seccomp:unconfined"]', ['services.web.security_opt[0]']],
  ['docker-apparmor-unconfined', 'security_opt: [no-new-privileges, apparmor=unconfined]', ['services.web.security_opt[1]']],
  ['docker-selinux-disabled', 'security_opt: ["label:disable"]', ['services.web.security_opt[0]']],
  ['docker-systempaths-unconfined', 'security_opt: ["systempaths=unconfined"]', ['services.web.security_opt[0]']],
  ['docker-no-new-privileges', 'security_opt: ["no-new-privileges:false"]', ['services.web.security_opt']],
  [
    'docker-port-all-interfaces',
    'ports:\n  - "8080:80"\n  - 9000\n  - "0.0.0.0:5432:5432"\n  - target: 443\n    published: 443\n  - target: 81\n    host_ip: 127.0.0.1',
    ['services.web.ports[0]', 'services.web.ports[1]', 'services.web.ports[2]', 'services.web.ports[3]'],
  ],
  ['docker-root-user', 'user: root', ['services.web.user']],
  ['docker-writable-root-fs', 'read_only: false', ['services.web.read_only']],
  ['docker-no-memory-limit', 'deploy: {resources: {limits: {cpus: "1"}}}', ['services.web.mem_limit']],
  ['docker-no-cpu-limit', 'deploy: {resources: {limits: {memory: 1g}}}', ['services.web.cpus']],
  ['docker-no-pids-limit', 'pids_limit: 0', ['services.web.pids_limit']],
  ['docker-host-device', 'devices: ["/dev/sda:/dev/xvda:rwm", {source: /dev/ttyUSB0, target: /dev/ttyUSB0}]', ['services.web.devices[0]', 'services.web.devices[1]']],
];

describe('Compose rules', () => {
  it('the hardened service passes every rule', () => {
    expect(auditCompose('compose.yaml', HARDENED)).toMatchObject({ findings: [], fileErrors: [] });
  });

  it.each(CASES.map(([id, body, paths]) => ({ id, body, paths })))('$id', ({ id, body, paths }) => {
    expect(hits(id, svc(body))).toEqual(paths);
    expect(hits(id, HARDENED)).toEqual([]);
  });

  it('covers every runtime rule', () => {
    expect([...new Set(CASES.map((c) => c[0]))].sort()).toEqual(DOCKER_RUNTIME_RULES.map((r) => r.id).sort());
  });

  it('grades severities by what is at stake', () => {
    const r = auditCompose('c.yml', svc('cap_add: [SYS_ADMIN, NET_ADMIN]\nports: ["5432:5432", "8080:80"]\nvolumes: ["/:/host:ro", "/var/log:/l:ro"]'));
    const sev = (rule: string): string[] => r.findings.filter((f) => f.ruleId === rule).map((f) => `${f.fieldPath ?? ''}=${f.severity}`);
    expect(sev('docker-dangerous-capability')).toEqual(['services.web.cap_add[0]=critical', 'services.web.cap_add[1]=high']);
    expect(sev('docker-port-all-interfaces')).toEqual(['services.web.ports[0]=medium', 'services.web.ports[1]=low']);
    expect(sev('docker-sensitive-host-mount')).toEqual(['services.web.volumes[0]=high', 'services.web.volumes[1]=medium']);
    expect(sev('docker-root-user')).toEqual(['services.web.user=medium']);
  });
});

describe('Compose parsing', () => {
  it('parses short port syntax', () => {
    expect(parseShortPort('8080:80')).toEqual({ hostIp: '', hostPort: '8080', containerPort: '80', protocol: 'tcp' });
    expect(parseShortPort('127.0.0.1:8080:80/udp')).toEqual({ hostIp: '127.0.0.1', hostPort: '8080', containerPort: '80', protocol: 'udp' });
    expect(parseShortPort('[::1]:6001:6001')).toEqual({ hostIp: '::1', hostPort: '6001', containerPort: '6001', protocol: 'tcp' });
    expect(parseShortPort('9090-9091:8080-8081')).toMatchObject({ hostPort: '9090-9091', containerPort: '8080-8081' });
    expect(parseShortPort('3000')).toMatchObject({ hostIp: '', hostPort: null, containerPort: '3000' });
  });

  it('parses short volume syntax', () => {
    expect(parseShortVolume('/var/run/docker.sock:/var/run/docker.sock:ro,z')).toEqual({ source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true });
    expect(parseShortVolume('/data')).toBeNull();
  });

  it('interpolates the spec forms', () => {
    const env = { A: 'a', E: '' };
    expect(interpolate('${A} $A ${B:-d} ${E:-d} ${E-d} ${A:+r} ${B+r} $$A ${B:-${A}}', env)).toBe('a a d d  r  $A a');
  });

  it('reads merge keys, deploy limits, named bind volumes and interpolated booleans', () => {
    const f = parseCompose(
      'x-base: &base\n  privileged: ${P:-true}\nservices:\n  a:\n    <<: *base\n    image: x\n    volumes: [hostetc:/e]\n    deploy: {resources: {limits: {memory: 1g, pids: 50}}}\nvolumes:\n  hostetc:\n    driver_opts: {type: none, o: bind, device: /etc}\n',
    );
    const s = f.services[0]?.settings;
    expect(s?.privileged).toEqual({ value: true, path: 'services.a.privileged' });
    expect(s?.memory).toEqual({ value: '1g', path: 'services.a.deploy.resources.limits.memory' });
    expect(s?.pids).toEqual({ value: 50, path: 'services.a.deploy.resources.limits.pids' });
    expect(s?.binds).toEqual([{ hostPath: '/etc', containerPath: '/e', readOnly: false, path: 'services.a.volumes[0]' }]);
    expect(parseCompose('services:\n  a:\n    privileged: ${P:-true}\n', { env: { P: 'false' } }).services[0]?.settings.privileged?.value).toBe(false);
  });

  it('detects Compose files by name and content', () => {
    expect(detectCompose('deploy/docker-compose.prod.yml', '')).toBe('name');
    expect(detectCompose('compose.yaml', '')).toBe('name');
    expect(detectCompose('stack.yml', '# stack\nservices:\n\n  web:\n    image: x\n')).toBe('content');
    expect(detectCompose('pod.yaml', 'apiVersion: v1\nkind: Pod\nservices:\n  a: 1\n')).toBeNull();
    expect(detectCompose('values.yaml', 'image: x\n')).toBeNull();
  });
});

describe('hostile Compose input', () => {
  const reason = (yaml: string): string => {
    const r = auditCompose('bad.yml', yaml);
    expect(r.findings).toEqual([]);
    expect(r.fileErrors).toHaveLength(1);
    return r.fileErrors[0]?.reason ?? '';
  };

  it('rejects a billion-laughs alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('services:\n  web:\n    image: *a8');
    expect(reason(lines.join('\n'))).toMatch(/^LIMIT_ENTRY_COUNT/);
  });

  it('rejects binary garbage, huge files, deep nesting, non-Compose YAML and invalid YAML', () => {
    expect(reason('\u0000\u0001\u00ff\u0002binary')).toMatch(/^CONFIG_INVALID/);
    expect(reason('services:\n' + '#'.repeat(3 * 1024 * 1024))).toMatch(/^LIMIT_ENTRY_SIZE/);
    expect(reason('services: ' + '['.repeat(50_000) + ']'.repeat(50_000))).toMatch(/^(LIMIT_ENTRY_SIZE|CONFIG_INVALID)/);
    expect(reason('apiVersion: v1\nkind: Pod\n')).toMatch(/no top-level `services`/);
    expect(reason('services:\n  web: [\n')).toMatch(/^CONFIG_INVALID/);
    expect(reason('services:\n  a: {}\n  a: {}\n')).toMatch(/^CONFIG_INVALID/);
    // A list longer than the limit fails (exit 6) rather than hiding its tail (cap_add: [1,000 x CHOWN, SYS_ADMIN]).
    const caps = Array.from({ length: 1_000 }, () => 'CHOWN').concat('SYS_ADMIN');
    expect(reason(`services:\n  a:\n    image: x\n    cap_add: [${caps.join(', ')}]\n`)).toMatch(/^LIMIT_ENTRY_COUNT/);
    const sysctls = Array.from({ length: 1_001 }, (_, i) => `      k${i}: '1'`).join('\n');
    expect(reason(`services:\n  a:\n    image: x\n    sysctls:\n${sysctls}\n`)).toMatch(/^LIMIT_ENTRY_COUNT/);
  });
});

describe('Compose end to end', () => {
  it('scans a typical web + db stack', () => {
    const r = auditCompose('shop/docker-compose.yml', fixture('web-db.compose.yml'));
    expect(r.fileErrors).toEqual([]);
    const notable = r.findings.filter((f) => f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium');
    expect(notable.map((f) => `${f.ruleId} @ ${f.fieldPath ?? ''} (${f.severity})`).sort()).toEqual(
      [
        'docker-dangerous-capability @ services.worker.cap_add[0] (high)',
        'docker-host-network @ services.cache.network_mode (high)',
        'docker-host-pid @ services.worker.pid (high)',
        'docker-port-all-interfaces @ services.db.ports[0] (medium)',
        'docker-root-user @ services.cache.user (medium)',
        'docker-root-user @ services.db.user (medium)',
        'docker-root-user @ services.proxy.user (medium)',
        'docker-root-user @ services.worker.user (medium)',
        'docker-socket-mount @ services.proxy.volumes[0] (critical)',
      ].sort(),
    );
    // The hardened service passes every rule.
    expect(r.findings.filter((f) => f.target.name === 'web')).toEqual([]);
    expect(r.findings.every((f) => f.target.kind === 'ComposeService' && f.foundBy === 'compose-checks')).toBe(true);
  });

  it('maps each service to an isolation profile with Docker defaults', () => {
    const file = parseCompose(fixture('web-db.compose.yml'));
    const profiles = Object.fromEntries(composeWorkloadProfiles('c.yml', file).map((w) => [w.target.name ?? '', w.profile] as const));
    const web = profiles['web'];
    expect(web?.seccomp).toEqual({ declared: 'unset', effective: 'RuntimeDefault', localhostProfile: null });
    expect(web?.appArmor.effective).toBe('RuntimeDefault');
    expect(web?.capabilities.effective).toEqual([]);
    expect(web?.user).toEqual({ runAsUser: 10001, runAsGroup: 10001, runAsNonRoot: null, root: false, userNamespace: null });
    expect(web?.noNewPrivs).toBe(true);
    expect(web?.readOnlyRootFilesystem).toBe(true);
    expect(web?.limits).toEqual({ cpu: '1.0', memory: '512M', pids: 256, ephemeralStorage: null });
    const worker = profiles['worker'];
    expect(worker?.capabilities.effective).toContain('SYS_PTRACE');
    expect(worker?.capabilities.effective).toContain('CHOWN');
    expect(worker?.hostNamespaces.pid).toBe(true);
    expect(worker?.user.root).toBeNull();
    expect(profiles['proxy']?.hostMounts).toEqual([
      { hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: true, class: 'container-socket', fieldPath: 'services.proxy.volumes[0]' },
    ]);
    expect(profiles['proxy']?.hostPorts).toEqual([80, 443]);
    expect(profiles['cache']?.hostNamespaces.network).toBe(true);
    expect(profiles['cache']?.privileged).toBe(false);
  });

  it('fills workloads through the isolation analyzer it is given', () => {
    const r = auditCompose('c.yml', svc('privileged: true'), {
      analyze: (p) => ({ layers: {} as never, openPaths: [], score: p.privileged ? 0 : 100 }),
    });
    expect(r.workloads.map((w) => [w.target.name, w.fieldPath, w.score, w.profile.seccomp.effective])).toEqual([['web', 'services.web', 0, 'Unconfined']]);
  });

  it('evaluates breakout paths per service with the isolation catalog by default', () => {
    const r = auditCompose('c.yml', fixture('web-db.compose.yml'));
    const by = Object.fromEntries(r.workloads.map((w) => [w.target.name ?? '', w] as const));
    expect(Object.keys(by).sort()).toEqual(['cache', 'db', 'proxy', 'web', 'worker']);
    expect(by['proxy']?.openPaths.map((p) => p.techniqueId)).toContain('container-runtime-socket');
    expect(by['worker']?.openPaths.map((p) => p.techniqueId)).toContain('ptrace-host-processes');
    expect(by['cache']?.openPaths.map((p) => p.techniqueId)).toContain('host-network-node-access');
    expect(by['web']?.openPaths.filter((p) => p.certainty === 'open')).toEqual([]);
    expect(by['web']?.score).toBeGreaterThan(by['proxy']?.score ?? 100);
    expect(by['web']?.layers['non-root'].state).toBe('held');
  });
});
