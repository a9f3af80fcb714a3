/**
 * Sekisho's own process events as JSON lines (the `syscall` input of `sekisho runtime replay`):
 * the normalized ProcessEvent with a `time`. Recordings of the /proc sampler and hand-written
 * test events use it. Every field is type-checked; a field of the wrong type is dropped, so a
 * rule never sees a value of a type its field does not have.
 */
import type { ProcessEvent, SocketOrFile } from '../fields-syscall.js';
import { DEFAULT_JSON_LIMITS, parseBoundedJson, type JsonLimits } from './bounded-json.js';
import { malformed, rfc3339Ns, type SourceItem } from './source-item.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);

type Kind = 'string' | 'number' | 'boolean' | 'strings';
type Spec = Readonly<Record<string, Kind>>;
type ValueOf<K extends Kind> = K extends 'string' ? string : K extends 'number' ? number : K extends 'boolean' ? boolean : readonly string[];
/** What `pick` copies for a spec: any of its keys, each with the type the spec names. */
type Picked<S extends Spec> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

/** Copies the keys whose values have the expected type; undefined only when `from` is. */
function pick<S extends Spec>(from: Json | undefined, spec: S): Picked<S> | undefined {
  if (from === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in spec) {
    const type = spec[key];
    const v = from[key];
    if (v === undefined) continue;
    if (type === 'strings' ? strings(v) !== undefined : typeof v === type && (type !== 'number' || Number.isFinite(v))) out[key] = v;
  }
  // Every key in `out` was checked above against the type its spec names.
  return out as Picked<S>;
}

const spec = <S extends Spec>(o: S): S => o;

/** The fd with its role kept only when it is one a rule knows (client or server). */
function socketOrFile(fd: Picked<typeof FD>): SocketOrFile {
  const { role, ...rest } = fd;
  return role === 'client' || role === 'server' ? { ...rest, role } : rest;
}

const PROCESS = spec({
  pid: 'number',
  ppid: 'number',
  name: 'string',
  exe: 'string',
  exepath: 'string',
  args: 'strings',
  cwd: 'string',
  tty: 'number',
  sid: 'number',
  vpgid: 'number',
  env: 'strings',
  sname: 'string',
});
const CONTAINER = spec({ id: 'string', name: 'string', image: 'string', imageDigest: 'string', privileged: 'boolean' });
const FD = spec({ name: 'string', type: 'string', num: 'number', l4proto: 'string', clientIp: 'string', clientPort: 'number', serverIp: 'string', serverPort: 'number', role: 'string' });
const USER = spec({ uid: 'number', name: 'string', loginuid: 'number', loginname: 'string' });
const GROUP = spec({ gid: 'number', name: 'string' });
const CAPS = spec({ effective: 'strings', permitted: 'strings' });
const K8S = spec({ ns: 'string', pod: 'string', podUid: 'string' });

export function processEventItem(value: unknown): SourceItem {
  const v = rec(value);
  if (v === undefined) return malformed('not a process event object');
  if (typeof v['type'] !== 'string') return malformed('process event without type');
  const proc = pick(rec(v['proc']), PROCESS);
  if (proc === undefined) return malformed('process event without proc');
  const timeNs = rfc3339Ns(v['time']);
  if (timeNs === undefined) return malformed('process event without a valid time');
  const args = rec(v['args']);
  const container = pick(rec(v['container']), CONTAINER);
  const containerId = container?.id;
  const fd = pick(rec(v['fd']), FD);
  const user = pick(rec(v['user']), USER);
  const group = pick(rec(v['group']), GROUP);
  const caps = pick(rec(v['caps']), CAPS);
  const k8s = pick(rec(v['k8s']), K8S);
  const event: ProcessEvent = {
    type: v['type'],
    ...(typeof v['res'] === 'string' ? { res: v['res'] } : {}),
    ...(typeof v['rawres'] === 'number' ? { rawres: v['rawres'] } : {}),
    ...(typeof v['hostname'] === 'string' ? { hostname: v['hostname'] } : {}),
    ...(args === undefined ? {} : { args: Object.fromEntries(Object.entries(args).filter((e): e is [string, string] => typeof e[1] === 'string')) }),
    proc,
    ancestors: Array.isArray(v['ancestors']) ? (v['ancestors'] as unknown[]).flatMap((a) => pick(rec(a), PROCESS) ?? []) : [],
    ...(user === undefined ? {} : { user }),
    ...(group === undefined ? {} : { group }),
    ...(caps === undefined ? {} : { caps }),
    ...(container === undefined || containerId === undefined ? {} : { container: { ...container, id: containerId } }),
    ...(k8s === undefined ? {} : { k8s }),
    ...(fd === undefined ? {} : { fd: socketOrFile(fd) }),
  };
  return { kind: 'event', source: 'syscall', event, timeNs };
}

export function processLineItems(line: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): SourceItem[] {
  if (line.trim() === '') return [];
  const parsed = parseBoundedJson(line, limits);
  return [parsed.ok ? processEventItem(parsed.value) : malformed(parsed.reason)];
}
