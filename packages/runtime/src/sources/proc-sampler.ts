/**
 * Process starts on this host, found by polling /proc, for machines without a kernel sensor.
 * Each new process (a pid with a new start time) and each exec in a known process (its command
 * name changed) becomes an `execve` event with its ancestry, credentials, capabilities and
 * container (from the cgroup path).
 *
 * What polling cannot see, by design (use Falco or Tetragon input where it matters):
 * - a process that starts and exits between two polls (default every 200 ms) is missed;
 * - an exec that keeps the command name (`sh` exec'ing `sh`) is not noticed;
 * - arguments are read after the fact: a process can rewrite its argv (and often does) before
 *   it is sampled; the executable path is where the image now points;
 * - no file, network or other syscall events: only `execve`; `evt.arg.*`, `fd.*`,
 *   `evt.res` are not provided, so rules reading them are not loadable for this input;
 * - user names come from the host's /etc/passwd, or the container's when its root is readable.
 */
import { open, readdir, readlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessEvent, ProcessInfo } from '../fields-syscall.js';
import { PROCESS_EVENT_FIELDS, type SourceItem } from './source-item.js';

export const PROC_PROVIDES: ReadonlySet<string> = new Set([...PROCESS_EVENT_FIELDS, 'proc.tty', 'proc.sid', 'proc.vpgid', 'proc.sname', 'user.name', 'group.gid', 'k8s.pod.uid']);

/** Linux capability numbers → names (include/uapi/linux/capability.h). */
const CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

export function capabilityNames(hex: string): string[] {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return [];
  const bits = BigInt(`0x${hex}`);
  return CAPS.filter((_, i) => (bits >> BigInt(i)) & 1n);
}

/** The container id (12 characters, as Falco prints it) and pod uid in a /proc/PID/cgroup file; `host` when none. */
export function containerOfCgroup(text: string): { readonly id: string; readonly podUid?: string } {
  let id: string | undefined;
  let podUid: string | undefined;
  for (const line of text.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    const full = /(?:^|[/-])([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path)?.[1];
    if (full !== undefined) id ??= full.slice(0, 12);
    const pod = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/.exec(path)?.[1];
    if (pod !== undefined) podUid ??= pod.replaceAll('_', '-');
  }
  return podUid === undefined ? { id: id ?? 'host' } : { id: id ?? 'host', podUid };
}

interface Stat {
  readonly comm: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly sid: number;
  readonly tty: number;
  readonly starttime: string;
}

/** /proc/PID/stat: the command name sits in parentheses and may itself hold ')' or spaces. */
export function parseStat(text: string): Stat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is the state; fields 4.. of proc(5) follow.
  const num = (i: number): number => Number(rest[i]);
  const starttime = rest[19];
  if (starttime === undefined) return undefined;
  return { comm: text.slice(open + 1, close), ppid: num(1), pgrp: num(2), sid: num(3), tty: num(4), starttime };
}

async function readBounded(path: string, max: number): Promise<string | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(max);
      const { bytesRead } = await handle.read(buffer, 0, max, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

interface Snapshot {
  readonly pid: number;
  readonly stat: Stat;
  readonly info: ProcessInfo;
}

export interface ProcSamplerOptions {
  /** Defaults to /proc. */
  readonly procRoot?: string;
  readonly intervalMs?: number;
  /** Report the processes already running at the first poll (default: only new ones). */
  readonly reportExisting?: boolean;
  /** Defaults to /etc/passwd. */
  readonly passwdFile?: string;
  readonly hostname?: string;
  readonly signal?: AbortSignal;
}

const MAX_CMDLINE = 64 * 1024;
const MAX_ANCESTORS = 16;
const MAX_PASSWD = 256 * 1024;

function passwdNames(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const [name, , uid] = line.split(':');
    if (name !== undefined && uid !== undefined && /^\d+$/.test(uid)) out.set(Number(uid), name);
  }
  return out;
}

/** Samples /proc; `poll()` returns the events since the previous poll. */
export class ProcSampler {
  private readonly root: string;
  private known = new Map<number, Snapshot>();
  private first = true;
  private hostUsers: Map<number, string> | undefined;
  private readonly containerUsers = new Map<string, Map<number, string>>();
  private readonly host: string;

  constructor(private readonly options: ProcSamplerOptions = {}) {
    this.root = options.procRoot ?? '/proc';
    this.host = options.hostname ?? osHostname();
  }

  private async snapshot(pid: number, stat: Stat): Promise<Snapshot> {
    const dir = join(this.root, String(pid));
    const [cmdline, exepath, cwd] = await Promise.all([
      readBounded(join(dir, 'cmdline'), MAX_CMDLINE),
      readlink(join(dir, 'exe')).catch(() => undefined),
      readlink(join(dir, 'cwd')).catch(() => undefined),
    ]);
    const argv = (cmdline ?? '').split('\0');
    if (argv.at(-1) === '') argv.pop();
    const info: ProcessInfo = {
      pid,
      name: stat.comm,
      ...(argv[0] === undefined ? {} : { exe: argv[0] }),
      ...(exepath === undefined ? {} : { exepath: exepath.replace(/ \(deleted\)$/, '') }),
      args: argv.slice(1),
      ...(cwd === undefined ? {} : { cwd }),
      tty: stat.tty,
      sid: stat.sid,
      vpgid: stat.pgrp,
    };
    return { pid, stat, info };
  }

  private async readStat(pid: number): Promise<Stat | undefined> {
    const text = await readBounded(join(this.root, String(pid), 'stat'), 4096);
    return text === undefined ? undefined : parseStat(text);
  }

  private async userName(uid: number, containerId: string, pid: number): Promise<string | undefined> {
    if (containerId === 'host') {
      this.hostUsers ??= passwdNames(await readBounded(this.options.passwdFile ?? '/etc/passwd', MAX_PASSWD));
      return this.hostUsers.get(uid);
    }
    let users = this.containerUsers.get(containerId);
    if (users === undefined) {
      users = passwdNames(await readBounded(join(this.root, String(pid), 'root', 'etc', 'passwd'), MAX_PASSWD));
      if (this.containerUsers.size > 4096) this.containerUsers.clear();
      this.containerUsers.set(containerId, users);
    }
    return users.get(uid);
  }

  private async event(snap: Snapshot, current: Map<number, Snapshot>): Promise<ProcessEvent> {
    const dir = join(this.root, String(snap.pid));
    const [status, cgroup, loginuid] = await Promise.all([readBounded(join(dir, 'status'), 16384), readBounded(join(dir, 'cgroup'), 16384), readBounded(join(dir, 'loginuid'), 64)]);
    const line = (key: string): string[] => (new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status ?? '')?.[1] ?? '').split(/\s+/);
    const uid = Number(line('Uid')[1]);
    const gid = Number(line('Gid')[1]);
    const container = containerOfCgroup(cgroup ?? '');
    const ancestors: ProcessInfo[] = [];
    let ppid = snap.stat.ppid;
    for (let i = 0; i < MAX_ANCESTORS && ppid > 0; i++) {
      let parent = current.get(ppid);
      if (parent === undefined) {
        const stat = await this.readStat(ppid);
        if (stat === undefined) break;
        parent = await this.snapshot(ppid, stat);
      }
      ancestors.push(parent.info);
      ppid = parent.stat.ppid;
    }
    const login = Number((loginuid ?? '').trim());
    const name = Number.isInteger(uid) ? await this.userName(uid, container.id, snap.pid) : undefined;
    const sname = current.get(snap.stat.sid)?.info.name;
    return {
      type: 'execve',
      hostname: this.host,
      proc: { ...snap.info, ppid: snap.stat.ppid, ...(sname === undefined ? {} : { sname }) },
      ancestors,
      user: {
        ...(Number.isInteger(uid) ? { uid } : {}),
        ...(name === undefined ? {} : { name }),
        ...(Number.isInteger(login) && (loginuid ?? '').trim() !== '' ? { loginuid: login === 4294967295 ? -1 : login } : {}),
      },
      ...(Number.isInteger(gid) ? { group: { gid } } : {}),
      caps: { effective: capabilityNames(line('CapEff')[0] ?? ''), permitted: capabilityNames(line('CapPrm')[0] ?? '') },
      container: { id: container.id },
      ...(container.podUid === undefined ? {} : { k8s: { podUid: container.podUid } }),
    };
  }

  /** The exec events since the last poll (none on the first poll unless `reportExisting`). */
  async poll(): Promise<SourceItem[]> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    const current = new Map<number, Snapshot>();
    const started: Snapshot[] = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const stat = await this.readStat(pid);
      if (stat === undefined) continue;
      const before = this.known.get(pid);
      if (before !== undefined && before.stat.starttime === stat.starttime && before.stat.comm === stat.comm) {
        current.set(pid, before);
        continue;
      }
      const snap = await this.snapshot(pid, stat);
      current.set(pid, snap);
      if (!this.first || this.options.reportExisting === true) started.push(snap);
    }
    this.known = current;
    this.first = false;
    const timeNs = BigInt(Date.now()) * 1_000_000n;
    const items: SourceItem[] = [];
    for (const snap of started) {
      const event = await this.event(snap, current);
      items.push({ kind: 'event', source: 'syscall', event, timeNs });
    }
    return items;
  }

  /** Polls until the signal aborts. */
  async *run(): AsyncGenerator<SourceItem> {
    const signal = this.options.signal;
    while (signal?.aborted !== true) {
      for (const item of await this.poll()) yield item;
      await sleep(this.options.intervalMs ?? 200, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    }
  }
}
