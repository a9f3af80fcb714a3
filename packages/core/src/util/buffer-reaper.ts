/**
 * Frees buffers that die young without waiting for a full collection. A zlib stream hands out a
 * new buffer for every 256 KiB it inflates, dead once walked. V8 frees such buffers in a
 * scavenge, but scavenges come with the allocation of JavaScript objects, not of buffer bytes:
 * while a layer's large files stream by, hundreds of megabytes of dead buffers pile up until
 * their size alone forces full mark-compact collections — 21 of them for debian-node's 425 MB
 * layer, against 1 with a minor collection every 16 MiB inflated (`--trace-gc`: time in
 * collections 266 → 99 ms). A cold `sbom` of the gzip bench image took 2.15-2.32 s and 2.65-2.88
 * CPU seconds without, 1.93-2.11 s and 2.37-2.50 with (`/usr/bin/time`, interleaved); every
 * 32 MiB was no faster and every 64 MiB gained nothing. Peak RSS stays within ~10 MB either way.
 *
 * The installed command starts Node with `--expose-gc` (bin/sekisho.js) for this; without it (a
 * library caller, the tests) nothing is collected here and V8 is left to itself.
 */

/** A sync minor collection, as `--expose-gc`'s `gc` takes it. */
type ExposedGc = (options: { readonly type: 'minor' }) => void;

export const REAP_EVERY_BYTES = 16 * 1024 * 1024;

/** Count bytes of short-lived buffers; every `everyBytes` of them, a minor collection (when exposed). */
export function bufferReaper(everyBytes: number = REAP_EVERY_BYTES): (bytes: number) => void {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  if (gc === undefined) return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
