/**
 * V8's optimizing compilers (Maglev and Turbofan), held back while a scan is small and turned on
 * once it is not.
 *
 * A short inventory scan gains nothing from them: what it spends its time on is native (inflating,
 * hashing, JSON.parse) or runs once per entry, and each compiler costs resident memory the first
 * time it runs: its own code pages in the Node binary (7 MB of them on distroless) and the zones
 * it compiles in (5 MB). Where the work is large they pay: with both off from the start,
 * debian-node's 406 MB took 1.43 s against 1.13 s, and a byte loop left to the interpreter runs
 * 10-30× slower (the secret scanner's keyword search: a scan of compare-after 0.73 → 1.18 s).
 *
 * So a command that knows its work is an inventory (`sbom`) defers them, and they come on, for
 * the rest of the process, as soon as the work is seen not to be small:
 * - the layers the manifest lists would inflate past OPTIMIZE_PAST_WORK (compressed sizes are
 *   counted three times: the fixture images' layers inflate 2.7-3.1×), or a layer's size is
 *   unknown (directories), or the scan runs analyzers beyond the inventory (scan-image.ts);
 * - the walk has passed OPTIMIZE_PAST_WORK, each entry counted as ENTRY_WORK bytes and each file
 *   a cataloger reads by its size as well (counted before it is parsed, so a large one is parsed
 *   with optimized code): what costs in the interpreter is per entry, and a compressed size says
 *   nothing of how many entries there are (the 200,000-file bench image is 3 MB of gzip);
 * - DEFERRAL_LIMIT_MS have passed, whatever the work: a bound on what a misjudged scan can lose.
 * Deferring never changes a result, only how fast the same code runs. V8 reads these flags when
 * it next decides to optimize a function, so setting them at run time takes effect at once; on the
 * command line they would change V8's flag hash and refuse the code cache of Node's own modules
 * (buffer-reaper.ts). A library caller's process is left alone unless it defers them itself.
 *
 * Cold `sbom` of the fixture docker-archives against the build before, interleaved, medians of
 * five to seven (`/usr/bin/time`): compare-after 84.6 → 75.1 MB peak RSS, 0.34 → 0.32 s;
 * rpm-sqlite 73.9 → 68.0 MB; distroless 86.5 → 77.8-81.0 MB; debian-java 79.4 → 73.5 MB;
 * debian-jars-go 115.1 → 105.2 MB, 0.73 → 0.75 s, 0.91 → 0.84 s of CPU; debian-app 97.2 → 87.9 MB
 * at the same time; the images past the threshold (debian-python, debian-node, bench) unchanged.
 * The cost is on images of very many files: the 200,000-file bench image walks its first 16,384
 * entries in the interpreter, 2.14 → 2.27 s.
 */

// Taken when first used: start-up (`--version`, `--help`) loads this module and need not load node:v8.
const setFlagsFromString = (flags: string): void => process.getBuiltinModule('node:v8').setFlagsFromString(flags);

export const OPTIMIZE_PAST_WORK = 192 * 1024 * 1024;
export const ENTRY_WORK = 12 * 1024;
export const DEFERRAL_LIMIT_MS = 1000;
/** How much larger than its stored size a compressed layer is taken to be. */
const INFLATION_ESTIMATE = 3;

let deferred = false;
let work = 0;
let limit: ReturnType<typeof setTimeout> | null = null;

/** Turn V8's optimizing compilers off until the work is seen to need them (see above); once per process. */
export function deferOptimizingTiers(limitMs: number = DEFERRAL_LIMIT_MS): void {
  if (deferred || limit !== null) return;
  setFlagsFromString('--no-maglev');
  setFlagsFromString('--no-turbofan');
  deferred = true;
  work = 0;
  limit = setTimeout(resumeOptimizingTiers, limitMs);
  limit.unref();
}

/** Turn them back on, for good. */
export function resumeOptimizingTiers(): void {
  if (!deferred) return;
  deferred = false;
  if (limit !== null) clearTimeout(limit);
  setFlagsFromString('--maglev');
  setFlagsFromString('--turbofan');
}

export function optimizingTiersDeferred(): boolean {
  return deferred;
}

/**
 * The layers about to be read: sizes as stored (null: unknown) and media types. A layer without
 * one (a docker-archive's) counts as stored uncompressed; if it inflates after all, the walk's
 * own count catches up with it.
 */
export function expectLayers(layers: readonly { readonly size: number | null; readonly mediaType: string | null }[]): void {
  if (!deferred) return;
  let expected = 0;
  for (const layer of layers) {
    if (layer.size === null) {
      resumeOptimizingTiers();
      return;
    }
    const compressed = layer.mediaType !== null && /gzip|zstd/.test(layer.mediaType);
    expected += compressed ? layer.size * INFLATION_ESTIMATE : layer.size;
  }
  if (expected > OPTIMIZE_PAST_WORK) resumeOptimizingTiers();
}

/**
 * One entry walked, of `size` bytes, and whether a cataloger or analyzer reads it. Only what
 * JavaScript does counts: the bytes of an entry nobody reads pass through native code alone
 * (inflate, hash); those of a file a cataloger parses go through its loops.
 */
export function countEntry(size: number, read: boolean): void {
  if (!deferred) return;
  work += read ? ENTRY_WORK + size : ENTRY_WORK;
  if (work > OPTIMIZE_PAST_WORK) resumeOptimizingTiers();
}
