/**
 * How one container is run by Docker, whatever described it: a Compose service or `docker inspect`
 * output. Both map into this shape with the field path of every value, so one rule set and one
 * isolation mapping serve both (a Compose finding and the finding on the running container share
 * their rule id). Docker's meaning of "unset" is applied in `dockerIsolationProfile`, following
 * moby's defaults: the default seccomp profile, the default capability set (oci/caps/defaults.go),
 * AppArmor `docker-default` on hosts with AppArmor, masked /proc paths unless privileged.
 */
import {
  classifyHostPath,
  effectiveAppArmor,
  effectiveCapabilities,
  effectiveSeccomp,
  normalizeHostPath,
  type HostFacts,
  type HostMount,
  type IsolationProfile,
  type MacMode,
  type SandboxKind,
  type SeccompMode,
} from '../isolation/profile.js';

export interface Located<T> {
  readonly value: T;
  /** Field path in the source document, e.g. `services.web.privileged` or `[0].HostConfig.Privileged`. */
  readonly path: string;
}

export interface BindMount {
  readonly hostPath: string;
  readonly containerPath: string | null;
  readonly readOnly: boolean;
  readonly path: string;
}

export interface PublishedPort {
  /** Host address; '' means all interfaces (Docker's default). */
  readonly hostIp: string;
  /** Host port or range; null when Docker picks one. */
  readonly hostPort: string | null;
  readonly containerPort: string;
  readonly protocol: string;
  readonly path: string;
}

export interface DockerRunSettings {
  readonly source: 'compose' | 'docker-inspect';
  /** Service name or container name. */
  readonly name: string;
  readonly image: string | null;
  readonly privileged: Located<boolean> | null;
  readonly capAdd: readonly Located<string>[];
  readonly capDrop: readonly Located<string>[];
  readonly networkMode: Located<string> | null;
  readonly pidMode: Located<string> | null;
  readonly ipcMode: Located<string> | null;
  readonly usernsMode: Located<string> | null;
  readonly utsMode: Located<string> | null;
  readonly cgroupnsMode: Located<string> | null;
  readonly binds: readonly BindMount[];
  readonly securityOpt: readonly Located<string>[];
  readonly ports: readonly PublishedPort[];
  readonly user: Located<string> | null;
  readonly readOnly: Located<boolean> | null;
  readonly memory: Located<string> | null;
  readonly cpu: Located<string> | null;
  readonly pids: Located<number> | null;
  readonly devices: readonly Located<string>[];
  readonly sysctls: readonly { readonly name: string; readonly value: string }[];
  readonly runtime: Located<string> | null;
  /** `docker inspect` AppArmorProfile (the profile actually applied), when known. */
  readonly appliedAppArmor: Located<string> | null;
  /** True when the daemon remaps users (userns-remap), false/null when not or unknown. */
  readonly daemonUsernsRemap: boolean | null;
  /** True when `user` already includes the image's USER (`docker inspect`): then no user means root. */
  readonly imageUserMerged: boolean;
  /** Where a missing setting would be added, by setting. */
  readonly addAt: {
    readonly base: string;
    readonly user: string;
    readonly readOnly: string;
    readonly memory: string;
    readonly cpu: string;
    readonly pids: string;
    readonly capDrop: string;
    readonly securityOpt: string;
  };
}

export interface SecurityOptions {
  readonly seccomp: { readonly mode: SeccompMode | 'unset'; readonly profile: string | null; readonly path: string | null };
  readonly appArmor: { readonly mode: MacMode | 'unset'; readonly profile: string | null; readonly path: string | null };
  readonly label: { readonly disabled: boolean; readonly type: string | null; readonly level: string | null; readonly path: string | null };
  readonly noNewPrivileges: { readonly value: boolean; readonly path: string | null };
  readonly systempathsUnconfined: { readonly value: boolean; readonly path: string | null };
}

/** Splits `key=value` or the legacy `key:value` (docker run reference, "--security-opt"). */
function splitOpt(opt: string): [string, string] {
  const eq = opt.indexOf('=');
  const colon = opt.indexOf(':');
  const cut = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon);
  if (cut === -1) return [opt.trim().toLowerCase(), ''];
  return [opt.slice(0, cut).trim().toLowerCase(), opt.slice(cut + 1).trim()];
}

export function parseSecurityOptions(opts: readonly Located<string>[]): SecurityOptions {
  let seccomp: SecurityOptions['seccomp'] = { mode: 'unset', profile: null, path: null };
  let appArmor: SecurityOptions['appArmor'] = { mode: 'unset', profile: null, path: null };
  let label: SecurityOptions['label'] = { disabled: false, type: null, level: null, path: null };
  let noNewPrivileges: SecurityOptions['noNewPrivileges'] = { value: false, path: null };
  let systempaths: SecurityOptions['systempathsUnconfined'] = { value: false, path: null };
  for (const { value: opt, path } of opts) {
    const [key, value] = splitOpt(opt);
    switch (key) {
      case 'seccomp':
        if (value.toLowerCase() === 'unconfined') seccomp = { mode: 'Unconfined', profile: null, path };
        else if (value === '' || value === 'builtin') seccomp = { mode: 'RuntimeDefault', profile: null, path };
        // inspect shows the profile JSON itself; Compose names a file.
        else seccomp = { mode: 'Localhost', profile: value.startsWith('{') ? '(inline profile)' : value, path };
        break;
      case 'apparmor':
        if (value.toLowerCase() === 'unconfined') appArmor = { mode: 'Unconfined', profile: null, path };
        else if (value === 'docker-default' || value === '') appArmor = { mode: 'RuntimeDefault', profile: null, path };
        else appArmor = { mode: 'Localhost', profile: value, path };
        break;
      case 'label': {
        const [sub, subValue] = splitOpt(value);
        if (sub === 'disable') label = { ...label, disabled: true, path };
        else if (sub === 'type') label = { ...label, type: subValue, path };
        else if (sub === 'level') label = { ...label, level: subValue, path };
        break;
      }
      case 'no-new-privileges':
        noNewPrivileges = { value: value === '' || /^(true|1|yes)$/i.test(value), path };
        break;
      case 'systempaths':
        systempaths = { value: value.toLowerCase() === 'unconfined', path };
        break;
      default:
        break;
    }
  }
  return { seccomp, appArmor, label, noNewPrivileges, systempathsUnconfined: systempaths };
}

/** Docker's `--runtime` names of sandboxing runtimes. */
export function sandboxKind(runtime: string | null): SandboxKind | null {
  if (runtime === null) return null;
  const r = runtime.toLowerCase();
  if (r === '' || r === 'runc' || r === 'crun' || r === 'io.containerd.runc.v2' || r === 'youki') return null;
  if (r.includes('runsc') || r.includes('gvisor')) return 'gvisor';
  if (r.includes('firecracker') || r.includes('kata-fc')) return 'firecracker';
  if (r.includes('kata')) return 'kata';
  return 'other';
}

const isHost = (l: Located<string> | null): boolean => l !== null && l.value.toLowerCase() === 'host';

/** Parses a user spec `uid[:gid]` / `name[:group]`. */
function userLayer(user: string | null): { runAsUser: number | null; runAsGroup: number | null; root: boolean | null } {
  if (user === null || user.trim() === '') return { runAsUser: null, runAsGroup: null, root: null };
  const [u = '', g] = user.trim().split(':');
  const uid = /^\d+$/.test(u) ? Number(u) : null;
  const gid = g !== undefined && /^\d+$/.test(g) ? Number(g) : null;
  const root = uid !== null ? uid === 0 : u === 'root' ? true : u.includes('$') ? null : false;
  return { runAsUser: uid, runAsGroup: gid, root };
}

/** True when the settings run the process as root (explicitly), false when not, null when it depends on the image. */
export function runsAsRoot(s: DockerRunSettings): boolean | null {
  if (s.user === null && s.imageUserMerged) return true;
  return userLayer(s.user?.value ?? null).root;
}

export function hostMountsOf(s: DockerRunSettings): HostMount[] {
  return s.binds.map((b) => ({
    hostPath: normalizeHostPath(b.hostPath),
    containerPath: b.containerPath,
    readOnly: b.readOnly,
    class: b.hostPath.startsWith('/') ? classifyHostPath(b.hostPath) : 'other',
    fieldPath: b.path,
  }));
}

export function dockerIsolationProfile(s: DockerRunSettings, hostFacts: HostFacts = {}): IsolationProfile {
  const privileged = s.privileged?.value === true;
  const sec = parseSecurityOptions(s.securityOpt);
  const sources: Record<string, string> = {};
  const note = (key: string, path: string | null | undefined): void => {
    if (path !== null && path !== undefined) sources[key] = path;
  };
  note('privileged', s.privileged?.path);
  note('seccomp', sec.seccomp.path);
  note('appArmor', sec.appArmor.path ?? s.appliedAppArmor?.path);
  note('selinux', sec.label.path);
  note('noNewPrivs', sec.noNewPrivileges.path);
  note('user', s.user?.path);
  note('readOnlyRootFilesystem', s.readOnly?.path);
  note('hostNamespaces.network', s.networkMode?.path);
  note('hostNamespaces.pid', s.pidMode?.path);
  note('hostNamespaces.ipc', s.ipcMode?.path);
  note('userNamespace', s.usernsMode?.path);
  note('sandbox', s.runtime?.path);
  note('limits.memory', s.memory?.path);
  note('limits.cpu', s.cpu?.path);
  note('limits.pids', s.pids?.path);
  if (s.capAdd[0] !== undefined) note('capabilities.added', s.capAdd[0].path.replace(/\[\d+\]$/, ''));
  if (s.capDrop[0] !== undefined) note('capabilities.dropped', s.capDrop[0].path.replace(/\[\d+\]$/, ''));

  // The profile Docker actually applied wins when inspect tells it.
  let appArmorDeclared = sec.appArmor.mode;
  let appArmorProfile = sec.appArmor.profile;
  const applied = s.appliedAppArmor?.value;
  if (applied !== undefined && applied !== '') {
    if (applied === 'unconfined') appArmorDeclared = 'Unconfined';
    else if (applied === 'docker-default') appArmorDeclared = 'RuntimeDefault';
    else {
      appArmorDeclared = 'Localhost';
      appArmorProfile = applied;
    }
  }
  const user = s.user === null && s.imageUserMerged ? { runAsUser: 0, runAsGroup: null, root: true } : userLayer(s.user?.value ?? null);
  // Remapped layer paths in inspect output prove a remap (their absence proves nothing); else the daemon.json the host audit read.
  const remap = s.daemonUsernsRemap === true ? true : (hostFacts.dockerUsernsRemap ?? null);
  const userns = isHost(s.usernsMode) ? false : remap;
  const selinuxUnconfined = sec.label.disabled || (sec.label.type !== null && /^(spc_t|unconfined_t)$/.test(sec.label.type));
  return {
    platform: 'docker',
    image: s.image,
    privileged,
    user: { ...user, runAsNonRoot: null, userNamespace: userns },
    seccomp: {
      declared: sec.seccomp.mode,
      effective: effectiveSeccomp('docker', sec.seccomp.mode, privileged),
      localhostProfile: sec.seccomp.profile,
    },
    appArmor: { declared: appArmorDeclared, effective: effectiveAppArmor(appArmorDeclared, privileged), localhostProfile: appArmorProfile },
    selinux: {
      declared: sec.label.disabled ? 'disabled' : sec.label.type !== null || sec.label.level !== null ? 'set' : 'unset',
      type: sec.label.type,
      level: sec.label.level,
      confining: !privileged && !selinuxUnconfined,
    },
    capabilities: effectiveCapabilities(
      s.capAdd.map((c) => c.value),
      s.capDrop.map((c) => c.value),
      privileged,
    ),
    noNewPrivs: sec.noNewPrivileges.value && !privileged,
    readOnlyRootFilesystem: s.readOnly?.value === true,
    limits: { cpu: s.cpu?.value ?? null, memory: s.memory?.value ?? null, pids: s.pids?.value ?? null, ephemeralStorage: null },
    hostNamespaces: {
      pid: isHost(s.pidMode),
      ipc: isHost(s.ipcMode),
      network: isHost(s.networkMode),
      uts: isHost(s.utsMode),
      cgroup: isHost(s.cgroupnsMode),
    },
    hostMounts: hostMountsOf(s),
    devices: privileged ? ['/dev (all devices: privileged)'] : s.devices.map((d) => d.value.split(':')[0] ?? d.value),
    hostPorts: [
      ...new Set(
        s.ports.flatMap((p) => {
          const n = Number((p.hostPort ?? '').split('-')[0]);
          return Number.isInteger(n) && n > 0 ? [n] : [];
        }),
      ),
    ].sort((a, b) => a - b),
    sandbox: { runtimeClass: s.runtime?.value ?? null, kind: sandboxKind(s.runtime?.value ?? null) },
    serviceAccount: null,
    procMount: privileged || sec.systempathsUnconfined.value ? 'Unmasked' : 'Default',
    sysctls: s.sysctls.map((x) => ({ name: x.name, value: x.value })),
    hostFacts,
    sources,
  };
}
