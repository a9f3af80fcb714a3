import { describe, expect, it } from 'vitest';
import { auditKubernetes } from '../kubernetes/index.js';
import { BREAKOUT_CATALOG } from './catalog.js';
import type { HostFacts } from './profile.js';

interface Fragment {
  readonly pod?: Record<string, unknown>;
  readonly sc?: Record<string, unknown>;
  readonly hostPath?: { readonly path: string; readonly type?: string; readonly readOnly?: boolean };
  /** Extra documents (RBAC) in the same run. */
  readonly extra?: readonly Record<string, unknown>[];
  readonly hostFacts?: HostFacts;
}

/** A minimal Deployment built from a fragment (JSON is YAML). */
function analyze(f: Fragment) {
  const container: Record<string, unknown> = { name: 'app', image: 'example/app:1', securityContext: f.sc ?? {} };
  const spec: Record<string, unknown> = { serviceAccountName: 'app', containers: [container], ...f.pod };
  if (f.hostPath !== undefined) {
    spec['volumes'] = [{ name: 'h', hostPath: { path: f.hostPath.path, ...(f.hostPath.type === undefined ? {} : { type: f.hostPath.type }) } }];
    container['volumeMounts'] = [{ name: 'h', mountPath: '/host', readOnly: f.hostPath.readOnly === true }];
  }
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', namespace: 'ns' }, spec: { template: { spec } } };
  const text = [deployment, ...(f.extra ?? [])].map((d) => JSON.stringify(d)).join('\n---\n');
  const result = auditKubernetes([{ path: 'w.yaml', content: new TextEncoder().encode(text) }], { hostFacts: f.hostFacts ?? {} });
  expect(result.fileErrors).toEqual([]);
  expect(result.workloads).toHaveLength(1);
  return result.workloads[0]!;
}

const ROOT = { runAsUser: 0 };
const NO_MAC = { appArmorProfile: { type: 'Unconfined' } };
const NO_SELINUX: HostFacts = { selinuxEnforcing: false };
const rbac = (resource: string, verbs: string[]) => [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [{ apiGroups: [''], resources: [resource], verbs }] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'b', namespace: 'ns' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'ns' }],
  },
];

/** One minimal positive (path open) and negative (path absent) workload per technique. */
const CASES: Readonly<Record<string, { positive: Fragment; negative: Fragment }>> = {
  'privileged-container': { positive: { sc: { privileged: true } }, negative: { sc: { privileged: true }, pod: { runtimeClassName: 'gvisor' } } },
  'host-device-access': {
    positive: { sc: { privileged: true, ...ROOT }, hostPath: { path: '/dev/sda', type: 'BlockDevice' } },
    negative: { sc: { privileged: true, ...ROOT } },
  },
  'container-runtime-socket': {
    positive: { hostPath: { path: '/run/containerd/containerd.sock', readOnly: true } },
    negative: { hostPath: { path: '/srv/data' } },
  },
  'cgroup-release-agent': {
    positive: { sc: { ...ROOT, ...NO_MAC, capabilities: { add: ['SYS_ADMIN'] } }, hostFacts: { ...NO_SELINUX, cgroupVersion: 1 } },
    negative: { sc: { ...ROOT, ...NO_MAC, capabilities: { add: ['SYS_ADMIN'] } }, hostFacts: { ...NO_SELINUX, cgroupVersion: 2 } },
  },
  'cve-2022-0492': {
    positive: { sc: { ...ROOT, ...NO_MAC }, hostFacts: { ...NO_SELINUX, cgroupVersion: 1, kernelVersion: '5.10.0-8-amd64', unprivilegedUserNamespaces: true } },
    negative: { sc: { ...ROOT, ...NO_MAC, seccompProfile: { type: 'RuntimeDefault' } }, hostFacts: { ...NO_SELINUX, cgroupVersion: 1, kernelVersion: '5.10.0-8-amd64' } },
  },
  'cap-sys-module': {
    positive: { sc: { capabilities: { add: ['CAP_SYS_MODULE'] } } },
    negative: { sc: { capabilities: { add: ['SYS_MODULE'] } }, pod: { hostUsers: false } },
  },
  'ptrace-host-processes': {
    positive: { pod: { hostPID: true }, sc: { ...ROOT, ...NO_MAC, capabilities: { add: ['SYS_PTRACE'] } }, hostFacts: NO_SELINUX },
    negative: { sc: { ...ROOT, ...NO_MAC, capabilities: { add: ['SYS_PTRACE'] } }, hostFacts: NO_SELINUX },
  },
  'shocker-dac-read-search': {
    positive: { sc: { capabilities: { add: ['DAC_READ_SEARCH'] } } },
    negative: { sc: { capabilities: { drop: ['ALL'] } } },
  },
  'writable-host-config': {
    positive: { sc: ROOT, hostPath: { path: '/etc' } },
    negative: { sc: ROOT, hostPath: { path: '/etc', readOnly: true } },
  },
  'host-sensitive-read': {
    positive: { hostPath: { path: '/var/lib/kubelet/pods', readOnly: true } },
    negative: { hostPath: { path: '/opt/cache', readOnly: true } },
  },
  'var-log-symlink': {
    positive: { sc: ROOT, hostPath: { path: '/var/log' } },
    negative: { sc: ROOT, hostPath: { path: '/var/log', readOnly: true } },
  },
  'core-pattern': {
    positive: { sc: ROOT, hostPath: { path: '/proc' } },
    negative: { sc: ROOT, hostPath: { path: '/proc', readOnly: true } },
  },
  'sys-uevent-helper': {
    positive: { sc: ROOT, hostPath: { path: '/sys' } },
    negative: { sc: ROOT, hostPath: { path: '/sys', readOnly: true } },
  },
  'keyctl-unmask': {
    positive: {},
    negative: { pod: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } },
  },
  'runc-cve-2019-5736': {
    positive: { sc: ROOT, hostFacts: { runcVersion: '1.0.0-rc6' } },
    negative: { sc: ROOT, hostFacts: { runcVersion: '1.1.12' } },
  },
  'runc-cve-2024-21626': {
    positive: { hostFacts: { runcVersion: '1.1.11' } },
    negative: { hostFacts: { runcVersion: '1.1.12' } },
  },
  'kernel-syscall-exploits': {
    positive: { pod: { securityContext: { seccompProfile: { type: 'Unconfined' } } } },
    negative: { pod: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } },
  },
  'host-network-node-access': { positive: { pod: { hostNetwork: true } }, negative: {} },
  'host-pid-processes': {
    positive: { pod: { hostPID: true }, sc: ROOT },
    negative: { pod: { hostPID: true }, sc: { runAsNonRoot: true } },
  },
  'token-create-privileged-pod': {
    positive: { extra: rbac('pods', ['create']) },
    negative: { extra: rbac('pods', ['create']), pod: { automountServiceAccountToken: false } },
  },
  'token-read-secrets': {
    positive: { extra: rbac('secrets', ['get', 'list']) },
    negative: { extra: rbac('configmaps', ['get', 'list']) },
  },
  'net-raw-spoofing': { positive: {}, negative: { sc: { capabilities: { drop: ['ALL'] } } } },
};

describe('breakout catalog', () => {
  it('has a positive and a negative case for every technique', () => {
    expect(Object.keys(CASES).sort()).toEqual(BREAKOUT_CATALOG.map((t) => t.id).sort());
  });

  for (const technique of BREAKOUT_CATALOG) {
    it(`${technique.id}: open on the positive workload, absent on the negative one`, () => {
      const c = CASES[technique.id]!;
      const pos = analyze(c.positive).openPaths.find((p) => p.techniqueId === technique.id);
      expect(pos?.certainty).toBe('open');
      expect(pos?.fix).toBe(technique.fix);
      expect(analyze(c.negative).openPaths.find((p) => p.techniqueId === technique.id)).toBeUndefined();
    });
  }

  it('closes CVE-2022-0492 on a kernel with the stable fix or a host without unprivileged user namespaces', () => {
    const base: HostFacts = { ...NO_SELINUX, cgroupVersion: 1, unprivilegedUserNamespaces: true };
    const path = (hostFacts: HostFacts) => analyze({ sc: { ...ROOT, ...NO_MAC }, hostFacts }).openPaths.find((p) => p.techniqueId === 'cve-2022-0492');
    expect(path({ ...base, kernelVersion: '5.15.19' })?.certainty).toBe('open');
    expect(path({ ...base, kernelVersion: '5.15.20' })).toBeUndefined();
    expect(path({ ...base, kernelVersion: '6.1.0-18-amd64' })).toBeUndefined();
    expect(path({ ...base, kernelVersion: '5.15.19', unprivilegedUserNamespaces: false })).toBeUndefined();
    expect(path({ ...NO_SELINUX, cgroupVersion: 1, kernelVersion: '5.15.19' })?.unknowns).toEqual(['whether the host allows unprivileged user namespaces is unknown']);
  });

  it('gives containers without a seccomp profile RuntimeDefault on nodes whose kubelet has seccompDefault', () => {
    const open = (hostFacts: HostFacts) => analyze({ sc: ROOT, hostFacts }).openPaths.map((p) => p.techniqueId);
    expect(open({})).toEqual(expect.arrayContaining(['keyctl-unmask', 'kernel-syscall-exploits']));
    expect(open({ kubeletSeccompDefault: true })).not.toContain('keyctl-unmask');
    expect(open({ kubeletSeccompDefault: true })).not.toContain('kernel-syscall-exploits');
    // An explicit Unconfined stays Unconfined.
    expect(analyze({ sc: { ...ROOT, seccompProfile: { type: 'Unconfined' } }, hostFacts: { kubeletSeccompDefault: true } }).openPaths.map((p) => p.techniqueId)).toContain('keyctl-unmask');
  });

  it('reports runtime CVEs as conditional, naming the version condition, when the runtime version is unknown', () => {
    const p = analyze({ sc: ROOT }).openPaths.find((x) => x.techniqueId === 'runc-cve-2024-21626');
    expect(p?.certainty).toBe('conditional');
    expect(p?.unknowns).toEqual(['runc version unknown (vulnerable below 1.1.12)']);
  });

  it('treats an unknown RBAC as conditional and a hardened workload as holding every layer it controls', () => {
    const hardened = analyze({
      pod: {
        hostUsers: false,
        automountServiceAccountToken: false,
        runtimeClassName: 'kata-qemu',
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' } },
      },
      sc: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    });
    expect(hardened.openPaths).toEqual([]);
    const missing = Object.entries(hardened.layers)
      .filter(([, c]) => c.state !== 'held')
      .map(([l]) => l);
    expect(missing).toEqual(['cgroup-limits']);
    expect(hardened.score).toBe(95);

    // The formula in docs/isolation.md: one open critical path halves what the layers give.
    const withSocket = analyze({
      pod: {
        hostUsers: false,
        automountServiceAccountToken: false,
        runtimeClassName: 'kata-qemu',
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'RuntimeDefault' } },
      },
      sc: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      hostPath: { path: '/var/run/docker.sock', readOnly: true },
    });
    expect(withSocket.openPaths.map((p) => p.techniqueId)).toEqual(['container-runtime-socket']);
    expect(withSocket.layers['host-mounts'].state).toBe('missing');
    expect(withSocket.score).toBe(42);
  });
});
