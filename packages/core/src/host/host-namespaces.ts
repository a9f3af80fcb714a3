import type { HostAuditContext } from './context.js';

/*
 * Containers that run in the host's PID, network or IPC namespace, seen from /proc: a process
 * whose cgroup path names a container (kubepods, docker, containerd, CRI-O, libpod) and whose
 * /proc/<pid>/ns/<type> link equals PID 1's. Links are read, never followed; at most MAX_PIDS
 * processes are looked at (the rest make the check incomplete).
 */

const MAX_PIDS = 4096;
const NAMESPACES = ['pid', 'net', 'ipc'] as const;
const CONTAINER_CGROUP = /kubepods|\/docker[/-]|docker-[0-9a-f]{12,}|cri-containerd|crio-|libpod-|\/containerd\//;

export async function auditHostNamespaceContainers(ctx: HostAuditContext): Promise<void> {
  const host = new Map<string, string>();
  for (const ns of NAMESPACES) {
    const link = await ctx.root.readLink(`/proc/1/ns/${ns}`);
    if (link !== null) host.set(ns, link);
  }
  if (host.size === 0) {
    const proc = await ctx.root.stat('/proc/1');
    if (proc !== null)
      ctx.notJudged('namespaces', 'the namespaces of PID 1 could not be read (/proc/1/ns): containers sharing host namespaces were not looked for', 'run with CAP_SYS_PTRACE or as root');
    return;
  }
  const entries = await ctx.root.list('/proc');
  if (!Array.isArray(entries)) return;
  const pids = entries.filter((e) => /^\d+$/.test(e) && e !== '1');
  if (pids.length > MAX_PIDS) ctx.notJudged('namespaces', `${pids.length} processes; only the first ${MAX_PIDS} were looked at`);
  /** container id → namespaces shared, with one sample process. */
  const shared = new Map<string, { ns: Set<string>; pid: string; cgroup: string }>();
  for (const pid of pids.slice(0, MAX_PIDS)) {
    const r = await ctx.root.readText(`/proc/${pid}/cgroup`, 64 * 1024);
    if (r.kind !== 'ok') continue;
    const line = r.text.split('\n').find((l) => CONTAINER_CGROUP.test(l));
    if (line === undefined) continue;
    const id = /([0-9a-f]{64})/.exec(line)?.[1] ?? line.split(':').at(-1) ?? line;
    for (const ns of NAMESPACES) {
      const link = await ctx.root.readLink(`/proc/${pid}/ns/${ns}`);
      if (link === null || link !== host.get(ns)) continue;
      const entry = shared.get(id) ?? { ns: new Set<string>(), pid, cgroup: line };
      entry.ns.add(ns);
      shared.set(id, entry);
    }
  }
  for (const [id, e] of [...shared].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const list = [...e.ns].sort();
    ctx.add({
      ruleId: 'host-container-host-namespace',
      title: `A container shares the host's ${list.join(', ')} namespace${list.length > 1 ? 's' : ''}`,
      severity: e.ns.has('pid') || e.ns.has('ipc') ? 'medium' : 'low',
      description: `Container ${id.slice(0, 12)} (process ${e.pid}, cgroup ${e.cgroup.slice(0, 200)}) runs in the host's ${list.join(', ')} namespace: it sees host processes, loopback services or shared memory. Node agents (CNI, kube-proxy) need host networking; anything else should not.`,
      file: `/proc/${e.pid}/ns`,
      key: list.join(','),
      value: 'host',
      subject: id,
      fix: 'Remove hostPID / hostNetwork / hostIPC (--pid=host, --network=host, --ipc=host) from workloads that are not node agents.',
    });
  }
}
