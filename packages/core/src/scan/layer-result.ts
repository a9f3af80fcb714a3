import type { AnalyzerFinding, PathFact } from '../analyzers/types.js';
import type { CatalogedPackage, CatalogedRelationship, FileOwnership, LicenseFact } from '../catalogers/types.js';

/**
 * Bump when a layer is read differently or what a layer result holds changes, so cached results
 * from older versions are not reused (2: GNU sparse members are read; per-kind special-file
 * limits and limit overflow as unknowns; 3: paths of non-directory entries, for overlay replacement).
 */
export const LAYER_RESULT_SCHEMA = 3;

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
  /** Sorted 32-bit FNV-1a hashes of every path in the layer, base64: detects overwrites of lower files cheaply. */
  readonly pathHashes: string;
  /**
   * Sorted 53-bit keys (`widePathKey`, float64, base64) of entries that are not directories (files,
   * symlinks, hard links, devices, FIFOs): such an entry at P replaces a lower directory P, and with
   * it everything under P/.
   */
  readonly nonDirKeys: string;
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

/** FNV-1a over UTF-16 code units: fast and good enough for overwrite detection (a rare false positive only mislabels "removed in"). */
export function pathHash(path: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i += 1) {
    hash ^= path.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A 53-bit key of a path: FNV-1a (as `pathHash`) beside a second running multiply-xorshift hash, so
 * that a non-directory entry deletes a lower directory only on a match of both. 32 bits alone
 * would collide by chance (thousands of lower directories checked against tens of thousands of
 * entries per layer), and a false match here makes packages vanish. Neither hash is cryptographic:
 * like `pathHash`, a path crafted to collide remains possible.
 */
function wideKey(fnv: number, other: number): number {
  return (fnv >>> 0) * 0x200000 + ((other >>> 0) >>> 11);
}
const WIDE_BASIS = 0x9747b28c;
const WIDE_PRIME = 0x5bd1e995;

export function widePathKey(path: string): number {
  let a = 0x811c9dc5;
  let b = WIDE_BASIS;
  for (let i = 0; i < path.length; i += 1) {
    const c = path.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, WIDE_PRIME);
    b ^= b >>> 15;
  }
  return wideKey(a, b);
}

/** True when the key of a strict ancestor of `path` (`/a`, `/a/b` for `/a/b/c`) is in `sorted`; one pass (both hashes run). */
export function hasAncestorKey(sorted: Float64Array, path: string): boolean {
  if (sorted.length === 0) return false;
  let a = 0x811c9dc5;
  let b = WIDE_BASIS;
  for (let i = 0; i < path.length; i += 1) {
    const c = path.charCodeAt(i);
    if (c === 0x2f && i > 0 && hasKey(sorted, wideKey(a, b))) return true;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, WIDE_PRIME);
    b ^= b >>> 15;
  }
  return false;
}

export function encodeKeys(keys: Float64Array): string {
  const sorted = Float64Array.from(new Set(keys)).sort();
  return Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength).toString('base64');
}

export function decodeKeys(encoded: string): Float64Array {
  const bytes = Buffer.from(encoded, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer, 0, Math.floor(copy.length / 8));
}

function hasKey(sorted: Float64Array, key: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = sorted[mid] ?? 0;
    if (value === key) return true;
    if (value < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function encodeHashes(hashes: Uint32Array): string {
  const sorted = Uint32Array.from(new Set(hashes)).sort();
  return Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength).toString('base64');
}

export function decodeHashes(encoded: string): Uint32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Uint32Array(copy.buffer, 0, Math.floor(copy.length / 4));
}

export function hasHash(sorted: Uint32Array, hash: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = sorted[mid] ?? 0;
    if (value === hash) return true;
    if (value < hash) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
