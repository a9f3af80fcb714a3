/**
 * `docker inspect <container>…` JSON → one DockerRunSettings per container. Field paths are
 * JSON paths into the input array (`[0].HostConfig.Privileged`). Zero values mean "unset" as in
 * the Engine API: Memory/NanoCpus/CpuQuota 0 → no limit, PidsLimit 0/-1/null → no limit.
 * Config.User is the image's USER merged with `--user`, so an empty one means root.
 */
import { SekishoError } from '../../errors.js';
import type { BindMount, DockerRunSettings, Located, PublishedPort } from './run-settings.js';
import { InspectContainer } from './schema.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

export interface InspectLimits {
  readonly maxBytes: number;
  readonly maxContainers: number;
}

export const DEFAULT_INSPECT_LIMITS: InspectLimits = { maxBytes: 32 * 1024 * 1024, maxContainers: 5_000 };

export interface InspectedContainer {
  readonly index: number;
  readonly id: string;
  /** Container name without the leading slash. */
  readonly name: string;
  readonly settings: DockerRunSettings;
}

export interface ParsedInspect {
  readonly containers: readonly InspectedContainer[];
  /** Array entries that are not containers, with the reason; the others are still read. */
  readonly skipped: readonly { readonly index: number; readonly reason: string }[];
}

export function parseDockerInspect(content: string, limits: Partial<InspectLimits> = {}): ParsedInspect {
  const lim = { ...DEFAULT_INSPECT_LIMITS, ...limits };
  if (content.length > lim.maxBytes) {
    throw new SekishoError('LIMIT_JSON_SIZE', `inspect output is ${content.length} bytes, more than the ${lim.maxBytes} allowed`);
  }
  let root: unknown;
  try {
    root = JSON.parse(content);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const items = Array.isArray(root) ? root : typeof root === 'object' && root !== null ? [root] : null;
  if (items === null) throw new SekishoError('CONFIG_INVALID', 'not docker inspect output: expected an array of containers');
  if (items.length > lim.maxContainers) {
    throw new SekishoError('LIMIT_ENTRY_COUNT', `${items.length} containers, more than the ${lim.maxContainers} allowed`);
  }
  const containers: InspectedContainer[] = [];
  const skipped: { index: number; reason: string }[] = [];
  items.forEach((item, index) => {
    const r = InspectContainer.safeParse(item, PARSE_ONCE);
    if (!r.success) {
      const issue = r.error.issues[0];
      skipped.push({ index, reason: `not a container (${issue === undefined ? 'invalid' : `${issue.path.join('.')}: ${issue.message}`})` });
      return;
    }
    containers.push(toSettings(r.data, index));
  });
  if (containers.length === 0 && skipped.length > 0) {
    throw new SekishoError('CONFIG_INVALID', 'not docker inspect output: no entry has Id and HostConfig');
  }
  return { containers, skipped };
}

const loc = <T>(value: T | null | undefined, path: string): Located<T> | null => (value === null || value === undefined ? null : { value, path });
const mode = (value: string | null | undefined, path: string): Located<string> | null => (value === null || value === undefined || value === '' ? null : { value, path });
const list = (xs: readonly string[] | null | undefined, path: string): Located<string>[] => (xs ?? []).map((value, i) => ({ value, path: `${path}[${i}]` }));

function toSettings(c: InspectContainer, index: number): InspectedContainer {
  const base = `[${index}]`;
  const hc = c.HostConfig;
  const hcp = `${base}.HostConfig`;
  const name = (c.Name ?? '').replace(/^\//, '') || c.Id.slice(0, 12);

  let binds: BindMount[];
  if (c.Mounts !== null && c.Mounts !== undefined) {
    binds = c.Mounts.flatMap((m, i) =>
      m.Type === 'bind' && typeof m.Source === 'string' ? [{ hostPath: m.Source, containerPath: m.Destination ?? null, readOnly: m.RW === false, path: `${base}.Mounts[${i}]` }] : [],
    );
  } else {
    binds = (hc.Binds ?? []).flatMap((b, i) => {
      const [src = '', dst = null, opts = ''] = b.split(':');
      return src.startsWith('/') ? [{ hostPath: src, containerPath: dst, readOnly: opts.split(',').includes('ro'), path: `${hcp}.Binds[${i}]` }] : [];
    });
  }

  const ports: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(hc.PortBindings ?? {})) {
    const [containerPort = key, protocol = 'tcp'] = key.split('/');
    (bindings ?? []).forEach((b, i) => {
      ports.push({
        hostIp: b.HostIp ?? '',
        hostPort: b.HostPort === '' || b.HostPort === undefined ? null : b.HostPort,
        containerPort,
        protocol,
        path: `${hcp}.PortBindings["${key}"][${i}]`,
      });
    });
  }

  const memory = hc.Memory !== null && hc.Memory !== undefined && hc.Memory > 0 ? { value: String(hc.Memory), path: `${hcp}.Memory` } : null;
  const cpu =
    hc.NanoCpus !== null && hc.NanoCpus !== undefined && hc.NanoCpus > 0
      ? { value: String(hc.NanoCpus / 1e9), path: `${hcp}.NanoCpus` }
      : hc.CpuQuota !== null && hc.CpuQuota !== undefined && hc.CpuQuota > 0
        ? { value: `${hc.CpuQuota}/${hc.CpuPeriod ?? 100000}`, path: `${hcp}.CpuQuota` }
        : null;
  const pids = hc.PidsLimit !== null && hc.PidsLimit !== undefined && hc.PidsLimit > 0 ? { value: hc.PidsLimit, path: `${hcp}.PidsLimit` } : null;

  const graph = Object.values(c.GraphDriver?.Data ?? {});
  // With userns-remap the daemon keeps layers under <root>/<uid>.<gid>/ (e.g. /var/lib/docker/100000.100000/overlay2).
  const remap = graph.length === 0 ? null : graph.some((p) => /\/\d+\.\d+\/[\w-]+\//.test(p));

  const user = c.Config?.User ?? '';
  const settings: DockerRunSettings = {
    source: 'docker-inspect',
    name,
    image: c.Config?.Image ?? null,
    privileged: loc(hc.Privileged, `${hcp}.Privileged`),
    capAdd: list(hc.CapAdd, `${hcp}.CapAdd`),
    capDrop: list(hc.CapDrop, `${hcp}.CapDrop`),
    networkMode: mode(hc.NetworkMode, `${hcp}.NetworkMode`),
    pidMode: mode(hc.PidMode, `${hcp}.PidMode`),
    ipcMode: mode(hc.IpcMode, `${hcp}.IpcMode`),
    usernsMode: mode(hc.UsernsMode, `${hcp}.UsernsMode`),
    utsMode: mode(hc.UTSMode, `${hcp}.UTSMode`),
    cgroupnsMode: mode(hc.CgroupnsMode, `${hcp}.CgroupnsMode`),
    binds,
    securityOpt: list(hc.SecurityOpt, `${hcp}.SecurityOpt`),
    ports,
    user: user === '' ? null : { value: user, path: `${base}.Config.User` },
    readOnly: loc(hc.ReadonlyRootfs, `${hcp}.ReadonlyRootfs`),
    memory,
    cpu,
    pids,
    devices: (hc.Devices ?? []).flatMap((d, i) => (d.PathOnHost ? [{ value: d.PathOnHost, path: `${hcp}.Devices[${i}]` }] : [])),
    sysctls: Object.entries(hc.Sysctls ?? {}).map(([n, v]) => ({ name: n, value: v })),
    runtime: mode(hc.Runtime, `${hcp}.Runtime`),
    appliedAppArmor: mode(c.AppArmorProfile, `${base}.AppArmorProfile`),
    daemonUsernsRemap: remap,
    imageUserMerged: true,
    addAt: {
      base,
      user: `${base}.Config.User`,
      readOnly: `${hcp}.ReadonlyRootfs`,
      memory: `${hcp}.Memory`,
      cpu: `${hcp}.NanoCpus`,
      pids: `${hcp}.PidsLimit`,
      capDrop: `${hcp}.CapDrop`,
      securityOpt: `${hcp}.SecurityOpt`,
    },
  };
  return { index, id: c.Id, name, settings };
}
