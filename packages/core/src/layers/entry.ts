/** Tar entry kinds the walker reports; everything else is mapped to `other` and never read. */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'other';

/** One tar entry's header, after PAX/GNU extensions are applied and the path is normalized. */
export interface EntryHeader {
  /** Absolute, normalized path inside the image root (`/etc/passwd`); never contains `..`. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Permission and special bits (setuid 0o4000, setgid 0o2000, sticky 0o1000, rwx). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Link target as written in the archive (symlink: as is; hard link: normalized absolute path). */
  readonly linkTarget: string | null;
  readonly mtime: number;
  /**
   * Sparse members only: the regions of the real file that hold stored data, sorted; the rest is
   * holes, delivered as zeros (as a runtime unpacks them). Text sniffers look at these regions
   * rather than at the zeros, so a text file written after a hole still counts as text.
   */
  readonly sparseRegions?: readonly SparseRegion[];
}

/** One data region of a sparse file: `length` stored bytes at `offset` of the real file. */
export interface SparseRegion {
  readonly offset: number;
  readonly length: number;
}

/**
 * The stored (non-hole) bytes of `body` (the start of a sparse file), joined, at most `limit` of
 * them; for an ordinary file, its first `limit` bytes.
 */
export function storedBytes(header: EntryHeader, body: Buffer, limit: number): Buffer {
  const regions = header.sparseRegions;
  if (regions === undefined) return body.subarray(0, limit);
  const parts: Buffer[] = [];
  let total = 0;
  for (const region of regions) {
    if (region.offset >= body.length || total >= limit) break;
    const part = body.subarray(region.offset, Math.min(region.offset + region.length, body.length, region.offset + limit - total));
    parts.push(part);
    total += part.length;
  }
  return Buffer.concat(parts, total);
}

export const SETUID = 0o4000;
export const SETGID = 0o2000;
export const STICKY = 0o1000;
