import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The buffers local blobs are read into (blob-store.ts readLent: three buffers per blob, used in
 * turn), handed from one layer to the next. Made afresh for each layer, a ring lives as long as
 * its layer's walk, so V8 has promoted it by the end and only a full collection frees it: a
 * 12-layer image (uncompressed 6 MB layers) peaked with 21-25 MB of dead rings where two live
 * ones are all a scan needs.
 *
 * A ring goes back only when the code that read through it says every reader is done with it:
 * the walk, and the decoder that may still be inflating the last chunk after the blob's reader
 * has ended. `withReadRings` says so when its work returns normally (the layer was read to its
 * end and its digests checked); after a failure the reads of an abandoned stream may still be in
 * flight, so those rings are left to the collector.
 */

/** The buffers of a full-size ring; smaller blobs get rings of their own size, never kept. */
export const RING_BUFFER_BYTES = 1024 * 1024;
/** Rings kept for the next layers: as many as layers are read at once (scan-image.ts), and one more. */
const MAX_IDLE_RINGS = 3;

type Ring = readonly [Buffer, Buffer, Buffer];

const idle: Ring[] = [];
const lease = new AsyncLocalStorage<Ring[]>();

/** A ring of three buffers of `size` bytes: one a finished layer gave back, or new. */
export function takeRing(size: number): Ring {
  const ring = (size === RING_BUFFER_BYTES ? idle.pop() : undefined) ?? [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  lease.getStore()?.push(ring);
  return ring;
}

/** Runs `read`; once it has returned normally, the rings taken while it ran serve later reads. */
export async function withReadRings<T>(read: () => Promise<T>): Promise<T> {
  const taken: Ring[] = [];
  const value = await lease.run(taken, read);
  for (const ring of taken) if (ring[0].length === RING_BUFFER_BYTES && idle.length < MAX_IDLE_RINGS) idle.push(ring);
  return value;
}

/** Rings waiting for a layer (tests). */
export function idleRingCount(): number {
  return idle.length;
}
