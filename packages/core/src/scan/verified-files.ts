/*
 * Proofs that a local blob is unchanged since it was hashed, so that a rescan need not hash it again.
 *
 * A cache entry may stand for a layer only when the blob at hand is the blob verified when the entry
 * was written (scan-image.ts). For a local archive or layout that means hashing the blob on every
 * rescan: one sequential read of every layer, most of a warm scan. Instead, once the bytes of a
 * range of a file have been hashed, we record the file's state — `fs.stat` with nanosecond times:
 * device, inode, size, mtime and ctime — beside the digest. A later run that finds the file in
 * exactly that state takes the digest as known; any difference (or no record) means hashing it
 * again. This is how git's index tells unchanged working-tree files from changed ones.
 *
 * Why the state proves the bytes unchanged:
 * - Every write to a file, by any process, sets its ctime to the current time (so does a change of
 *   its mtime by `utimes`/`touch`, which is the only way to set an mtime back). No process can set
 *   a ctime: only the clock can. Replacing the file (rename over it) changes its inode.
 * - A write in the same clock tick as the previous one can leave ctime as it was ("racy git"). So a
 *   state is recorded only when its ctime and mtime are at least RACY_MARGIN_NS older than the moment
 *   we started reading: any write after our read then falls in a later tick and shows. The margin
 *   covers coarse file-system timestamps (a few ms on ext4, 2 s on FAT) and small clock differences.
 * - The state is taken before and after the bytes are read; if the two differ, the file changed
 *   while it was read and nothing is recorded.
 * - A range inside a tar archive (a docker-archive's layer) is covered by the archive file's state:
 *   any change to any member changes it. An archive inflated to a temp copy has no proof (the copy
 *   is new each run); a symlink in a layout is never followed (DirectoryBlobStore).
 * Limits: a file system that does not keep ctime (some FUSE mounts report zeros: refused here) or
 * a network file system whose server clock lags ours by more than the margin weakens the racy check.
 *
 * Each row also carries a sha256 over its own fields: a damaged row is no proof.
 */
import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { FileState, StoredRange } from '../source/blob-store.js';
import type { LayerRef } from '../source/types.js';

/** The stored blob a cached result was computed from, verified (digest, size and diffID) in that run. */
export interface VerifiedBlob {
  /** `sha256:` of the stored bytes, as measured while the layer was analysed. */
  readonly digest: string;
  readonly size: number;
}

const RACY_MARGIN_NS = 5_000_000_000n;

const rangeKey = (range: StoredRange): string => `${range.file.dev}:${range.file.ino}:${range.offset}:${range.length}`;
const stateText = (file: FileState): string => `${file.size}:${file.mtimeNs}:${file.ctimeNs}`;
const rowCheck = (key: string, state: string, digest: string, size: number): string => createHash('sha256').update(`${key}\0${state}\0${digest}\0${size}`).digest('hex');

export class VerifiedFiles {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    db.exec('CREATE TABLE IF NOT EXISTS verified_ranges (range TEXT PRIMARY KEY, state TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL, checksum TEXT NOT NULL, created INTEGER NOT NULL)');
    this.#get = db.prepare('SELECT state, digest, size, checksum FROM verified_ranges WHERE range = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO verified_ranges (range, state, digest, size, checksum, created) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** What the bytes of `range` hashed to, if the file is in exactly the state it was in then; else null. */
  lookup(range: StoredRange): VerifiedBlob | null {
    const key = rangeKey(range);
    const row = this.#get.get(key) as { state?: unknown; digest?: unknown; size?: unknown; checksum?: unknown } | undefined;
    if (row === undefined || typeof row.state !== 'string' || typeof row.digest !== 'string' || typeof row.size !== 'number') return null;
    if (row.checksum !== rowCheck(key, row.state, row.digest, row.size)) return null;
    if (row.state !== stateText(range.file) || row.size !== range.length) return null;
    return { digest: row.digest, size: row.size };
  }

  /** Record that the bytes of `range` hash to `blob`; `range` must come from `readUnchanged`. */
  record(range: StoredRange, blob: VerifiedBlob): void {
    if (blob.size !== range.length) return;
    const key = rangeKey(range);
    const state = stateText(range.file);
    this.#put.run(key, state, blob.digest, blob.size, rowCheck(key, state, blob.digest, blob.size), Date.now());
  }
}

const sameState = (a: FileState, b: FileState): boolean => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/** The same bytes of a file in the same state: any write to the file in between would show (see the header). */
export const sameRange = (a: StoredRange, b: StoredRange): boolean => sameState(a.file, b.file) && a.offset === b.offset && a.length === b.length;

/** The moment, in ns since the epoch, that `settledBefore` measures from. */
export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** Was the file last changed at least RACY_MARGIN_NS before `startedNs`, so that a change after it cannot share its timestamps? */
export const settledBefore = (file: FileState, startedNs: bigint): boolean =>
  file.mtimeNs > 0n && file.ctimeNs > 0n && file.mtimeNs < startedNs - RACY_MARGIN_NS && file.ctimeNs < startedNs - RACY_MARGIN_NS;

/**
 * Run `read` (which reads the layer's stored bytes) and return its value with the range the bytes
 * were read from — or null for the range when nothing may be recorded about it: the layer is not a
 * local file, the file changed while it was read, or it was changed too recently to tell a later
 * change apart (see the header).
 */
export async function readUnchanged<T>(layer: LayerRef, read: () => Promise<T>): Promise<{ readonly value: T; readonly range: StoredRange | null }> {
  const started = nowNs();
  const before = (await layer.locateBlob?.().catch(() => null)) ?? null;
  const value = await read();
  if (before === null) return { value, range: null };
  const after = (await layer.locateBlob?.().catch(() => null)) ?? null;
  if (after === null || !sameRange(before, after)) return { value, range: null };
  return { value, range: settledBefore(before.file, started) ? before : null };
}
