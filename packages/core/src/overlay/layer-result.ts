import type { AnalyzerFinding, PathFact } from '../layers/layer-analyzer.js';
import type { CatalogedPackage, CatalogedRelationship, FileOwnership, LicenseFact } from '../catalogers/types.js';

/*
 * Overlay matching (which later entry overwrites or replaces a lower path) compares exact paths: a
 * `Set<string>` of each layer's entry paths, built once per layer at replay. Hashes of paths (32-bit
 * FNV-1a, 53-bit keys before schema 4) let a hostile image name a path colliding with
 * `/var/lib/dpkg/status` and delete its packages from the report. Measured on the 200,000-file case
 * of `bench/many-files-image.mjs`: the path strings cost 13.7 MB of heap and their Set 5.2 MB (9 MB of
 * JSON in the cache before zstd), against 2.4 MB for the hashes; well inside the bench's 400 MB RSS
 * bound, so no digest (≥128-bit) representation is needed.
 */

/**
 * Bump when a layer is read differently or what a layer result holds changes, so cached results
 * from older versions are not reused (2: GNU sparse members are read; per-kind special-file
 * limits and limit overflow as unknowns; 3: paths of non-directory entries, for overlay replacement;
 * 4: exact entry paths instead of forgeable 32/53-bit path hashes).
 */
export const LAYER_RESULT_SCHEMA = 4;

/** What one layer holds, as far as Sekisho's plugins care. Self-contained and cacheable by content. */
export interface LayerResult {
  readonly schema: typeof LAYER_RESULT_SCHEMA;
  readonly entries: number;
  readonly bytes: number;
  /** Paths this layer deletes from lower layers (`.wh.<name>`). */
  readonly whiteouts: readonly string[];
  /** Directories whose lower-layer contents this layer hides (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[];
  /** Symlinks of this layer, `[path, target]`. */
  readonly symlinks: readonly (readonly [string, string])[];
  /**
   * Every path an entry of the layer names (whiteouts excepted), sorted and unique: a later entry at
   * a lower file's path overwrites it. Exact paths, not hashes: a hash of a path can be forged by a
   * hostile image (a path colliding with `/var/lib/dpkg/status` would delete its packages).
   */
  readonly paths: readonly string[];
  /**
   * The subset of `paths` whose entry is a directory. Any other entry at P (file, symlink, hard link,
   * device, FIFO) replaces a lower directory P, and with it everything under P/.
   */
  readonly dirPaths: readonly string[];
  readonly packages: readonly (CatalogedPackage & { readonly foundBy: string })[];
  readonly relationships: readonly (CatalogedRelationship & { readonly foundBy: string })[];
  readonly ownership: readonly FileOwnership[];
  /** Licence statements from files apart from package records (absent in results cached before they existed). */
  readonly licenseFacts?: readonly LicenseFact[];
  readonly unknowns: readonly { readonly path: string; readonly foundBy: string; readonly reason: string }[];
  readonly findings: readonly AnalyzerFinding[];
  readonly facts: readonly PathFact[];
  /** Regular files with setuid/setgid bits, world-writable entries and device nodes: image-hardening facts. */
  readonly specialFiles: readonly SpecialFile[];
}

export interface SpecialFile {
  readonly path: string;
  readonly kind: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** The entry paths of a layer as sets, for overlay replay (built once per layer). */
export interface LayerPathSets {
  /** Every path an entry of the layer names (whiteouts excepted). */
  readonly present: ReadonlySet<string>;
  /** Paths whose entry in the layer is a directory. */
  readonly dirs: ReadonlySet<string>;
}

export function layerPathSets(result: Pick<LayerResult, 'paths' | 'dirPaths'>): LayerPathSets {
  return { present: new Set(result.paths), dirs: new Set(result.dirPaths) };
}

/** True when `path` itself is an entry of the layer: the layer overwrites it. */
export function overwrites(sets: LayerPathSets, path: string): boolean {
  return sets.present.has(path);
}

/**
 * True when a strict ancestor of `path` (`/a`, `/a/b` for `/a/b/c`) is an entry of the layer that is
 * not a directory (file, symlink, hard link, device, FIFO): it replaces the lower directory and with
 * it everything under it.
 */
export function replacesAncestor(sets: LayerPathSets, path: string): boolean {
  if (sets.present.size === sets.dirs.size) return false;
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
    const ancestor = path.slice(0, i);
    if (sets.present.has(ancestor) && !sets.dirs.has(ancestor)) return true;
  }
  return false;
}
