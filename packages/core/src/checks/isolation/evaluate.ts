import { KERNEL_CVES } from '../../kernel-catalog/kernel-cves.js';
import { inRanges, parseKernelRelease } from '../../kernel-catalog/versions.js';
import { BREAKOUT_CATALOG, type BreakoutTechnique, type Condition } from './catalog.js';
import type { IsolationLayerId, IsolationProfile, LayerCell, LayerMatrix, LayerState, OpenPath } from './profile.js';
import { lazyModule } from '../../util/lazy-module.js';

const semver = lazyModule<typeof import('semver')>('semver');

/** Three-valued truth: null = depends on a fact the input does not give. */
export type Tri = boolean | null;

export interface ConditionResult {
  readonly value: Tri;
  /** Facts that hold and make the condition true. */
  readonly because: readonly string[];
  /** Facts that are unknown and keep the outcome open. */
  readonly unknowns: readonly string[];
}

const T = (why: string): ConditionResult => ({ value: true, because: [why], unknowns: [] });
const F = (why: string): ConditionResult => ({ value: false, because: [why], unknowns: [] });
const U = (why: string): ConditionResult => ({ value: null, because: [], unknowns: [why] });
const tri = (v: Tri, yes: string, no: string, unknown: string): ConditionResult => (v === true ? T(yes) : v === false ? F(no) : U(unknown));

/** AppArmor or SELinux confines the container: true/false, or null when it depends on the host. */
export function macConfines(p: IsolationProfile): Tri {
  if (p.privileged) return false;
  let aa: Tri;
  if (p.appArmor.effective === 'Unconfined') aa = false;
  else if (p.hostFacts.appArmorEnabled !== undefined) aa = p.hostFacts.appArmorEnabled;
  // An explicit profile is refused by the kubelet/daemon on hosts without AppArmor, so it holds.
  else aa = p.appArmor.declared === 'unset' ? null : true;
  let se: Tri;
  if (!p.selinux.confining) se = false;
  else se = p.hostFacts.selinuxEnforcing ?? null;
  if (aa === true || se === true) return true;
  if (aa === false && se === false) return false;
  return null;
}

function compareVersion(actual: string, fixed: string): Tri {
  const a = semver().valid(actual) ?? semver().valid(semver().coerce(actual));
  const f = semver().valid(fixed) ?? semver().valid(semver().coerce(fixed));
  if (a === null || f === null) return null;
  return semver().lt(a, f);
}

function fact(c: Extract<Condition, { fact: string }>, p: IsolationProfile): ConditionResult {
  switch (c.fact) {
    case 'privileged':
      return tri(p.privileged, 'privileged', 'not privileged', '');
    case 'capability': {
      const has = p.capabilities.effective.includes(c.name);
      return tri(has, `CAP_${c.name} in the effective set`, `no CAP_${c.name}`, '');
    }
    case 'seccomp': {
      const inModes = c.modes.includes(p.seccomp.effective);
      const unsetNote = p.seccomp.declared === 'unset' ? ' (unset)' : '';
      return tri(inModes, `seccomp ${p.seccomp.effective}${unsetNote}`, `seccomp ${p.seccomp.effective}`, '');
    }
    case 'mac-unconfined': {
      const confines = macConfines(p);
      return tri(
        confines === null ? null : !confines,
        'no AppArmor or SELinux confinement',
        'AppArmor or SELinux confines the container',
        'AppArmor/SELinux confinement depends on the host (profile not set explicitly)',
      );
    }
    case 'user-namespace':
      return tri(p.user.userNamespace, 'user namespace', 'no user namespace', 'user namespace not stated');
    case 'root':
      return tri(p.user.root, 'runs as root (UID 0)', 'runs as non-root', 'user depends on the image (no runAsUser/runAsNonRoot)');
    case 'host-namespace': {
      const v = c.namespace === 'pid' ? p.hostNamespaces.pid : c.namespace === 'ipc' ? p.hostNamespaces.ipc : p.hostNamespaces.network;
      return tri(v, `host ${c.namespace} namespace`, `own ${c.namespace} namespace`, '');
    }
    case 'host-mount': {
      const m = p.hostMounts.find((x) => c.classes.includes(x.class) && (!c.writable || !x.readOnly));
      return m === undefined ? F('no such host mount') : T(`host path ${m.hostPath} mounted${m.readOnly ? ' read-only' : ' writable'}${m.containerPath === null ? '' : ` at ${m.containerPath}`}`);
    }
    case 'device':
      return tri(p.devices.length > 0, `host devices ${p.devices.join(', ')}`, 'no host devices', '');
    case 'sandbox':
      return tri(p.sandbox.kind !== null, `sandboxed runtime ${p.sandbox.runtimeClass ?? ''}`.trim(), 'no sandboxed runtime', '');
    case 'proc-unmasked':
      return tri(p.procMount === 'Unmasked', 'procMount Unmasked', 'procMount Default', '');
    case 'token-power': {
      const sa = p.serviceAccount;
      if (sa === null || !sa.tokenMounted) return F('no API token mounted');
      if (sa.powers === null) return U(`RBAC of service account ${sa.name ?? 'default'} not in the input`);
      const held = c.powers.filter((x) => sa.powers!.includes(x));
      return held.length > 0
        ? T(`token of service account ${sa.name ?? 'default'} mounted; it can ${held.join(', ')}${sa.powerScope.length > 0 ? ` (in ${sa.powerScope.join(', ')})` : ''}`)
        : F('token has no such power');
    }
    case 'version-below': {
      const actual = c.component === 'runc' ? p.hostFacts.runcVersion : p.hostFacts.kernelVersion;
      if (actual === undefined) return U(`${c.component} version unknown (vulnerable below ${c.fixed})`);
      const below = compareVersion(actual, c.fixed);
      return tri(below, `${c.component} ${actual} < ${c.fixed}`, `${c.component} ${actual} ≥ ${c.fixed}`, `${c.component} version ${actual} not comparable`);
    }
    case 'cgroup-v1': {
      const v = p.hostFacts.cgroupVersion;
      return tri(v === undefined ? null : v === 1, 'cgroup v1 host', 'cgroup v2 host', 'cgroup version of the host unknown');
    }
    case 'kernel-cve': {
      const cve = KERNEL_CVES.find((k) => k.id === c.cve);
      const fixed = cve?.affected.map((r) => r.fixed).join(', ') ?? '?';
      const actual = p.hostFacts.kernelVersion;
      if (actual === undefined || cve === undefined) return U(`kernel version unknown (${c.cve} fixed in ${fixed})`);
      const upstream = parseKernelRelease(actual)?.upstream;
      if (upstream === undefined) return U(`kernel version ${actual} not comparable`);
      return tri(inRanges(upstream, cve.affected), `kernel ${actual} in the ${c.cve} affected range (fixed in ${fixed})`, `kernel ${actual} has the ${c.cve} fix`, '');
    }
    case 'unprivileged-userns': {
      const v = p.hostFacts.unprivilegedUserNamespaces;
      return tri(v ?? null, 'host allows unprivileged user namespaces', 'host forbids unprivileged user namespaces', 'whether the host allows unprivileged user namespaces is unknown');
    }
  }
}

export function evaluateCondition(c: Condition, p: IsolationProfile): ConditionResult {
  if ('all' in c) {
    const rs = c.all.map((x) => evaluateCondition(x, p));
    const failed = rs.find((r) => r.value === false);
    if (failed !== undefined) return { value: false, because: failed.because, unknowns: [] };
    return {
      value: rs.some((r) => r.value === null) ? null : true,
      because: rs.flatMap((r) => r.because),
      unknowns: rs.flatMap((r) => r.unknowns),
    };
  }
  if ('any' in c) {
    const rs = c.any.map((x) => evaluateCondition(x, p));
    const hit = rs.find((r) => r.value === true);
    if (hit !== undefined) return hit;
    const open = rs.filter((r) => r.value === null);
    if (open.length > 0) return { value: null, because: open.flatMap((r) => r.because), unknowns: open.flatMap((r) => r.unknowns) };
    return { value: false, because: rs.flatMap((r) => r.because), unknowns: [] };
  }
  if ('not' in c) {
    const r = evaluateCondition(c.not, p);
    return { value: r.value === null ? null : !r.value, because: r.value === false ? r.because : [], unknowns: r.unknowns };
  }
  return fact(c, p);
}

/** Techniques whose preconditions hold (`open`) or may hold (`conditional`). */
export function openPaths(p: IsolationProfile, catalog: readonly BreakoutTechnique[] = BREAKOUT_CATALOG): OpenPath[] {
  const out: OpenPath[] = [];
  for (const t of catalog) {
    const r = evaluateCondition(t.preconditions, p);
    if (r.value === false) continue;
    out.push({
      techniqueId: t.id,
      name: t.name,
      impact: t.impact,
      severity: t.severity,
      certainty: r.value === true ? 'open' : 'conditional',
      because: [...new Set(r.because.filter((b) => b !== ''))],
      unknowns: [...new Set(r.unknowns)],
      fix: t.fix,
      references: t.references,
    });
  }
  return out;
}

const cell = (state: LayerState, detail: string): LayerCell => ({ state, detail });

/** Capabilities beyond the runtime default set that matter for breakouts. */
const DANGEROUS_CAPS = new Set(['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_ADMIN', 'SYS_BOOT', 'SYS_TIME', 'MAC_ADMIN', 'MAC_OVERRIDE', 'BPF', 'PERFMON', 'SYSLOG']);

export function layerMatrix(p: IsolationProfile): LayerMatrix {
  const extra = p.capabilities.effective.filter((c) => !p.capabilities.defaultSet.includes(c));
  const dangerous = p.capabilities.effective.filter((c) => DANGEROUS_CAPS.has(c));
  const mac = macConfines(p);
  const sensitive = p.hostMounts.filter((m) => m.class !== 'other');
  const critical = sensitive.filter((m) => m.class === 'container-socket' || m.class === 'host-root' || (!m.readOnly && m.class !== 'log'));
  const sa = p.serviceAccount;
  const limits = [p.limits.memory !== null, p.limits.cpu !== null].filter(Boolean).length;
  return {
    'user-namespace':
      p.user.userNamespace === true
        ? cell('held', 'container root maps to an unprivileged host user')
        : cell('missing', p.platform === 'kubernetes' ? 'hostUsers is not false: container UIDs are host UIDs' : 'no user namespace stated'),
    'non-root':
      p.user.root === false
        ? cell('held', p.user.runAsUser !== null ? `runs as UID ${p.user.runAsUser}` : 'runAsNonRoot enforced')
        : p.user.root === true
          ? cell('missing', 'runs as UID 0')
          : cell('partial', 'user comes from the image; non-root not enforced'),
    capabilities: p.privileged
      ? cell('missing', 'privileged: every capability')
      : dangerous.length > 0
        ? cell('missing', `adds ${dangerous.join(', ')}`)
        : p.capabilities.effective.every((c) => c === 'NET_BIND_SERVICE')
          ? cell('held', p.capabilities.effective.length === 0 ? 'all capabilities dropped' : 'only NET_BIND_SERVICE')
          : cell('partial', extra.length > 0 ? `adds ${extra.join(', ')}` : `runtime default set (${p.capabilities.effective.length} capabilities)`),
    seccomp:
      p.seccomp.effective === 'Unconfined'
        ? cell('missing', p.privileged ? 'privileged: seccomp off' : p.seccomp.declared === 'unset' ? 'not set: Unconfined on Kubernetes' : 'Unconfined')
        : cell('held', p.seccomp.declared === 'unset' ? `${p.seccomp.effective} (platform default)` : p.seccomp.effective),
    mac:
      mac === true
        ? cell('held', p.appArmor.declared !== 'unset' ? `AppArmor ${p.appArmor.declared}` : 'SELinux enforcing')
        : mac === false
          ? cell('missing', p.privileged ? 'privileged: AppArmor/SELinux off' : 'AppArmor and SELinux off')
          : cell('partial', 'runtime default profile only if the host enables AppArmor/SELinux'),
    'no-new-privs': p.noNewPrivs ? cell('held', 'no_new_privs set') : cell('missing', p.platform === 'kubernetes' ? 'allowPrivilegeEscalation not false' : 'no-new-privileges not set'),
    'read-only-root': p.readOnlyRootFilesystem ? cell('held', 'read-only root filesystem') : cell('missing', 'writable root filesystem'),
    'cgroup-limits':
      limits === 2 && (p.platform === 'kubernetes' || p.limits.pids !== null)
        ? cell('held', `memory ${p.limits.memory}, cpu ${p.limits.cpu}${p.limits.pids !== null ? `, pids ${p.limits.pids}` : ''}`)
        : limits > 0 || p.limits.pids !== null
          ? cell(
              'partial',
              `missing ${[p.limits.memory === null ? 'memory' : '', p.limits.cpu === null ? 'cpu' : '', p.platform === 'docker' && p.limits.pids === null ? 'pids' : ''].filter(Boolean).join(', ')} limit`,
            )
          : cell('missing', 'no memory or cpu limit'),
    'host-namespaces':
      p.hostNamespaces.pid || p.hostNamespaces.network
        ? cell('missing', `shares host ${[p.hostNamespaces.pid ? 'PID' : '', p.hostNamespaces.network ? 'network' : '', p.hostNamespaces.ipc ? 'IPC' : ''].filter(Boolean).join(', ')}`)
        : p.hostNamespaces.ipc || p.hostNamespaces.uts
          ? cell('partial', `shares host ${[p.hostNamespaces.ipc ? 'IPC' : '', p.hostNamespaces.uts ? 'UTS' : ''].filter(Boolean).join(', ')}`)
          : cell('held', 'own PID, network and IPC namespaces'),
    'host-mounts':
      critical.length > 0
        ? cell('missing', critical.map((m) => `${m.hostPath}${m.readOnly ? ' (ro)' : ''}`).join(', '))
        : sensitive.length > 0 || p.devices.length > 0
          ? cell('partial', [...sensitive.map((m) => `${m.hostPath} (ro)`), ...p.devices].join(', '))
          : cell('held', p.hostMounts.length > 0 ? 'only non-sensitive host paths' : 'no host paths'),
    sandbox:
      p.sandbox.kind !== null
        ? cell('held', `${p.sandbox.kind} (${p.sandbox.runtimeClass ?? ''})`)
        : cell('missing', p.sandbox.runtimeClass !== null ? `runtime ${p.sandbox.runtimeClass} is not a known sandbox` : 'shared host kernel (runc/crun)'),
    'api-credentials':
      sa === null || !sa.tokenMounted
        ? cell('held', 'no API token mounted')
        : sa.powers === null
          ? cell('partial', `token of ${sa.name ?? 'default'} mounted; its RBAC is not in the input`)
          : sa.powers.length === 0
            ? cell('partial', `token of ${sa.name ?? 'default'} mounted without risky permissions`)
            : cell('missing', `token of ${sa.name ?? 'default'} can ${sa.powers.join(', ')}`),
  };
}

/**
 * Weights of the layers in the isolation score (sum 100). Documented in docs/isolation.md; the
 * layers that stop whole classes of breakouts weigh most.
 */
export const LAYER_WEIGHTS: Readonly<Record<IsolationLayerId, number>> = {
  'user-namespace': 12,
  'non-root': 10,
  capabilities: 12,
  seccomp: 12,
  mac: 8,
  'no-new-privs': 6,
  'read-only-root': 5,
  'cgroup-limits': 5,
  'host-namespaces': 10,
  'host-mounts': 12,
  sandbox: 4,
  'api-credentials': 4,
};

const STATE_VALUE: Readonly<Record<LayerState, number>> = { held: 1, partial: 0.5, missing: 0 };

/** Share of the score an open path removes, by severity; a conditional path removes half of it. */
export const PATH_PENALTY: Readonly<Record<OpenPath['severity'], number>> = {
  critical: 0.5,
  high: 0.3,
  medium: 0.15,
  low: 0.05,
};

/** score = round(Σ weight × state value × Π (1 − penalty)) — see docs/isolation.md. */
export function isolationScore(matrix: LayerMatrix, paths: readonly OpenPath[]): number {
  let base = 0;
  for (const [layer, weight] of Object.entries(LAYER_WEIGHTS) as [IsolationLayerId, number][]) base += weight * STATE_VALUE[matrix[layer].state];
  let factor = 1;
  for (const p of paths) factor *= 1 - PATH_PENALTY[p.severity] * (p.certainty === 'open' ? 1 : 0.5);
  return Math.round(base * factor);
}
