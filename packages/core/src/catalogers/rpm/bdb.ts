/**
 * Reader for the Berkeley DB hash database rpm used up to 4.15 (`/var/lib/rpm/Packages`:
 * RHEL/CentOS ≤ 8, Amazon Linux 2). Only what is needed to list every value is read; the
 * format facts follow rpm's own read-only reader (rpm lib/backend/bdb_ro.c) and the BDB
 * on-disk layout (db_page.h):
 *
 *   page 0, hash meta: magic 0x061561 at 12 (byte order = the writer's), version at 16
 *     (8..10), pagesize at 20, encrypt_alg at 24, last_pgno at 32, max_bucket at 72,
 *     spares[32] at 96
 *   every page: 26-byte header {lsn 8, pgno 4, prev_pgno 4, next_pgno 4, entries u16,
 *     hf_offset u16, level u8, type u8}, then `entries` u16 item offsets
 *   bucket b starts at page b + spares[bitlength(b)] and chains through next_pgno
 *   hash pages (type 2, 8 or 13) hold key/value item pairs; an item is {H_KEYDATA=1, bytes}
 *     or {H_OFFPAGE=3, pad 3, pgno u32, tlen u32} pointing at a chain of overflow pages
 *     (type 7) that each carry hf_offset bytes after the header
 * rpm's Packages keys are 4-byte record numbers in the writer's byte order; key 0 holds
 * rpm's next-record counter, not a package.
 *
 * Every page number is checked against the file and every page is read at most once (so
 * next_pgno cycles end and work is linear in the file size); overflow chains must add up
 * to exactly tlen bytes.
 */

import type { RecordedBlob } from './record.js';

const HASH_MAGIC = 0x00061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA_OR_V8_HASH = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

class BdbError extends Error {}

interface Db {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly le: boolean;
  readonly pageSize: number;
  readonly lastPage: number;
  /** Overflow pages already read: each belongs to one item, so reuse means corruption. */
  readonly overflowUsed: Set<number>;
}

function u32(db: Db, at: number): number {
  return db.view.getUint32(at, db.le);
}

function u16(db: Db, at: number): number {
  return db.view.getUint16(at, db.le);
}

/** Byte offset of page `pgno`, after checking it exists and says it is that page. */
function page(db: Db, pgno: number): number {
  if (pgno === 0 || pgno > db.lastPage) throw new BdbError(`page ${pgno} out of range (last ${db.lastPage})`);
  const at = pgno * db.pageSize;
  if (at + db.pageSize > db.bytes.length) throw new BdbError(`page ${pgno} lies past the end of the file`);
  if (u32(db, at + 8) !== pgno) throw new BdbError(`page ${pgno} carries page number ${u32(db, at + 8)}`);
  return at;
}

function isHashPage(type: number | undefined): boolean {
  return type === P_HASH || type === P_HASH_UNSORTED || type === P_HASHMETA_OR_V8_HASH;
}

function readOverflow(db: Db, first: number, total: number, maxBytes: number): Uint8Array {
  if (total === 0) throw new BdbError('overflow item of length 0');
  if (total > maxBytes) throw new BdbError(`overflow item of ${total} bytes over limit`);
  const out = new Uint8Array(total);
  let filled = 0;
  let pgno = first;
  while (filled < total) {
    if (db.overflowUsed.has(pgno)) throw new BdbError(`overflow page ${pgno} reached twice (loop or shared chain)`);
    db.overflowUsed.add(pgno);
    const at = page(db, pgno);
    if (db.bytes[at + 25] !== P_OVERFLOW) throw new BdbError(`page ${pgno} is not an overflow page`);
    const len = u16(db, at + 22);
    if (PAGE_HEADER + len > db.pageSize || len > total - filled) {
      throw new BdbError(`overflow page ${pgno} holds ${len} bytes, does not fit`);
    }
    out.set(db.bytes.subarray(at + PAGE_HEADER, at + PAGE_HEADER + len), filled);
    filled += len;
    pgno = u32(db, at + 16);
    if (filled < total && pgno === 0) throw new BdbError('overflow chain ends early');
  }
  return out;
}

function readItem(db: Db, pageAt: number, off: number, len: number, maxBytes: number): Uint8Array {
  if (len <= 0 || off + len > db.pageSize) throw new BdbError(`item at ${off} (${len} bytes) outside its page`);
  const type = db.bytes[pageAt + off];
  if (type === H_KEYDATA) return db.bytes.subarray(pageAt + off + 1, pageAt + off + len);
  if (type === H_OFFPAGE) {
    if (len !== 12) throw new BdbError(`off-page item of length ${len}`);
    return readOverflow(db, u32(db, pageAt + off + 4), u32(db, pageAt + off + 8), maxBytes);
  }
  throw new BdbError(`unsupported hash item type ${type}`);
}

export function readBdbHashValues(bytes: Uint8Array, limits: { maxRecords: number; maxValueBytes: number }): { blobs: RecordedBlob[]; errors: string[] } {
  const blobs: RecordedBlob[] = [];
  const errors: string[] = [];
  if (bytes.length < 512) return { blobs, errors: [`bdb: file too short (${bytes.length} bytes)`] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  if (view.getUint32(12, true) === HASH_MAGIC) le = true;
  else if (view.getUint32(12, false) === HASH_MAGIC) le = false;
  else return { blobs, errors: ['bdb: not a Berkeley DB hash database'] };
  const version = view.getUint32(16, le);
  const pageSize = view.getUint32(20, le);
  if (version < 8 || version > 10) return { blobs, errors: [`bdb: unsupported hash version ${version}`] };
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { blobs, errors: [`bdb: bad page size ${pageSize}`] };
  }
  if (bytes[24] !== 0) return { blobs, errors: ['bdb: encrypted databases are not supported'] };
  const pagesInFile = Math.floor(bytes.length / pageSize);
  const lastPage = Math.min(view.getUint32(32, le), pagesInFile - 1);
  const db: Db = { bytes, view, le, pageSize, lastPage, overflowUsed: new Set() };
  const maxBucket = view.getUint32(72, le);
  if (maxBucket > lastPage) return { blobs, errors: [`bdb: ${maxBucket + 1} buckets but ${lastPage + 1} pages`] };
  const spares: number[] = [];
  for (let i = 0; i < 32; i++) spares.push(view.getUint32(96 + i * 4, le));

  // Each page belongs to at most one bucket chain; a page seen twice means a cycle or a
  // corrupt link, and is not read again.
  const visited = new Set<number>();
  const seenKeys = new Set<number>();
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const spare = spares[bucket === 0 ? 0 : 32 - Math.clz32(bucket)] ?? 0;
    let pgno = (bucket + spare) >>> 0;
    while (pgno !== 0) {
      if (visited.has(pgno)) {
        errors.push(`bdb: bucket ${bucket}: page ${pgno} reached twice, chain cut`);
        break;
      }
      visited.add(pgno);
      let at: number;
      try {
        at = page(db, pgno);
      } catch (error) {
        errors.push(`bdb: bucket ${bucket}: ${(error as Error).message}`);
        break;
      }
      if (!isHashPage(bytes[at + 25])) {
        errors.push(`bdb: bucket ${bucket}: page ${pgno} has type ${bytes[at + 25]}, not a hash page`);
        break;
      }
      const entries = Math.min(u16(db, at + 20), Math.floor((pageSize - PAGE_HEADER) / 2));
      for (let idx = 0; idx + 1 < entries; idx += 2) {
        const koff = u16(db, at + PAGE_HEADER + idx * 2);
        const voff = u16(db, at + PAGE_HEADER + idx * 2 + 2);
        const kend = idx === 0 ? pageSize : u16(db, at + PAGE_HEADER + idx * 2 - 2);
        try {
          if (koff >= pageSize || voff >= pageSize) throw new BdbError(`item offsets ${koff}/${voff} outside the page`);
          const key = readItem(db, at, koff, kend - koff, 64);
          if (key.length !== 4) throw new BdbError(`key of ${key.length} bytes`);
          const recordId = new DataView(key.buffer, key.byteOffset, 4).getUint32(0, le);
          if (recordId === 0) continue; // rpm's record counter
          if (seenKeys.has(recordId)) throw new BdbError(`record ${recordId} appears twice`);
          if (blobs.length >= limits.maxRecords) {
            errors.push(`bdb: more than ${limits.maxRecords} packages, rest ignored`);
            return { blobs, errors };
          }
          const blob = readItem(db, at, voff, koff - voff, limits.maxValueBytes);
          seenKeys.add(recordId);
          blobs.push({ recordId, blob });
        } catch (error) {
          if (!(error instanceof BdbError || error instanceof RangeError)) throw error;
          errors.push(`bdb: page ${pgno} item ${idx / 2}: ${error.message}`);
        }
      }
      pgno = u32(db, at + 16);
    }
  }
  return { blobs, errors };
}
