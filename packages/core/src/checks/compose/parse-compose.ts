/**
 * Compose files (v2, v3 and the Compose Specification, https://github.com/compose-spec/compose-spec/blob/main/spec.md)
 * → one DockerRunSettings per service. Parsing is bounded: a size cap, YAML alias expansion capped
 * (`maxAliasCount`, against "billion laughs"), merge keys (`<<: *defaults`) allowed as Compose
 * allows them, a cap on services. Interpolation follows the spec's forms (`${VAR}`, `${VAR:-d}`,
 * `${VAR-d}`, `${VAR:?e}`, `${VAR:+r}`, `$$`) against the environment given (none by default),
 * so `${PRIV:-true}` reads as `true`.
 */
import { addDuplicateKeyErrors } from '../yaml-unique-keys.js';
import { SekishoError } from '../../errors.js';
import type { BindMount, DockerRunSettings, Located, PublishedPort } from '../docker-inspect/run-settings.js';
import { lazyModule } from '../../util/lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

export interface ComposeLimits {
  readonly maxBytes: number;
  readonly maxAliasCount: number;
  readonly maxServices: number;
  /** Items one list or map may hold (ports, volumes, cap_add…); more refuses the file with LIMIT_ENTRY_COUNT. */
  readonly maxListItems: number;
}

/**
 * The `yaml` package parses about 0.5 MB/s here and slower on broken input (1 MB of invalid YAML
 * took 3.6 s), so the size cap is what bounds time; real Compose files are tens of kilobytes.
 */
export const DEFAULT_COMPOSE_LIMITS: ComposeLimits = {
  maxBytes: 512 * 1024,
  maxAliasCount: 200,
  maxServices: 2_000,
  maxListItems: 1_000,
};

export interface ParseComposeOptions {
  /** Variables for interpolation (the `.env` file or the shell); unset variables become empty. */
  readonly env?: Readonly<Record<string, string>>;
  readonly limits?: Partial<ComposeLimits>;
}

export interface ComposeService {
  readonly name: string;
  /** `container_name`, when set. */
  readonly containerName: string | null;
  readonly settings: DockerRunSettings;
}

export interface ComposeFile {
  readonly services: readonly ComposeService[];
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compose interpolation (spec "Interpolation"), nested defaults included, bounded. */
export function interpolate(src: string, env: Readonly<Record<string, string>>, depth = 0): string {
  if (!src.includes('$')) return src;
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = src.charAt(i + 1);
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (n === '{') {
      let j = i + 2;
      let level = 1;
      for (; j < src.length && level > 0; j++) {
        if (src.charAt(j) === '{') level++;
        else if (src.charAt(j) === '}') level--;
      }
      const body = src.slice(i + 2, j - 1);
      i = j;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?([\s\S]*)$/.exec(body);
      if (m === null) continue;
      const name = m[1] ?? '';
      const op = m[2] ?? '';
      const word = depth < 8 ? interpolate(m[3] ?? '', env, depth + 1) : (m[3] ?? '');
      const v = Object.hasOwn(env, name) ? env[name] : undefined;
      if (op === ':-') out += v === undefined || v === '' ? word : v;
      else if (op === '-') out += v ?? word;
      else if (op === ':+') out += v === undefined || v === '' ? '' : word;
      else if (op === '+') out += v === undefined ? '' : word;
      else out += v ?? '';
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1, i + 257));
    if (m === null) {
      out += '$';
      i++;
      continue;
    }
    out += (Object.hasOwn(env, m[0]) ? env[m[0]] : undefined) ?? '';
    i += 1 + m[0].length;
  }
  return out;
}

export function parseCompose(content: string, options: ParseComposeOptions = {}): ComposeFile {
  const limits = { ...DEFAULT_COMPOSE_LIMITS, ...options.limits };
  if (content.length > limits.maxBytes) {
    throw new SekishoError('LIMIT_ENTRY_SIZE', `Compose file is ${content.length} bytes, more than the ${limits.maxBytes} allowed`);
  }
  if (content.includes('\u0000')) throw new SekishoError('CONFIG_INVALID', 'binary content (NUL bytes) is not a Compose file');
  let root: unknown;
  try {
    // Duplicate keys are found by addDuplicateKeyErrors: `uniqueKeys: true` is quadratic in map size.
    const doc = yaml().parseDocument(content, { merge: true, uniqueKeys: false, prettyErrors: false, strict: true });
    addDuplicateKeyErrors(doc);
    const first = doc.errors[0];
    if (first !== undefined) throw new SekishoError('CONFIG_INVALID', `invalid YAML: ${first.message.split('\n')[0] ?? ''}`);
    root = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    if (error instanceof RangeError) throw new SekishoError('LIMIT_ENTRY_SIZE', 'YAML nested too deeply', { cause: error });
    const message = error instanceof Error ? error.message : String(error);
    const code = /alias/i.test(message) ? 'LIMIT_ENTRY_COUNT' : 'CONFIG_INVALID';
    throw new SekishoError(code, `YAML rejected: ${message.split('\n')[0] ?? ''}`, { cause: error });
  }
  if (!isObj(root) || !isObj(root['services'])) {
    throw new SekishoError('CONFIG_INVALID', 'not a Compose file: no top-level `services` map');
  }
  const names = Object.keys(root['services']);
  if (names.length > limits.maxServices) {
    throw new SekishoError('LIMIT_ENTRY_COUNT', `${names.length} services, more than the ${limits.maxServices} allowed`);
  }
  const volumes = isObj(root['volumes']) ? root['volumes'] : {};
  const reader = new Reader(options.env ?? {}, limits.maxListItems);
  const services: ComposeService[] = [];
  for (const name of names.sort()) {
    const svc = root['services'][name];
    if (!isObj(svc)) continue;
    services.push(reader.service(name, svc, volumes));
  }
  return { services };
}

class Reader {
  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly maxItems: number,
  ) {}

  str(v: Json | undefined): string | null {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return interpolate(v, this.env);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return null;
  }

  bool(v: Json | undefined): boolean | null {
    if (typeof v === 'boolean') return v;
    const s = this.str(v);
    if (s === null) return null;
    if (/^(true|yes|on|1)$/i.test(s.trim())) return true;
    if (/^(false|no|off|0|)$/i.test(s.trim())) return false;
    return null;
  }

  /** Past the limit the file is refused (exit 6): a cut list could hide its tail (`cap_add: [..., SYS_ADMIN]`). */
  private bounded<T>(items: T[]): T[] {
    if (items.length > this.maxItems) throw new SekishoError('LIMIT_ENTRY_COUNT', `a list or map of ${items.length} items, more than the ${this.maxItems} allowed`);
    return items;
  }

  list(v: Json | undefined): Json[] {
    return Array.isArray(v) ? this.bounded(v) : [];
  }

  located(svc: Obj, key: string, base: string): Located<string> | null {
    const s = this.str(svc[key]);
    return s === null || s === '' ? null : { value: s, path: `${base}.${key}` };
  }

  strings(svc: Obj, key: string, base: string): Located<string>[] {
    return this.list(svc[key]).flatMap((v, i) => {
      const s = this.str(v);
      return s === null ? [] : [{ value: s, path: `${base}.${key}[${i}]` }];
    });
  }

  service(name: string, svc: Obj, volumes: Obj): ComposeService {
    const base = `services.${name}`;
    const deploy = isObj(svc['deploy']) ? svc['deploy'] : {};
    const resources = isObj(deploy['resources']) ? deploy['resources'] : {};
    const lim = isObj(resources['limits']) ? resources['limits'] : {};
    const limPath = `${base}.deploy.resources.limits`;

    const privileged = this.bool(svc['privileged']);
    const readOnly = this.bool(svc['read_only']);
    const memory = this.located(svc, 'mem_limit', base) ?? this.located(lim, 'memory', limPath);
    const cpu = this.located(svc, 'cpus', base) ?? this.located(lim, 'cpus', limPath) ?? (svc['cpu_quota'] !== undefined ? this.located(svc, 'cpu_quota', base) : null);
    const pidsRaw = svc['pids_limit'] ?? lim['pids'];
    const pidsN = Number(this.str(pidsRaw));
    const pids: Located<number> | null =
      pidsRaw !== undefined && Number.isFinite(pidsN) && pidsN > 0 ? { value: pidsN, path: svc['pids_limit'] !== undefined ? `${base}.pids_limit` : `${limPath}.pids` } : null;

    const settings: DockerRunSettings = {
      source: 'compose',
      name,
      image: this.str(svc['image']),
      privileged: privileged === null ? null : { value: privileged, path: `${base}.privileged` },
      capAdd: this.strings(svc, 'cap_add', base),
      capDrop: this.strings(svc, 'cap_drop', base),
      networkMode: this.located(svc, 'network_mode', base),
      pidMode: this.located(svc, 'pid', base),
      ipcMode: this.located(svc, 'ipc', base),
      usernsMode: this.located(svc, 'userns_mode', base),
      utsMode: this.located(svc, 'uts', base),
      cgroupnsMode: this.located(svc, 'cgroup', base),
      binds: this.binds(svc, base, volumes),
      securityOpt: this.strings(svc, 'security_opt', base),
      ports: this.ports(svc, base),
      user: this.located(svc, 'user', base),
      readOnly: readOnly === null ? null : { value: readOnly, path: `${base}.read_only` },
      memory,
      cpu,
      pids,
      devices: this.list(svc['devices']).flatMap((d, i) => {
        const path = `${base}.devices[${i}]`;
        if (isObj(d)) {
          const src = this.str(d['source']);
          return src === null ? [] : [{ value: src, path }];
        }
        const s = this.str(d);
        return s === null ? [] : [{ value: s, path }];
      }),
      sysctls: this.sysctls(svc['sysctls']),
      runtime: this.located(svc, 'runtime', base),
      appliedAppArmor: null,
      daemonUsernsRemap: null,
      imageUserMerged: false,
      addAt: {
        base,
        user: `${base}.user`,
        readOnly: `${base}.read_only`,
        memory: `${base}.mem_limit`,
        cpu: `${base}.cpus`,
        pids: `${base}.pids_limit`,
        capDrop: `${base}.cap_drop`,
        securityOpt: `${base}.security_opt`,
      },
    };
    return { name, containerName: this.str(svc['container_name']), settings };
  }

  private sysctls(v: Json | undefined): { name: string; value: string }[] {
    if (isObj(v)) return this.bounded(Object.entries(v)).map(([name, value]) => ({ name, value: this.str(value) ?? '' }));
    return this.list(v).flatMap((x) => {
      const s = this.str(x);
      if (s === null) return [];
      const eq = s.indexOf('=');
      return [{ name: eq === -1 ? s : s.slice(0, eq), value: eq === -1 ? '' : s.slice(eq + 1) }];
    });
  }

  /** Host paths bound into the service: short `SRC:DST[:MODE]`, long `{type: bind}`, and named volumes that are binds in disguise. */
  private binds(svc: Obj, base: string, volumes: Obj): BindMount[] {
    const out: BindMount[] = [];
    this.list(svc['volumes']).forEach((v, i) => {
      const path = `${base}.volumes[${i}]`;
      if (isObj(v)) {
        const type = this.str(v['type']) ?? 'volume';
        const source = this.str(v['source']);
        const target = this.str(v['target']);
        const ro = this.bool(v['read_only']) === true;
        if (type === 'bind' && source !== null) out.push({ hostPath: source, containerPath: target, readOnly: ro, path });
        else if (type === 'volume' && source !== null) {
          const host = this.namedVolumeDevice(volumes, source);
          if (host !== null) out.push({ hostPath: host, containerPath: target, readOnly: ro, path });
        }
        return;
      }
      const s = this.str(v);
      if (s === null) return;
      const parsed = parseShortVolume(s);
      if (parsed === null) return;
      if (isHostPath(parsed.source)) {
        out.push({ hostPath: parsed.source, containerPath: parsed.target, readOnly: parsed.readOnly, path });
      } else {
        const host = this.namedVolumeDevice(volumes, parsed.source);
        if (host !== null) out.push({ hostPath: host, containerPath: parsed.target, readOnly: parsed.readOnly, path });
      }
    });
    return out;
  }

  /** A named volume with the local driver's `o: bind` + `device: /path` is a host bind. */
  private namedVolumeDevice(volumes: Obj, name: string): string | null {
    const vol = volumes[name];
    if (!isObj(vol) || !isObj(vol['driver_opts'])) return null;
    const opts = vol['driver_opts'];
    const o = this.str(opts['o']) ?? '';
    const device = this.str(opts['device']);
    return device !== null && /(^|,)r?bind(,|$)/.test(o) && device.startsWith('/') ? device : null;
  }

  private ports(svc: Obj, base: string): PublishedPort[] {
    const out: PublishedPort[] = [];
    this.list(svc['ports']).forEach((p, i) => {
      const path = `${base}.ports[${i}]`;
      if (isObj(p)) {
        const target = this.str(p['target']);
        if (target === null) return;
        out.push({
          hostIp: this.str(p['host_ip']) ?? '',
          hostPort: this.str(p['published']),
          containerPort: target,
          protocol: this.str(p['protocol']) ?? 'tcp',
          path,
        });
        return;
      }
      const s = this.str(p);
      const parsed = s === null ? null : parseShortPort(s);
      if (parsed !== null) out.push({ ...parsed, path });
    });
    return out;
  }
}

function isHostPath(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source);
}

/** `[SOURCE:]TARGET[:MODE]` (spec "volumes", short syntax). */
export function parseShortVolume(spec: string): { source: string; target: string | null; readOnly: boolean } | null {
  const parts = spec.split(':');
  if (parts.length === 1) return null; // anonymous volume
  const [source = '', target = null, mode = ''] = parts;
  return { source, target, readOnly: mode.split(',').includes('ro') };
}

/** `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`; IPv6 host IPs in brackets (spec "ports", short syntax). */
export function parseShortPort(spec: string): Omit<PublishedPort, 'path'> | null {
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1) || 'tcp';
    rest = rest.slice(0, slash);
  }
  let hostIp = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return null;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
    const [hostPort = '', containerPort = ''] = rest.split(':');
    return containerPort === '' ? null : { hostIp, hostPort: hostPort === '' ? null : hostPort, containerPort, protocol };
  }
  const parts = rest.split(':');
  if (parts.length === 1) return { hostIp, hostPort: null, containerPort: parts[0] ?? '', protocol };
  if (parts.length === 2) return { hostIp, hostPort: parts[0] === '' ? null : (parts[0] ?? null), containerPort: parts[1] ?? '', protocol };
  // host_ip may itself be IPv6 without brackets: everything before the last two parts.
  const containerPort = parts.at(-1) ?? '';
  const hostPort = parts.at(-2) ?? '';
  hostIp = parts.slice(0, -2).join(':');
  return { hostIp, hostPort: hostPort === '' ? null : hostPort, containerPort, protocol };
}
