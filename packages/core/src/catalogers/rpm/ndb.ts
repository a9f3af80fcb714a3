/**
 * Reader for rpm's "ndb" package database (`Packages.db`, SUSE/openSUSE), from the format
 * written by rpm lib/backend/ndb/rpmpkg.c. All integers are little-endian.
 *
 *   file header (32 bytes): magic "RpmP", version 0, generation, slotnpages, nextpkgidx
 *   slot pages: slotnpages × 4096 bytes of 16-byte slots {magic "Slot", pkgidx, blkoff, blkcnt};
 *     the first two slots of page 0 are the file header; blkoff 0 marks a free slot
 *   blobs at blkoff × 16, spanning blkcnt 16-byte blocks:
 *     head {magic "BlbS", pkgidx, timestamp, bloblen}, bloblen bytes of header blob,
 *     zero padding, tail {adler32, bloblen, magic "BlbE"}
 * rpm does not verify the adler32 on ordinary reads, and neither do we.
 */

import type { RecordedBlob } from './record.js';

const PKGDB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOBHEAD_MAGIC = 0x53626c42; // "BlbS"
const BLOBTAIL_MAGIC = 0x45626c42; // "BlbE"
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOBHEAD_SIZE = 16;
const BLOBTAIL_SIZE = 12;

export function readNdbBlobs(bytes: Uint8Array, limits: { maxRecords: number }): { blobs: RecordedBlob[]; errors: string[] } {
  const blobs: RecordedBlob[] = [];
  const errors: string[] = [];
  if (bytes.length < HEADER_SIZE) return { blobs, errors: [`ndb: file too short (${bytes.length} bytes)`] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  if (u32(0) !== PKGDB_MAGIC) return { blobs, errors: ['ndb: bad magic (not a Packages.db)'] };
  const version = u32(4);
  if (version !== 0) return { blobs, errors: [`ndb: unsupported version ${version}`] };
  const slotnpages = u32(12);
  if (slotnpages === 0 || slotnpages * PAGE_SIZE > bytes.length) {
    return { blobs, errors: [`ndb: ${slotnpages} slot pages do not fit in ${bytes.length} bytes`] };
  }
  const fileBlocks = Math.floor(bytes.length / BLK_SIZE);
  const firstDataBlock = (slotnpages * PAGE_SIZE) / BLK_SIZE;
  const seen = new Set<number>();
  const slotsEnd = slotnpages * PAGE_SIZE;
  for (let at = HEADER_SIZE; at < slotsEnd; at += SLOT_SIZE) {
    if (u32(at) !== SLOT_MAGIC) {
      errors.push(`ndb: slot at byte ${at} has a bad magic`);
      continue;
    }
    const pkgidx = u32(at + 4);
    const blkoff = u32(at + 8);
    const blkcnt = u32(at + 12);
    if (blkoff === 0) continue; // free slot
    const where = `ndb: package ${pkgidx}`;
    if (pkgidx === 0 || blkcnt === 0 || blkoff < firstDataBlock || blkoff + blkcnt > fileBlocks) {
      errors.push(`${where}: slot points outside the data area (block ${blkoff}+${blkcnt} of ${fileBlocks})`);
      continue;
    }
    if (seen.has(pkgidx)) {
      errors.push(`${where}: listed by more than one slot`);
      continue;
    }
    if (blobs.length >= limits.maxRecords) {
      errors.push(`ndb: more than ${limits.maxRecords} packages, rest ignored`);
      break;
    }
    const start = blkoff * BLK_SIZE;
    const end = (blkoff + blkcnt) * BLK_SIZE;
    if (blkcnt * BLK_SIZE < BLOBHEAD_SIZE + BLOBTAIL_SIZE) {
      errors.push(`${where}: blob too small`);
      continue;
    }
    if (u32(start) !== BLOBHEAD_MAGIC || u32(start + 4) !== pkgidx) {
      errors.push(`${where}: bad blob head`);
      continue;
    }
    const bloblen = u32(start + 12);
    if (Math.ceil((BLOBHEAD_SIZE + bloblen + BLOBTAIL_SIZE) / BLK_SIZE) !== blkcnt) {
      errors.push(`${where}: blob length ${bloblen} does not match ${blkcnt} blocks`);
      continue;
    }
    if (u32(end - 8) !== bloblen || u32(end - 4) !== BLOBTAIL_MAGIC) {
      errors.push(`${where}: bad blob tail`);
      continue;
    }
    seen.add(pkgidx);
    blobs.push({ recordId: pkgidx, blob: bytes.subarray(start + BLOBHEAD_SIZE, start + BLOBHEAD_SIZE + bloblen) });
  }
  return { blobs, errors };
}
