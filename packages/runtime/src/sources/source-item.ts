/** What every event source yields: an event for one rule source, or a counted rejection. */
export type SourceItem =
  | {
      readonly kind: 'event';
      /** The rule source whose rules run on it: `k8s_audit` or `syscall`. */
      readonly source: string;
      readonly event: Readonly<Record<string, unknown>>;
      readonly timeNs: bigint;
    }
  | { readonly kind: 'malformed'; readonly reason: string };

export const malformed = (reason: string): SourceItem => ({ kind: 'malformed', reason });

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
let lastSecond = '';
let lastSecondNs = 0n;

/** Nanoseconds since the epoch of an RFC 3339 time with up to 9 fractional digits; undefined when it is not one. */
export function rfc3339Ns(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const second = `${m[1]}${m[3]}`;
  // Events come in bursts within one second: parse the date part once per second.
  if (second !== lastSecond) {
    const ms = Date.parse(second);
    if (Number.isNaN(ms)) return undefined;
    lastSecond = second;
    lastSecondNs = BigInt(ms) * 1_000_000n;
  }
  const frac = m[2];
  return frac === undefined ? lastSecondNs : lastSecondNs + BigInt(frac.length === 9 ? frac : frac.padEnd(9, '0'));
}

/** The process fields every process-event source fills (event, process and ancestors, capabilities, user, container id). */
export const PROCESS_EVENT_FIELDS: readonly string[] = [
  'evt.type',
  'evt.time',
  'evt.time.iso8601',
  'evt.rawtime',
  'evt.num',
  'evt.source',
  'evt.hostname',
  'proc.pid',
  'proc.ppid',
  'proc.name',
  'proc.exe',
  'proc.exepath',
  'proc.args',
  'proc.cmdline',
  'proc.cwd',
  'proc.pname',
  'proc.pexe',
  'proc.pexepath',
  'proc.pcmdline',
  'proc.aname',
  'proc.apid',
  'proc.aexepath',
  'proc.acmdline',
  'thread.cap_effective',
  'thread.cap_permitted',
  'user.uid',
  'user.loginuid',
  'container.id',
];
