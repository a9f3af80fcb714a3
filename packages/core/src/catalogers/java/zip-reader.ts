import { inflateRawSync } from 'node:zlib';

/**
 * A read-only ZIP reader over an in-memory buffer (PKWARE APPNOTE.TXT 6.3.10: end of central
 * directory, ZIP64 locator and record, central directory headers, local file headers), for
 * inspecting archives without extracting anything. Names are data: nothing is written to disk.
 *
 * Zip-bomb safety: every inflation draws from an `InflateBudget` shared by one top-level archive
 * and its nested archives. An entry whose declared size exceeds what is left is refused before
 * inflating; `maxOutputLength` caps the real output at the declared size (so a lying header
 * cannot inflate more), and the real size is what is charged.
 */

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** Bytes before the archive proper (self-extracting stubs, launch scripts). */
  readonly prefix: number;
}

export interface InflateBudget {
  remaining: number;
}

export type ZipResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
export const MAX_ZIP_ENTRIES = 500_000;

function fail<T>(reason: string): ZipResult<T> {
  return { ok: false, reason };
}

/** True when the buffer ends like a ZIP archive (cheap sniff for nested entries). */
export function looksLikeZip(buf: Buffer): boolean {
  return buf.length >= 22 && buf.readUInt32LE(0) === LOCAL_SIG;
}

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - MAX_COMMENT);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf[i] === 0x50 && buf.readUInt32LE(i) === EOCD_SIG) {
      // The comment length must reach exactly to the end of the buffer (or we found a false signature).
      const commentLen = buf.readUInt16LE(i + 20);
      if (i + 22 + commentLen <= buf.length) return i;
    }
  }
  return -1;
}

function safe(n: bigint): number {
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(n);
}

/** Read the central directory. Never throws. */
export function openZip(buf: Buffer): ZipResult<ZipArchive> {
  try {
    return openZipUnsafe(buf);
  } catch (err) {
    return fail(`zip structure unreadable: ${(err as Error).message}`);
  }
}

function openZipUnsafe(buf: Buffer): ZipResult<ZipArchive> {
  const eocd = findEocd(buf);
  if (eocd < 0) return fail('no end-of-central-directory record (not a zip archive, or truncated)');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  const loc = eocd - 20;
  if (loc >= 0 && buf.readUInt32LE(loc) === ZIP64_LOCATOR_SIG) {
    const rec = safe(buf.readBigUInt64LE(loc + 8));
    if (rec < 0 || rec + 56 > buf.length || buf.readUInt32LE(rec) !== ZIP64_EOCD_SIG) return fail('ZIP64 end record missing or out of range');
    count = safe(buf.readBigUInt64LE(rec + 32));
    cdSize = safe(buf.readBigUInt64LE(rec + 40));
    cdOffset = safe(buf.readBigUInt64LE(rec + 48));
    cdEnd = rec;
  }
  if (count < 0 || cdSize < 0 || cdOffset < 0) return fail('central directory size out of range');
  if (count > MAX_ZIP_ENTRIES) return fail(`${count} entries (limit ${MAX_ZIP_ENTRIES})`);
  // Data prepended to the archive shifts every offset by the same amount.
  const prefix = cdEnd - cdSize - cdOffset;
  if (prefix < 0) return fail('central directory lies outside the file');
  const entries: ZipEntry[] = [];
  let p = cdOffset + prefix;
  const end = p + cdSize;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || buf.readUInt32LE(p) !== CENTRAL_SIG) return fail(`central directory entry ${i} is corrupt`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let csize = buf.readUInt32LE(p + 20);
    let usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let offset = buf.readUInt32LE(p + 42);
    const nameStart = p + 46;
    const extraStart = nameStart + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > end) return fail(`central directory entry ${i} overruns the directory`);
    // Names are UTF-8 when flag bit 11 is set, else CP437; latin1 keeps ASCII names exact either way.
    const name = buf.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', nameStart, extraStart);
    if (csize === 0xffffffff || usize === 0xffffffff || offset === 0xffffffff) {
      let e = extraStart;
      while (e + 4 <= extraStart + extraLen) {
        const id = buf.readUInt16LE(e);
        const size = buf.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let f = e + 4;
          const fEnd = f + size;
          if (usize === 0xffffffff && f + 8 <= fEnd) (usize = safe(buf.readBigUInt64LE(f))), (f += 8);
          if (csize === 0xffffffff && f + 8 <= fEnd) (csize = safe(buf.readBigUInt64LE(f))), (f += 8);
          if (offset === 0xffffffff && f + 8 <= fEnd) offset = safe(buf.readBigUInt64LE(f));
          break;
        }
        e += 4 + size;
      }
      if (csize < 0 || usize < 0 || offset < 0) return fail(`entry ${i}: ZIP64 sizes out of range`);
    }
    entries.push({ name, method, flags, compressedSize: csize, uncompressedSize: usize, localHeaderOffset: offset + prefix });
    p = next;
  }
  return { ok: true, value: { entries, prefix } };
}

/**
 * Inflate one entry, charging `budget`. Refuses encrypted entries, unknown methods, declared
 * sizes above `maxEntrySize` or the budget, and output that disagrees with the declared size.
 */
export function readEntry(buf: Buffer, entry: ZipEntry, budget: InflateBudget, maxEntrySize: number): ZipResult<Buffer> {
  if ((entry.flags & 1) !== 0) return fail(`${entry.name}: encrypted entry`);
  if (entry.uncompressedSize > budget.remaining) return fail(`${entry.name}: inflating ${entry.uncompressedSize} bytes would exceed the archive's expansion budget`);
  if (entry.uncompressedSize > maxEntrySize) return fail(`${entry.name}: declared size ${entry.uncompressedSize} exceeds the per-entry limit ${maxEntrySize}`);
  const h = entry.localHeaderOffset;
  if (h < 0 || h + 30 > buf.length || buf.readUInt32LE(h) !== LOCAL_SIG) return fail(`${entry.name}: local header missing`);
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (start + entry.compressedSize > buf.length) return fail(`${entry.name}: data truncated`);
  let out: Buffer;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) return fail(`${entry.name}: stored entry sizes disagree`);
    out = data;
  } else if (entry.method === 8) {
    try {
      // +1 so that output larger than declared is detected rather than silently cut.
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize + 1) });
    } catch (err) {
      const code = (err as { code?: string }).code;
      return fail(code === 'ERR_BUFFER_TOO_LARGE' ? `${entry.name}: inflates beyond its declared size (zip bomb?)` : `${entry.name}: deflate data corrupt`);
    }
    if (out.length !== entry.uncompressedSize) return fail(`${entry.name}: inflated size ${out.length} differs from declared ${entry.uncompressedSize}`);
  } else {
    return fail(`${entry.name}: unsupported compression method ${entry.method}`);
  }
  budget.remaining -= out.length;
  return { ok: true, value: out };
}
