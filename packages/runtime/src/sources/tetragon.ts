/**
 * Tetragon's JSON export (`tetragon --export-filename`, `tetra getevents -o json`): one event per
 * line with one of `process_exec`, `process_exit`, `process_kprobe`, plus `node_name` and `time`
 * (cilium/tetragon api/v1/tetragon/events.proto). Mapped onto the syscall field model:
 *
 * - process_exec → `execve`; process_exit → `procexit`;
 * - process_kprobe → the hooked function (`__x64_sys_openat` → `openat`, `tcp_connect` →
 *   `connect`, `security_file_open`/`fd_install` → `open`), with `file_arg` → fd.name and
 *   `sock_arg` → the connection's fd.* fields.
 *
 * Tetragon reports arguments as one space-joined string, so an argument containing a space is
 * split in two; it has no terminal, session or login-name fields (rules that read them are not
 * loadable for this input).
 */
import type { ProcessEvent, ProcessInfo, SocketOrFile } from '../fields-syscall.js';
import { DEFAULT_JSON_LIMITS, parseBoundedJson, type JsonLimits } from './bounded-json.js';
import { malformed, PROCESS_EVENT_FIELDS, rfc3339Ns, type SourceItem } from './source-item.js';

export const TETRAGON_PROVIDES: ReadonlySet<string> = new Set([
  ...PROCESS_EVENT_FIELDS,
  'container.name',
  'container.image',
  'container.image.repository',
  'container.image.tag',
  'container.image.digest',
  'k8s.ns.name',
  'k8s.pod.name',
  'fd.name',
  'fd.type',
  'fd.typechar',
  'fd.directory',
  'fd.filename',
  'fd.l4proto',
  'fd.sip',
  'fd.cip',
  'fd.sport',
  'fd.cport',
  'fd.lip',
  'fd.rip',
  'fd.lport',
  'fd.rport',
]);

type Json = Record<string, unknown>;
const rec = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

function processInfo(p: Json | undefined): ProcessInfo | undefined {
  if (p === undefined) return undefined;
  const binary = s(p['binary']);
  const args = s(p['arguments']);
  const pid = n(p['pid']);
  const cwd = s(p['cwd']);
  return {
    ...(pid === undefined ? {} : { pid }),
    ...(binary === undefined ? {} : { name: basename(binary).slice(0, 15), exe: binary, exepath: binary }),
    ...(args === undefined ? (binary === undefined ? {} : { args: [] }) : { args: args.split(/\s+/).filter((a) => a !== '') }),
    ...(cwd === undefined ? {} : { cwd }),
  };
}

function containerOf(p: Json | undefined): Pick<ProcessEvent, 'container' | 'k8s'> {
  const pod = rec(p?.['pod']);
  const container = rec(pod?.['container']);
  const image = rec(container?.['image']);
  const rawId = s(container?.['id']) ?? s(p?.['docker']);
  const out: { container?: ProcessEvent['container']; k8s?: ProcessEvent['k8s'] } = {};
  if (rawId !== undefined) {
    const id = rawId.includes('://') ? rawId.slice(rawId.indexOf('://') + 3) : rawId;
    const imageId = s(image?.['id']);
    const digest = imageId?.includes('@') === true ? imageId.slice(imageId.indexOf('@') + 1) : imageId?.startsWith('sha256:') === true ? imageId : undefined;
    const name = s(container?.['name']);
    const imageName = s(image?.['name']);
    out.container = {
      id: id.slice(0, 12),
      ...(name === undefined ? {} : { name }),
      ...(imageName === undefined ? {} : { image: imageName }),
      ...(digest === undefined ? {} : { imageDigest: digest }),
    };
  } else if (p !== undefined) out.container = { id: 'host' };
  if (pod !== undefined) {
    const ns = s(pod['namespace']);
    const podName = s(pod['name']);
    out.k8s = { ...(ns === undefined ? {} : { ns }), ...(podName === undefined ? {} : { pod: podName }) };
  }
  return out;
}

function kprobeTarget(k: Json): Pick<ProcessEvent, 'type' | 'fd'> {
  const fn = s(k['function_name']) ?? 'unknown';
  const args = Array.isArray(k['args']) ? (k['args'] as unknown[]).map(rec) : [];
  let fd: SocketOrFile | undefined;
  for (const a of args) {
    const file = rec(a?.['file_arg']) ?? rec(a?.['path_arg']);
    const sock = rec(a?.['sock_arg']);
    const path = s(file?.['path']);
    if (path !== undefined) {
      fd = { name: path, type: 'file' };
      break;
    }
    if (sock !== undefined) {
      const family = s(sock['family']);
      const type = family === 'AF_INET6' ? 'ipv6' : family === 'AF_UNIX' ? 'unix' : 'ipv4';
      const proto = s(sock['protocol']);
      const l4proto = proto === 'IPPROTO_TCP' ? 'tcp' : proto === 'IPPROTO_UDP' ? 'udp' : proto?.toLowerCase().replace(/^ipproto_/, '');
      const cip = s(sock['saddr']);
      const sip = s(sock['daddr']);
      const cport = n(sock['sport']);
      const sport = n(sock['dport']);
      fd = {
        type,
        role: 'client',
        ...(l4proto === undefined ? {} : { l4proto }),
        ...(cip === undefined ? {} : { clientIp: cip }),
        ...(sip === undefined ? {} : { serverIp: sip }),
        ...(cport === undefined ? {} : { clientPort: cport }),
        ...(sport === undefined ? {} : { serverPort: sport }),
        name: `${cip ?? ''}:${cport ?? ''}->${sip ?? ''}:${sport ?? ''}`,
      };
      break;
    }
  }
  const syscall = /^__(?:x64|arm64|ia32)_sys_(.+)$/.exec(fn)?.[1] ?? /^sys_(.+)$/.exec(fn)?.[1];
  const type = syscall ?? (fn === 'tcp_connect' || fn === 'tcp_v4_connect' || fn === 'tcp_v6_connect' ? 'connect' : fn === 'security_file_open' || fn === 'fd_install' ? 'open' : fn);
  return fd === undefined ? { type } : { type, fd };
}

/** The item of one parsed Tetragon export event. */
export function tetragonItem(value: unknown): SourceItem {
  const line = rec(value);
  if (line === undefined) return malformed('not a Tetragon event object');
  const kind = (['process_exec', 'process_exit', 'process_kprobe'] as const).find((k) => rec(line[k]) !== undefined);
  const body = kind === undefined ? undefined : rec(line[kind]);
  if (kind === undefined || body === undefined)
    return malformed(
      `unsupported Tetragon event (${
        Object.keys(line)
          .filter((k) => k !== 'node_name' && k !== 'time')
          .join(', ') || 'empty'
      })`,
    );
  const proc = rec(body['process']);
  const info = processInfo(proc);
  if (proc === undefined || info === undefined) return malformed(`Tetragon ${kind} without process`);
  const timeNs = rfc3339Ns(line['time']);
  if (timeNs === undefined) return malformed('Tetragon event without a valid time');
  const parent = processInfo(rec(body['parent']));
  const ancestors = [
    ...(parent === undefined ? [] : [parent]),
    ...(Array.isArray(body['ancestors']) ? (body['ancestors'] as unknown[]).map((a) => processInfo(rec(a))).filter((a): a is ProcessInfo => a !== undefined) : []),
  ];
  const cap = rec(proc['cap']);
  const caps =
    cap === undefined
      ? undefined
      : {
          effective: Array.isArray(cap['effective']) ? (cap['effective'] as unknown[]).map(String) : [],
          permitted: Array.isArray(cap['permitted']) ? (cap['permitted'] as unknown[]).map(String) : [],
        };
  const uid = n(proc['uid']);
  const auid = n(proc['auid']);
  const hostname = s(line['node_name']);
  const target = kind === 'process_exec' ? { type: 'execve' } : kind === 'process_exit' ? { type: 'procexit' } : kprobeTarget(body);
  const event: ProcessEvent = {
    ...target,
    ...(hostname === undefined ? {} : { hostname }),
    proc: { ...info, ...(parent?.pid === undefined ? {} : { ppid: parent.pid }) },
    ancestors,
    ...(uid === undefined ? {} : { user: { uid, ...(auid === undefined ? {} : { loginuid: auid === 4294967295 ? -1 : auid }) } }),
    ...(caps === undefined ? {} : { caps }),
    ...containerOf(proc),
  };
  return { kind: 'event', source: 'syscall', event, timeNs };
}

export function tetragonLineItems(line: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): SourceItem[] {
  if (line.trim() === '') return [];
  const parsed = parseBoundedJson(line, limits);
  return [parsed.ok ? tetragonItem(parsed.value) : malformed(parsed.reason)];
}
