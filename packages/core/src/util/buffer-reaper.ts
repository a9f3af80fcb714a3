/**
 * Frees buffers that die young without waiting for a full collection. A zlib stream hands out a
 * new buffer for every chunk it inflates (256 KiB then, 512 KiB now), dead once walked. V8 frees such buffers in a
 * scavenge, but scavenges come with the allocation of JavaScript objects, not of buffer bytes:
 * while a layer's large files stream by, hundreds of megabytes of dead buffers pile up until
 * their size alone forces full mark-compact collections — 21 of them for debian-node's 425 MB
 * layer, against 1 with a minor collection every 16 MiB inflated (`--trace-gc`: time in
 * collections 266 → 99 ms). A cold `sbom` of the gzip bench image took 2.15-2.32 s and 2.65-2.88
 * CPU seconds without, 1.93-2.11 s and 2.37-2.50 with (`/usr/bin/time`, interleaved); every
 * 32 MiB was no faster and every 64 MiB gained nothing. Peak RSS stays within ~10 MB either way.
 * Measured again with 512 KiB chunks, six interleaved rounds: gzip 1.54 → 1.40 s, zstd 1.25 → 1.15 s.
 *
 * The collection needs V8's `gc`, which only `--expose-gc` gives. The installed command does not
 * pass that flag to Node: any V8 flag on the command line changes V8's flag hash, the code cache
 * of Node's own modules that comes built into the binary is then refused and each of them is
 * compiled again — 12-18 ms of every start (`--version` 53 → 71 ms, hyperfine), warm rescans
 * included. It calls allowRuntimeGc instead, and the first reaper that needs a collection sets the
 * flag then (node:v8) and takes `gc` from a new context (node:vm), ~1 ms, once a layer is
 * inflating. A library caller's process is left as it started: a `gc` it exposed itself is used,
 * and otherwise nothing is collected here and V8 is left to itself.
 */

/** A sync minor collection, as `--expose-gc`'s `gc` takes it. */
type ExposedGc = (options: { readonly type: 'minor' }) => void;

export const REAP_EVERY_BYTES = 16 * 1024 * 1024;

/** undefined: not allowed; null: allowed, not needed yet; false: exposing it failed, never tried again. */
let runtimeGc: ExposedGc | false | null | undefined;

/** Let reapers expose V8's `gc` at run time, the first time one needs a collection (see above). */
export function allowRuntimeGc(): void {
  runtimeGc ??= null;
}

/** The `gc` to call, or undefined. Exposing it is an optimisation: where it fails, scans go on without. */
function exposedGc(): ExposedGc | undefined {
  const global = (globalThis as { gc?: ExposedGc }).gc;
  if (global !== undefined || runtimeGc === undefined || runtimeGc === false) return global;
  if (runtimeGc === null) {
    try {
      process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
      const gc: unknown = process.getBuiltinModule('node:vm').runInNewContext('gc');
      runtimeGc = typeof gc === 'function' ? (gc as ExposedGc) : false;
    } catch {
      runtimeGc = false;
    }
  }
  return runtimeGc === false ? undefined : runtimeGc;
}

/** Count bytes of short-lived buffers; every `everyBytes` of them, a minor collection (when `gc` is exposed or may be). */
export function bufferReaper(everyBytes: number = REAP_EVERY_BYTES): (bytes: number) => void {
  if ((globalThis as { gc?: ExposedGc }).gc === undefined && runtimeGc === undefined) return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    exposedGc()?.({ type: 'minor' });
  };
}
