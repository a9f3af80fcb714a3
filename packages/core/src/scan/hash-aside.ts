/*
 * The digest of a large uncompressed layer, computed on another thread from a second read of its
 * file while the walk reads the first. sha256 on the main thread was ~30% of a cold scan of an
 * uncompressed archive (a `docker save` tarball), and in such a scan the second core is idle: no
 * inflater runs. Cold `sbom` of the bench and debian-node docker-archives (one ~420 MB layer each)
 * 1.06-1.14 → 0.91-0.98 s; peak RSS +14 MB, what a worker thread costs (`/usr/bin/time`, three
 * interleaved rounds against the build before).
 * So only blobs of HASH_ASIDE_MIN_BYTES or more are hashed aside. Compressed blobs that large are
 * rare and gain less (the inflater already keeps the second core busy: hashing the gzip bench
 * image's 130 MB blob aside measured no faster).
 *
 * The two reads see the same bytes when the file is provably unchanged from before the first to
 * after the last (verified-files.ts: same device, inode, size, mtime and ctime, last changed
 * before the margin that tells a later change apart). That is checked before the aside hash starts
 * and again once the walk and the hash are both done; a file changed in between fails the scan
 * (SOURCE_INVALID) rather than vouch for bytes nobody hashed. Without that proof (a file changed
 * moments ago, a blob that is not a local file) the walk hashes as it reads, as before.
 *
 * Earlier designs that handed the walked bytes to a hashing thread made the walk wait for it
 * (slots of a shared buffer) or copy every byte; reading the file twice costs a page-cache copy.
 */
import { SekishoError } from '../errors.js';
import type { StoredRange } from '../source/blob-store.js';
import type { LayerRef } from '../source/types.js';
import { nowNs, sameRange, settledBefore } from './verified-files.js';

export const HASH_ASIDE_MIN_BYTES = 256 * 1024 * 1024;

export interface AsideRequest {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly dev: bigint;
  readonly ino: bigint;
}

export type AsideReply = { readonly digest: string; readonly size: number } | { readonly error: string };

// Run from sources (the tests), the worker is TypeScript too: Node strips its types.
const WORKER_FILE = new URL(import.meta.url.endsWith('.ts') ? './hash-aside-worker.ts' : './hash-aside-worker.js', import.meta.url);

/**
 * Hashes `range` on a thread of its own (~20 ms to start, next to the seconds a blob this large
 * takes to walk), ended once it replies or `cancel` is called: a scan that fails or times out
 * does not wait for the hash of a file it no longer reads, and no other scan shares the thread.
 */
function hashRangeAside(range: StoredRange): { readonly reply: Promise<AsideReply>; readonly cancel: () => void } {
  // Small heap limits: the worker allocates one buffer and one hash.
  // Taken when a blob is first hashed aside: most scans never do, and loading node:worker_threads
  // was 2.4 ms of every scan's start (warm rescans included).
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const thread = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  const reply = new Promise<AsideReply>((resolve) => {
    thread.once('message', resolve);
    thread.once('error', (error: unknown) => resolve({ error: error instanceof Error ? error.message : String(error) }));
    thread.once('exit', (code) => resolve({ error: `the hashing thread ended (${code})` }));
  });
  const cancel = (): void => void thread.terminate();
  void reply.then(cancel);
  thread.postMessage({ path: range.path, offset: range.offset, length: range.length, dev: range.file.dev, ino: range.file.ino } satisfies AsideRequest);
  return { reply, cancel };
}

export interface AsideHash {
  /** The sha256 of the layer's stored bytes, read a second time; rejects when they could not be read. */
  readonly digest: Promise<string>;
  /** Throws unless the file is still in the state it was in before the walk: call once the walk is done. */
  checkUnchanged(): Promise<void>;
  /** Stops the hash if it is still running (the walk failed); `digest` then rejects. */
  cancel(): void;
}

/**
 * Starts hashing `layer`'s stored bytes aside when they are a local file range of at least
 * `minBytes`, unchanged for longer than the racy margin; else null (the walk hashes them).
 */
export async function hashLayerAside(layer: LayerRef, minBytes: number = HASH_ASIDE_MIN_BYTES): Promise<AsideHash | null> {
  if (layer.locateBlob === undefined) return null;
  const started = nowNs();
  const before = await layer.locateBlob().catch(() => null);
  if (before === null || before.length < minBytes || !settledBefore(before.file, started)) return null;
  const hashing = hashRangeAside(before);
  const digest = hashing.reply.then((reply) => {
    if ('error' in reply) throw new SekishoError('SOURCE_INVALID', `could not read the layer a second time to hash it: ${reply.error}`);
    if (reply.size !== before.length) throw new SekishoError('SOURCE_INVALID', `the layer's file changed while it was read: ${reply.size} of ${before.length} bytes were there`);
    return reply.digest;
  });
  digest.catch(() => undefined); // awaited by the layer stream, or left when the walk fails first
  return {
    digest,
    cancel: hashing.cancel,
    async checkUnchanged() {
      const after = await layer.locateBlob?.().catch(() => null);
      if (after === null || after === undefined || !sameRange(before, after)) {
        throw new SekishoError('SOURCE_INVALID', `the layer's file ${before.path} changed while it was read`);
      }
    },
  };
}
