import { findSection, parseExe, readAtAddress } from '../binary/exe-format.js';
import type { ExeImage } from '../binary/exe-format.js';

/**
 * Go build information embedded in binaries, read the way Go's own `debug/buildinfo` does
 * (go/src/debug/buildinfo/buildinfo.go): a 32-byte header starting with `\xff Go buildinf:`
 * on a 16-byte boundary of the data section, then either two varint-prefixed strings inline
 * (Go ≥ 1.18, flag bit 2) or two pointers to Go string headers (older toolchains). The module
 * text is parsed like `runtime/debug.ParseBuildInfo` (go/src/runtime/debug/mod.go).
 */

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum: string;
  readonly replace: { readonly path: string; readonly version: string; readonly sum: string } | null;
}

export interface GoBuildInfo {
  /** Toolchain version as stamped, e.g. `go1.22.5` or `go1.22.5 X:boringcrypto`. */
  readonly goVersion: string;
  /** `path` line: the main package's import path. */
  readonly path: string;
  readonly main: GoModule | null;
  readonly deps: readonly GoModule[];
  /** `build` lines: `-ldflags`, `GOOS`, `vcs.revision`… in order. */
  readonly settings: readonly (readonly [string, string])[];
}

export type BuildInfoResult = { readonly kind: 'found'; readonly info: GoBuildInfo } | { readonly kind: 'absent' } | { readonly kind: 'corrupt'; readonly reason: string };

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const ALIGN = 16;
const HEADER_SIZE = 32;
/** Go reads 64 KiB of the data section when looking for the header; so do we. */
const SEARCH_WINDOW = 64 * 1024;
const MAX_STRING = 4 * 1024 * 1024;
const MAX_DEPS = 20_000;

/** Offset of the first 16-byte-aligned (relative to `base`) magic in buf[base, end), or -1. */
function findAligned(buf: Buffer, base: number, end: number): number {
  let from = base;
  while (from < end) {
    const i = buf.indexOf(MAGIC, from);
    if (i < 0 || i + MAGIC.length > end) return -1;
    if ((i - base) % ALIGN === 0) return i;
    from = i + 1;
  }
  return -1;
}

/**
 * Locate the header: Go's data section first, as Go does; then, only where the section table is
 * unreadable, stripped or places no section in the file, a scan of the whole file. An executable
 * whose table reads fine and holds no header where Go looks is not a Go executable to Go's own
 * reader either (debug/buildinfo), and scanning each such file whole (every shared library and C
 * executable of an image) cost a `dir:` scan of the distroless fixture ~70 of its ~950 ms.
 */
function locateHeader(buf: Buffer, image: ExeImage | null): { at: number; end: number } {
  if (image) {
    const named = findSection(image, '.go.buildinfo', '__DATA,__go_buildinfo');
    const candidates = named ? [named] : image.sections.filter((s) => s.writable && s.size > 0);
    for (const s of candidates) {
      const at = findAligned(buf, s.offset, Math.min(s.offset + s.size, s.offset + SEARCH_WINDOW));
      // Inline strings live in the same section: reads stop at its end.
      if (at >= 0) return { at, end: s.offset + s.size };
    }
    if (image.sections.some((s) => s.size > 0)) return { at: -1, end: 0 };
  }
  // Section offsets are aligned in practice, so file alignment is a sound fallback.
  return { at: findAligned(buf, 0, buf.length), end: buf.length };
}

function readUvarint(buf: Buffer, off: number): { value: number; next: number } | null {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    const b = buf[off + i];
    if (b === undefined) return null;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return Number.isSafeInteger(value) ? { value, next: off + i + 1 } : null;
    shift += 7;
  }
  return null;
}

function readInlineString(buf: Buffer, off: number, end: number): { bytes: Buffer; next: number } | null {
  const len = readUvarint(buf, off);
  if (!len || len.value > MAX_STRING || len.next + len.value > end) return null;
  return { bytes: buf.subarray(len.next, len.next + len.value), next: len.next + len.value };
}

function readPtr(b: Buffer, off: number, ptrSize: number, le: boolean): bigint | null {
  if (off + ptrSize > b.length) return null;
  if (ptrSize === 8) return le ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off);
  return BigInt(le ? b.readUInt32LE(off) : b.readUInt32BE(off));
}

/** Pre-1.18: a pointer to a Go string header {data, len}, both pointer-sized. */
function readGoString(buf: Buffer, image: ExeImage, addr: bigint, ptrSize: number, le: boolean): Buffer | null {
  const hdr = readAtAddress(buf, image, addr, 2 * ptrSize);
  if (!hdr) return null;
  const data = readPtr(hdr, 0, ptrSize, le);
  const len = readPtr(hdr, ptrSize, ptrSize, le);
  if (data === null || len === null || len > BigInt(MAX_STRING)) return null;
  return readAtAddress(buf, image, data, Number(len));
}

/** Strip the 16-byte sentinels around the module text, as `debug/buildinfo` does. */
function stripSentinels(bytes: Buffer): string {
  if (bytes.length >= 33 && bytes[bytes.length - 17] === 0x0a) return bytes.subarray(16, bytes.length - 16).toString('utf8');
  return '';
}

function unquoteSetting(s: string): string {
  if (s.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(s);
      if (typeof v === 'string') return v;
    } catch {
      // Go quoting that JSON does not accept: keep the raw text.
    }
  }
  return s;
}

/** Parse the module text (`path`, `mod`, `dep`, `=>`, `build` lines). Unknown lines are ignored. */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> | { error: string } {
  let path = '';
  let main: GoModule | null = null;
  const deps: GoModule[] = [];
  const settings: (readonly [string, string])[] = [];
  let last: 'main' | 'dep' | null = null;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        path = f[1] ?? '';
        break;
      case 'mod':
      case 'dep': {
        if (f.length < 3 || !f[1]) return { error: `malformed ${f[0]} line` };
        const m: GoModule = { path: f[1], version: f[2] ?? '', sum: f[3] ?? '', replace: null };
        if (f[0] === 'mod') {
          main = m;
          last = 'main';
        } else {
          if (deps.length >= MAX_DEPS) return { error: `more than ${MAX_DEPS} dependencies` };
          deps.push(m);
          last = 'dep';
        }
        break;
      }
      case '=>': {
        if (f.length < 2 || !f[1]) return { error: 'malformed replacement line' };
        const replace = { path: f[1], version: f[2] ?? '', sum: f[3] ?? '' };
        if (last === 'dep') {
          const prev = deps.pop();
          if (prev) deps.push({ ...prev, replace });
        } else if (last === 'main' && main !== null) main = { ...(main as GoModule), replace };
        else return { error: 'replacement without a module' };
        last = null;
        break;
      }
      case 'build': {
        const kv = f.slice(1).join('\t');
        const eq = kv.startsWith('"') ? kv.indexOf('=', kv.indexOf('"', 1) + 1) : kv.indexOf('=');
        if (eq > 0) settings.push([unquoteSetting(kv.slice(0, eq)), unquoteSetting(kv.slice(eq + 1))]);
        break;
      }
      default:
        break;
    }
  }
  return { path, main, deps, settings };
}

/** Read Go build info from an executable's bytes; never throws. */
export function readGoBuildInfo(buf: Buffer): BuildInfoResult {
  const exe = parseExe(buf);
  const image = exe.ok ? exe.image : null;
  const { at, end } = locateHeader(buf, image);
  if (at < 0) return { kind: 'absent' };
  if (at + HEADER_SIZE > buf.length) return { kind: 'corrupt', reason: 'Go build info header truncated' };
  const ptrSize = buf[at + 14] ?? 0;
  const flags = buf[at + 15] ?? 0;
  let versionBytes: Buffer | null;
  let mod: Buffer | null;
  if ((flags & 2) !== 0) {
    const v = readInlineString(buf, at + HEADER_SIZE, end);
    const m = v ? readInlineString(buf, v.next, end) : null;
    versionBytes = v?.bytes ?? null;
    mod = m?.bytes ?? null;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) return { kind: 'corrupt', reason: `Go build info pointer size ${ptrSize} is invalid` };
    if (!image) return { kind: 'corrupt', reason: `Go build info uses pointers but the executable headers are unreadable: ${exe.ok ? '' : exe.reason}` };
    const le = (flags & 1) === 0;
    const vAddr = readPtr(buf, at + 16, ptrSize, le);
    const mAddr = readPtr(buf, at + 16 + ptrSize, ptrSize, le);
    versionBytes = vAddr === null ? null : readGoString(buf, image, vAddr, ptrSize, le);
    mod = mAddr === null ? null : readGoString(buf, image, mAddr, ptrSize, le);
  }
  if (versionBytes === null || mod === null) return { kind: 'corrupt', reason: 'Go build info strings are truncated or point outside the file' };
  const version = versionBytes.toString('utf8');
  if (!/^(?:devel )?go\d/.test(version)) return { kind: 'corrupt', reason: 'Go build info has no toolchain version' };
  const parsed = parseModInfo(stripSentinels(mod));
  if ('error' in parsed) return { kind: 'corrupt', reason: `Go module info: ${parsed.error}` };
  return { kind: 'found', info: { goVersion: version, ...parsed } };
}
