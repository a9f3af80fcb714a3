/**
 * Test-only writers for rpm header blobs and ndb `Packages.db` files, following the formats
 * documented in rpm-header.ts and ndb.ts. Debian's rpm has no ndb backend, so the ndb tests
 * wrap real header blobs (from the rpm-made SQLite fixture) with this writer.
 */

import { RPM_TYPE } from './rpm-header.js';

export type TagValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'i18n'; readonly values: readonly string[] }
  | { readonly type: 'strings'; readonly values: readonly string[] }
  | { readonly type: 'int32'; readonly values: readonly number[] }
  | { readonly type: 'int64'; readonly values: readonly bigint[] }
  | { readonly type: 'bin'; readonly bytes: Uint8Array };

const enc = new TextEncoder();

/**
 * Builds a header blob. With `region`, a HEADERIMMUTABLE region entry and its trailer are
 * added the way rpm writes them (the entry first, its 16-byte trailer last in the data).
 * `dribbles` are appended after the region, as rpm does for tags added after install.
 */
export function buildHeaderBlob(tags: ReadonlyArray<readonly [number, TagValue]>, options: { region?: boolean; dribbles?: ReadonlyArray<readonly [number, TagValue]> } = {}): Uint8Array {
  const index: Array<[number, number, number, number]> = [];
  const chunks: number[] = [];
  const align = (n: number): void => {
    while (chunks.length % n !== 0) chunks.push(0);
  };
  const put = (tag: number, value: TagValue): void => {
    switch (value.type) {
      case 'string':
        index.push([tag, RPM_TYPE.string, chunks.length, 1]);
        chunks.push(...enc.encode(value.value), 0);
        break;
      case 'i18n':
      case 'strings':
        index.push([tag, value.type === 'i18n' ? RPM_TYPE.i18nString : RPM_TYPE.stringArray, chunks.length, value.values.length]);
        for (const s of value.values) chunks.push(...enc.encode(s), 0);
        break;
      case 'int32': {
        align(4);
        index.push([tag, RPM_TYPE.int32, chunks.length, value.values.length]);
        for (const v of value.values) chunks.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
        break;
      }
      case 'int64': {
        align(8);
        index.push([tag, RPM_TYPE.int64, chunks.length, value.values.length]);
        for (const v of value.values) {
          const b = new Uint8Array(8);
          new DataView(b.buffer).setBigUint64(0, v);
          chunks.push(...b);
        }
        break;
      }
      case 'bin':
        index.push([tag, RPM_TYPE.bin, chunks.length, value.bytes.length]);
        chunks.push(...value.bytes);
        break;
    }
  };
  for (const [tag, value] of tags) put(tag, value);
  if (options.region === true) {
    const ril = index.length + 1;
    align(4);
    const trailerAt = chunks.length;
    const trailer = new Uint8Array(16);
    const tv = new DataView(trailer.buffer);
    tv.setInt32(0, 63);
    tv.setUint32(4, RPM_TYPE.bin);
    tv.setInt32(8, -(ril * 16));
    tv.setUint32(12, 16);
    chunks.push(...trailer);
    index.unshift([63, RPM_TYPE.bin, trailerAt, 16]);
  }
  for (const [tag, value] of options.dribbles ?? []) put(tag, value);
  const out = new Uint8Array(8 + index.length * 16 + chunks.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, index.length);
  view.setUint32(4, chunks.length);
  index.forEach(([tag, type, offset, count], i) => {
    view.setInt32(8 + i * 16, tag);
    view.setUint32(12 + i * 16, type);
    view.setInt32(16 + i * 16, offset);
    view.setUint32(20 + i * 16, count);
  });
  out.set(chunks, 8 + index.length * 16);
  return out;
}

function adler32(bytes: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Writes an ndb Packages.db holding the given blobs, laid out as rpm's rpmpkg.c does. */
export function buildNdb(records: ReadonlyArray<{ readonly pkgidx: number; readonly blob: Uint8Array }>): Uint8Array {
  const slotsPerPage = 4096 / 16;
  const slotnpages = Math.max(1, Math.ceil((records.length + 2) / slotsPerPage));
  let blk = (slotnpages * 4096) / 16;
  const placed = records.map((r) => {
    const blkcnt = Math.ceil((16 + r.blob.length + 12) / 16);
    const at = { ...r, blkoff: blk, blkcnt };
    blk += blkcnt;
    return at;
  });
  const out = new Uint8Array(blk * 16);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x506d7052, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, 1, true);
  view.setUint32(12, slotnpages, true);
  view.setUint32(16, Math.max(0, ...records.map((r) => r.pkgidx)) + 1, true);
  for (let at = 32; at < slotnpages * 4096; at += 16) view.setUint32(at, 0x746f6c53, true);
  placed.forEach((p, i) => {
    const slot = 32 + i * 16;
    view.setUint32(slot + 4, p.pkgidx, true);
    view.setUint32(slot + 8, p.blkoff, true);
    view.setUint32(slot + 12, p.blkcnt, true);
    const start = p.blkoff * 16;
    const end = (p.blkoff + p.blkcnt) * 16;
    view.setUint32(start, 0x53626c42, true);
    view.setUint32(start + 4, p.pkgidx, true);
    view.setUint32(start + 8, 1_700_000_000, true);
    view.setUint32(start + 12, p.blob.length, true);
    out.set(p.blob, start + 16);
    view.setUint32(end - 12, adler32(out.subarray(start, end - 12)), true);
    view.setUint32(end - 8, p.blob.length, true);
    view.setUint32(end - 4, 0x45626c42, true);
  });
  return out;
}

/** Deterministic PRNG (mulberry32) for mutation tests. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
