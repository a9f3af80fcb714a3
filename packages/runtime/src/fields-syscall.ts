/**
 * Fields of the `syscall` source (libsinsp's evt/proc/thread/user/group/fd/container/k8s classes,
 * falcosecurity/libs userspace/libsinsp/sinsp_filtercheck_*.cpp) over one normalized process
 * event. Sensors differ in what they can see, so every source declares the fields it fills
 * (`provides` in its module): a rule whose condition reads a field its source does not fill is
 * reported at load and skipped, never left to match nothing.
 *
 * | field | type | value |
 * |---|---|---|
 * | evt.type / evt.res / evt.rawres / evt.hostname / evt.args / evt.arg.NAME (evt.arg[NAME]) | | the event and its arguments |
 * | evt.is_open_read / evt.is_open_write | string | "true"/"false" from the open flags |
 * | evt.time / evt.time.iso8601 / evt.rawtime / evt.num / evt.source | | generic |
 * | proc.pid / ppid / name / exe / exepath / args / cmdline / cwd / tty / sid / vpgid / env / sname | | the process |
 * | proc.pname / pexe / pexepath / pcmdline | | the parent |
 * | proc.aname[N] / apid[N] / aexepath[N] / acmdline[N] | | ancestor N (0 = the process, 1 = parent); without N: every ancestor |
 * | thread.cap_effective / thread.cap_permitted | string | capability names, space separated |
 * | user.uid / user.name / user.loginuid / user.loginname / group.gid / group.name | | credentials |
 * | container.id ("host" outside a container) / name / image / image.repository / image.tag / image.digest / privileged | | the container |
 * | k8s.ns.name / k8s.pod.name / k8s.pod.uid | string | the pod |
 * | fd.name / type / typechar / num / directory / filename / l4proto / sip / cip / lip / rip / sport / cport / lport / rport / nameraw | | the file or socket |
 *
 * Numeric fields compare as signed 64-bit integers (`fd.num=-1`, `user.loginuid=-1`).
 */
import { imageRepository, isoTime, type AuditEventContext, type Extracted, type FieldDefinition, type FieldType } from './fields-k8saudit.js';

/** One process in an event: the acting process or one of its ancestors. */
export type ProcessInfo = {
  readonly pid?: number;
  /** The command name (comm). */
  readonly name?: string;
  /** argv[0]. */
  readonly exe?: string;
  /** The full path of the executable. */
  readonly exepath?: string;
  /** argv[1..]. */
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly tty?: number;
  readonly sid?: number;
  readonly vpgid?: number;
  readonly env?: readonly string[];
  /** The name of the session leader. */
  readonly sname?: string;
};

export type ContainerInfo = {
  /** `host` for processes outside a container. */
  readonly id: string;
  readonly name?: string;
  /** The image reference as the runtime knows it (`docker.io/library/nginx:1.27`). */
  readonly image?: string;
  readonly imageDigest?: string;
  readonly privileged?: boolean;
};

export type SocketOrFile = {
  readonly name?: string;
  /** file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, memfd… */
  readonly type?: string;
  readonly num?: number;
  readonly l4proto?: string;
  /** Client (connecting) and server (listening) ends, as libsinsp names them. */
  readonly clientIp?: string;
  readonly clientPort?: number;
  readonly serverIp?: string;
  readonly serverPort?: number;
  /** Whether this process is the client end (connect) or the server end (accept). */
  readonly role?: 'client' | 'server';
};

/** A process/syscall event as every syscall-source sensor is normalized to. */
export type ProcessEvent = {
  /** evt.type: execve, procexit, open, connect… */
  readonly type: string;
  readonly res?: string;
  readonly rawres?: number;
  readonly hostname?: string;
  /** evt.arg.NAME values as text. */
  readonly args?: Readonly<Record<string, string>>;
  readonly proc: ProcessInfo & { readonly ppid?: number };
  /** Ancestors, the parent first. */
  readonly ancestors: readonly ProcessInfo[];
  readonly user?: { readonly uid?: number; readonly name?: string; readonly loginuid?: number; readonly loginname?: string };
  readonly group?: { readonly gid?: number; readonly name?: string };
  readonly caps?: { readonly effective?: readonly string[]; readonly permitted?: readonly string[] };
  readonly container?: ContainerInfo;
  readonly k8s?: { readonly ns?: string; readonly pod?: string; readonly podUid?: string };
  readonly fd?: SocketOrFile;
};

const pe = (ctx: AuditEventContext): ProcessEvent => ctx.event as unknown as ProcessEvent;

const str = (v: string | undefined): readonly string[] | undefined => (v === undefined ? undefined : [v]);
const num = (v: number | undefined): readonly bigint[] | undefined => (v === undefined || !Number.isFinite(v) ? undefined : [BigInt(Math.trunc(v))]);

/** Falco's proc.cmdline: the command name, then the arguments. */
function cmdline(p: ProcessInfo | undefined): string | undefined {
  if (p?.name === undefined) return undefined;
  return p.args === undefined || p.args.length === 0 ? p.name : `${p.name} ${p.args.join(' ')}`;
}

/** Ancestor `n`: 0 is the process itself, 1 its parent. */
function ancestor(e: ProcessEvent, n: number): ProcessInfo | undefined {
  return n === 0 ? e.proc : e.ancestors[n - 1];
}

const defs: FieldDefinition[] = [];
function field(
  name: string,
  description: string,
  extract: (ctx: AuditEventContext, arg: string | undefined) => Extracted | undefined,
  options: { type?: FieldType; arg?: FieldDefinition['arg']; list?: boolean } = {},
): void {
  defs.push({ name, description, extract, type: options.type ?? 'string', list: options.list ?? false, arg: options.arg ?? 'none' });
}

const OPEN_READ = /O_RDONLY|O_RDWR/;
const OPEN_WRITE = /O_WRONLY|O_RDWR/;

field('evt.type', 'The event type (execve, open, connect…)', (c) => [pe(c).type]);
field('evt.res', 'The return value as text (SUCCESS or an errno name)', (c) => str(pe(c).res));
field('evt.rawres', 'The return value as a number', (c) => num(pe(c).rawres), { type: 'uint64' });
field('evt.hostname', 'The host the event happened on', (c) => str(pe(c).hostname));
field('evt.args', 'All the event arguments as NAME=VALUE text', (c) => {
  const a = pe(c).args;
  return a === undefined
    ? undefined
    : [
        Object.entries(a)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ];
});
field('evt.arg', 'One event argument by name (evt.arg.NAME or evt.arg[NAME])', (c, arg) => (arg === undefined ? undefined : str(pe(c).args?.[arg])), { arg: 'required-key' });
field('evt.is_open_read', 'Whether an open event opened for reading', (c) => {
  const flags = pe(c).args?.['flags'];
  return flags === undefined ? undefined : [String(OPEN_READ.test(flags))];
});
field('evt.is_open_write', 'Whether an open event opened for writing', (c) => {
  const flags = pe(c).args?.['flags'];
  return flags === undefined ? undefined : [String(OPEN_WRITE.test(flags))];
});
field('evt.time', 'Event time (hh:mm:ss.nnnnnnnnn)', (c) => {
  const iso = isoTime(c.timeNs);
  return [iso.slice(11, iso.length - 1)];
});
field('evt.time.iso8601', 'Event time (ISO 8601)', (c) => [isoTime(c.timeNs)]);
field('evt.rawtime', 'Event time in nanoseconds since the epoch', (c) => [c.timeNs], { type: 'uint64' });
field('evt.num', 'The event number', (c) => [BigInt(c.num)], { type: 'uint64' });
field('evt.source', 'The event source', () => ['syscall']);

field('proc.pid', 'The process id', (c) => num(pe(c).proc.pid), { type: 'uint64' });
field('proc.ppid', 'The parent process id', (c) => num(pe(c).proc.ppid ?? pe(c).ancestors[0]?.pid), { type: 'uint64' });
field('proc.name', 'The command name', (c) => str(pe(c).proc.name));
field('proc.exe', 'The first command-line argument (argv[0])', (c) => str(pe(c).proc.exe));
field('proc.exepath', 'The full path of the executable', (c) => str(pe(c).proc.exepath));
field('proc.args', 'The arguments, space separated', (c) => {
  const a = pe(c).proc.args;
  return a === undefined ? undefined : [a.join(' ')];
});
field('proc.cmdline', 'The command name and arguments', (c) => str(cmdline(pe(c).proc)));
field('proc.cwd', 'The working directory', (c) => str(pe(c).proc.cwd));
field('proc.tty', 'The controlling terminal (0 when none)', (c) => num(pe(c).proc.tty), { type: 'uint64' });
field('proc.sid', 'The session id', (c) => num(pe(c).proc.sid), { type: 'uint64' });
field('proc.vpgid', 'The process group id', (c) => num(pe(c).proc.vpgid), { type: 'uint64' });
field('proc.sname', 'The name of the session leader', (c) => str(pe(c).proc.sname));
field('proc.env', 'The environment, space separated', (c) => {
  const e = pe(c).proc.env;
  return e === undefined ? undefined : [e.join(' ')];
});
field('proc.pname', 'The parent command name', (c) => str(pe(c).ancestors[0]?.name));
field('proc.pexe', 'The parent argv[0]', (c) => str(pe(c).ancestors[0]?.exe));
field('proc.pexepath', 'The parent executable path', (c) => str(pe(c).ancestors[0]?.exepath));
field('proc.pcmdline', 'The parent command line', (c) => str(cmdline(pe(c).ancestors[0])));

function perAncestor(pick: (p: ProcessInfo) => string | undefined) {
  return (c: AuditEventContext, arg: string | undefined): readonly string[] | undefined => {
    const e = pe(c);
    if (arg !== undefined) {
      const p = ancestor(e, Number(arg));
      return p === undefined ? undefined : str(pick(p));
    }
    const out: string[] = [];
    for (const a of e.ancestors) {
      const v = pick(a);
      if (v !== undefined) out.push(v);
    }
    return out.length === 0 ? undefined : out;
  };
}
field(
  'proc.aname',
  'The command name of ancestor N (0 = this process); without N, of any ancestor',
  perAncestor((p) => p.name),
  { arg: 'index' },
);
field(
  'proc.apid',
  'The pid of ancestor N; without N, of any ancestor',
  (c, arg) => {
    const e = pe(c);
    if (arg !== undefined) return num(ancestor(e, Number(arg))?.pid);
    const out = e.ancestors.flatMap((a) => (a.pid === undefined ? [] : [BigInt(a.pid)]));
    return out.length === 0 ? undefined : out;
  },
  { arg: 'index', type: 'uint64' },
);
field(
  'proc.aexepath',
  'The executable path of ancestor N; without N, of any ancestor',
  perAncestor((p) => p.exepath),
  { arg: 'index' },
);
field('proc.acmdline', 'The command line of ancestor N; without N, of any ancestor', perAncestor(cmdline), { arg: 'index' });

field('thread.cap_effective', 'Effective capabilities, space separated', (c) => {
  const caps = pe(c).caps?.effective;
  return caps === undefined ? undefined : [caps.join(' ')];
});
field('thread.cap_permitted', 'Permitted capabilities, space separated', (c) => {
  const caps = pe(c).caps?.permitted;
  return caps === undefined ? undefined : [caps.join(' ')];
});

field('user.uid', 'The user id', (c) => num(pe(c).user?.uid), { type: 'uint64' });
field('user.name', 'The user name', (c) => str(pe(c).user?.name));
field('user.loginuid', 'The audit login user id (-1 when unset)', (c) => num(pe(c).user?.loginuid), { type: 'uint64' });
field('user.loginname', 'The audit login user name', (c) => str(pe(c).user?.loginname));
field('group.gid', 'The group id', (c) => num(pe(c).group?.gid), { type: 'uint64' });
field('group.name', 'The group name', (c) => str(pe(c).group?.name));

const image = (c: AuditEventContext): string | undefined => pe(c).container?.image;
field('container.id', 'The container id (host outside a container)', (c) => str(pe(c).container?.id));
field('container.name', 'The container name', (c) => str(pe(c).container?.name));
field('container.image', 'The container image reference', (c) => str(image(c)));
field('container.image.repository', 'The container image repository', (c) => {
  const i = image(c);
  return i === undefined ? undefined : [imageRepository(i)];
});
field('container.image.tag', 'The container image tag', (c) => {
  const i = image(c);
  if (i === undefined) return undefined;
  const noDigest = i.split('@')[0] ?? i;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? [noDigest.slice(colon + 1)] : undefined;
});
field('container.image.digest', 'The container image digest', (c) => str(pe(c).container?.imageDigest));
field('container.privileged', 'Whether the container runs privileged', (c) => {
  const p = pe(c).container?.privileged;
  return p === undefined ? undefined : [String(p)];
});
field('k8s.ns.name', 'The Kubernetes namespace', (c) => str(pe(c).k8s?.ns));
field('k8s.pod.name', 'The Kubernetes pod name', (c) => str(pe(c).k8s?.pod));
field('k8s.pod.uid', 'The Kubernetes pod uid', (c) => str(pe(c).k8s?.podUid));

const FD_TYPECHAR: Readonly<Record<string, string>> = {
  file: 'f',
  directory: 'd',
  ipv4: '4',
  ipv6: '6',
  unix: 'u',
  pipe: 'p',
  event: 'e',
  signalfd: 's',
  eventpoll: 'l',
  inotify: 'i',
  timerfd: 't',
  netlink: 'n',
  memfd: 'm',
};
const fd = (c: AuditEventContext): SocketOrFile | undefined => pe(c).fd;
const isFile = (f: SocketOrFile | undefined): boolean => f?.type === 'file' || f?.type === 'directory';
field('fd.name', 'The file path, or the connection as cip:cport->sip:sport', (c) => str(fd(c)?.name));
field('fd.nameraw', 'The file path as passed (not resolved)', (c) => str(fd(c)?.name));
field('fd.type', 'The descriptor type (file, ipv4, unix…)', (c) => str(fd(c)?.type));
field('fd.typechar', 'The descriptor type as one character (f, 4, 6, u…)', (c) => {
  const t = fd(c)?.type;
  return t === undefined ? undefined : str(FD_TYPECHAR[t]);
});
field('fd.num', 'The descriptor number (-1 when the call failed)', (c) => num(fd(c)?.num), { type: 'uint64' });
field('fd.directory', 'The directory of a file', (c) => {
  const f = fd(c);
  if (!isFile(f) || f?.name === undefined) return undefined;
  if (f.type === 'directory') return [f.name];
  const slash = f.name.lastIndexOf('/');
  return slash < 0 ? undefined : [slash === 0 ? '/' : f.name.slice(0, slash)];
});
field('fd.filename', 'The file name without its directory', (c) => {
  const f = fd(c);
  if (!isFile(f) || f?.name === undefined || f.type === 'directory') return undefined;
  return [f.name.slice(f.name.lastIndexOf('/') + 1)];
});
field('fd.l4proto', 'The transport protocol (tcp, udp, icmp, raw)', (c) => str(fd(c)?.l4proto));
field('fd.sip', 'The server IP', (c) => str(fd(c)?.serverIp));
field('fd.cip', 'The client IP', (c) => str(fd(c)?.clientIp));
field('fd.sport', 'The server port', (c) => num(fd(c)?.serverPort), { type: 'uint64' });
field('fd.cport', 'The client port', (c) => num(fd(c)?.clientPort), { type: 'uint64' });
const local = (f: SocketOrFile | undefined): 'client' | 'server' | undefined => f?.role;
field('fd.lip', 'The local IP', (c) => {
  const f = fd(c);
  return str(local(f) === 'client' ? f?.clientIp : local(f) === 'server' ? f?.serverIp : undefined);
});
field('fd.rip', 'The remote IP', (c) => {
  const f = fd(c);
  return str(local(f) === 'client' ? f?.serverIp : local(f) === 'server' ? f?.clientIp : undefined);
});
field(
  'fd.lport',
  'The local port',
  (c) => {
    const f = fd(c);
    return num(local(f) === 'client' ? f?.clientPort : local(f) === 'server' ? f?.serverPort : undefined);
  },
  { type: 'uint64' },
);
field(
  'fd.rport',
  'The remote port',
  (c) => {
    const f = fd(c);
    return num(local(f) === 'client' ? f?.serverPort : local(f) === 'server' ? f?.clientPort : undefined);
  },
  { type: 'uint64' },
);

/** Fields of the `syscall` source, by name; `evt.arg.NAME` resolves to `evt.arg[NAME]`. */
export class SyscallFieldTable extends Map<string, FieldDefinition> {
  override get(name: string): FieldDefinition | undefined {
    return super.get(name) ?? (name.startsWith('evt.arg.') && name.length > 8 ? argField(name.slice(8)) : undefined);
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

const argFields = new Map<string, FieldDefinition>();
function argField(arg: string): FieldDefinition {
  let def = argFields.get(arg);
  if (def === undefined) {
    const base = defs.find((d) => d.name === 'evt.arg');
    if (base === undefined) throw new Error('the syscall field table has no evt.arg');
    def = { ...base, name: `evt.arg.${arg}`, arg: 'none', extract: (c) => base.extract(c, arg) };
    argFields.set(arg, def);
  }
  return def;
}

export const SYSCALL_FIELDS: ReadonlyMap<string, FieldDefinition> = new SyscallFieldTable(defs.map((d) => [d.name, d]));

/** Whether a field name (as written in a rule) is one a set of provided field names covers. */
export function providesField(provided: ReadonlySet<string>, name: string): boolean {
  return provided.has(name) || (name.startsWith('evt.arg.') && provided.has('evt.arg'));
}
