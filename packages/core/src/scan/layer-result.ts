import type { AnalyzerFinding, PathFact } from '../analyzers/types.js';
import type { CatalogedPackage, CatalogedRelationship, FileOwnership } from '../catalogers/types.js';

export const LAYER_RESULT_SCHEMA = 2;

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
   * The same, for entries that are not directories (files, symlinks, hard links, devices, FIFOs):
   * such an entry at P replaces a lower directory P, and with it everything under P/.
   */
  readonly nonDirHashes: string;
  readonly packages: readonly (CatalogedPackage & { readonly foundBy: string })[];
  readonly relationships: readonly (CatalogedRelationship & { readonly foundBy: string })[];
  readonly ownership: readonly FileOwnership[];
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

/** True when the hash of a strict ancestor of `path` (`/a`, `/a/b` for `/a/b/c`) is in `sorted`; one pass (FNV-1a is a running hash). */
export function hasAncestorHash(sorted: Uint32Array, path: string): boolean {
  if (sorted.length === 0) return false;
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i += 1) {
    const c = path.charCodeAt(i);
    if (c === 0x2f && i > 0 && hasHash(sorted, hash >>> 0)) return true;
    hash ^= c;
    hash = Math.imul(hash, 0x01000193);
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
