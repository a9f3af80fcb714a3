import { readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * The one ZIP reader of core (PKWARE APPNOTE.TXT 6.3.10: end of central directory, ZIP64 locator
 * and record, central directory headers, local file headers), used for Java archives inside
 * layers (in memory) and OSV `all.zip` feeds (read from disk by position, one entry at a time).
 * Names are data: nothing is ever written to disk, so zip slip cannot reach the file system.
 *
 * Written by hand rather than with yauzl (which core used for the feeds) for two properties yauzl
 * does not have, measured with yauzl 3.4 on the same archives:
 * - Data prepended to the archive: Spring Boot executable jars start with a launch script, and
 *   yauzl refuses them (`invalid central directory file header signature`) where this reader
 *   shifts every offset by the prefix and reads them.
 * - One synchronous inflate budget shared by a top-level archive and every archive nested in it
 *   (jar in war in layer): every inflation draws from an `InflateBudget`. An entry whose declared
 *   size exceeds what is left, or a per-entry limit, is refused before inflating;
 *   `maxOutputLength` caps the real output at the declared size + 1 (so a lying header cannot
 *   inflate more, and is reported), and the real size is what is charged.
 */

/** Bytes the reader can fetch by position: an in-memory archive, or an open file. */
export interface ZipSource {
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer only at the end of the source). */
  read(offset: number, length: number): Buffer;
}

export function bufferSource(buf: Buffer): ZipSource {
  return { size: buf.length, read: (offset, length) => buf.subarray(offset, offset + length) };
}

/** Positional reads of an open file descriptor (the caller closes it). */
export function fileSource(fd: number, size: number): ZipSource {
  return {
    size,
    read: (offset, length) => {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < out.length) {
        const n = readSync(fd, out, done, out.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return out.subarray(0, done);
    },
  };
}

function asSource(input: Buffer | ZipSource): ZipSource {
  return Buffer.isBuffer(input) ? bufferSource(input) : input;
}

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

/** The end-of-central-directory record's index in `buf` (the archive's tail), or -1. */
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

/** Read the central directory of an archive in memory or on disk (at most `maxEntries` entries). Never throws. */
export function openZip(input: Buffer | ZipSource, maxEntries = MAX_ZIP_ENTRIES): ZipResult<ZipArchive> {
  try {
    return openZipUnsafe(asSource(input), maxEntries);
  } catch (err) {
    return fail(`zip structure unreadable: ${(err as Error).message}`);
  }
}

function openZipUnsafe(source: ZipSource, maxEntries: number): ZipResult<ZipArchive> {
  // The EOCD record (22 bytes + a comment of up to 64 KiB) and the ZIP64 locator just before it.
  const tailStart = Math.max(0, source.size - (22 + MAX_COMMENT + 20));
  const tail = source.read(tailStart, source.size - tailStart);
  const at = findEocd(tail);
  if (at < 0) return fail('no end-of-central-directory record (not a zip archive, or truncated)');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  let cdEnd = tailStart + at;
  const loc = at - 20;
  if (loc >= 0 && tail.readUInt32LE(loc) === ZIP64_LOCATOR_SIG) {
    const rec = safe(tail.readBigUInt64LE(loc + 8));
    const record = rec < 0 ? Buffer.alloc(0) : source.read(rec, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIG) return fail('ZIP64 end record missing or out of range');
    count = safe(record.readBigUInt64LE(32));
    cdSize = safe(record.readBigUInt64LE(40));
    cdOffset = safe(record.readBigUInt64LE(48));
    cdEnd = rec;
  }
  if (count < 0 || cdSize < 0 || cdOffset < 0) return fail('central directory size out of range');
  if (count > maxEntries) return fail(`${count} entries (limit ${maxEntries})`);
  // Data prepended to the archive shifts every offset by the same amount.
  const prefix = cdEnd - cdSize - cdOffset;
  if (prefix < 0) return fail('central directory lies outside the file');
  const buf = source.read(cdOffset + prefix, cdSize);
  if (buf.length < cdSize) return fail('central directory lies outside the file');
  const entries: ZipEntry[] = [];
  let p = 0;
  const end = cdSize;
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
          if (usize === 0xffffffff && f + 8 <= fEnd) {
            usize = safe(buf.readBigUInt64LE(f));
            f += 8;
          }
          if (csize === 0xffffffff && f + 8 <= fEnd) {
            csize = safe(buf.readBigUInt64LE(f));
            f += 8;
          }
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
export function readEntry(input: Buffer | ZipSource, entry: ZipEntry, budget: InflateBudget, maxEntrySize: number): ZipResult<Buffer> {
  const source = asSource(input);
  if ((entry.flags & 1) !== 0) return fail(`${entry.name}: encrypted entry`);
  if (entry.uncompressedSize > budget.remaining) return fail(`${entry.name}: inflating ${entry.uncompressedSize} bytes would exceed the archive's expansion budget`);
  if (entry.uncompressedSize > maxEntrySize) return fail(`${entry.name}: declared size ${entry.uncompressedSize} exceeds the per-entry limit ${maxEntrySize}`);
  // Deflate grows data by a few bytes per 64 KiB block at most: compressed data larger than that for the per-entry limit is not read.
  if (entry.compressedSize > maxEntrySize + Math.ceil(maxEntrySize / 1000) + 1024)
    return fail(`${entry.name}: compressed size ${entry.compressedSize} exceeds what the per-entry limit ${maxEntrySize} can need`);
  const h = entry.localHeaderOffset;
  const header = h < 0 ? Buffer.alloc(0) : source.read(h, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIG) return fail(`${entry.name}: local header missing`);
  const start = h + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = source.read(start, entry.compressedSize);
  if (data.length < entry.compressedSize) return fail(`${entry.name}: data truncated`);
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
