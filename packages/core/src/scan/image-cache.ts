import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import zlib from 'node:zlib';
import type { LayerInfo, Report } from '@sekisho/model';
import { isFileTreeSource } from '@sekisho/model';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { LAYER_RESULT_SCHEMA } from '../overlay/layer-result.js';
import type { ImageHandle } from '../source/types.js';
import { buildFingerprint } from '../build-fingerprint.js';
import { TOOL_VERSION } from '../version.js';
import type { VerifiedBlob } from './verified-files.js';

/**
 * Bump when what an image entry holds, or how the report is built from layer results (overlay
 * replay, inventory, distro detection, finding ids), changes: entries of other versions are then
 * never read. Plugin versions and LAYER_RESULT_SCHEMA are part of the key already.
 */
export const IMAGE_RESULT_SCHEMA = 1;

/** A scan as built from its layers, before image-config findings, post-scan checks and matching. */
export interface ImageInventory {
  readonly report: Report;
  readonly merged: MergedLayers;
  readonly fileOwners: ReadonlyMap<string, string>;
}

export interface CachedImage {
  /** Per layer, in order: the blob whose content was verified when the entry was written. */
  readonly blobs: readonly VerifiedBlob[];
  readonly report: Report;
  /** The rest of the inventory, decompressed and parsed when first asked for (most commands need only the report). */
  readonly merged: () => MergedLayers;
  readonly fileOwners: () => ReadonlyMap<string, string>;
}

interface StoredHead {
  readonly schema: typeof IMAGE_RESULT_SCHEMA;
  readonly blobs: readonly VerifiedBlob[];
  readonly report: Report;
}

type StoredMerged = Omit<MergedLayers, 'symlinks'> & { readonly symlinks: readonly (readonly [string, string])[] };

const compress = (value: unknown): Buffer => zlib.zstdCompressSync(Buffer.from(JSON.stringify(value)), { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
// Large output chunks: the default 16 KiB ones cost a copy each when joined.
const decompress = (bytes: Uint8Array): unknown => JSON.parse(zlib.zstdDecompressSync(bytes, { chunkSize: 1 << 20 }).toString('utf8'));

/** sha256 over the three stored parts, each with its length: any change to any of them shows. */
function checksumOf(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

function isBlobList(value: unknown, length: number): value is VerifiedBlob[] {
  return Array.isArray(value) && value.length === length && value.every((b: { digest?: unknown; size?: unknown } | null) => typeof b?.digest === 'string' && typeof b.size === 'number');
}

/** Parsed when first called, once; a part whose checksum passed parses (it was written by `put`). */
function once<T>(make: () => T): () => T {
  let value: { readonly made: T } | null = null;
  return () => (value ??= { made: make() }).made;
}

/**
 * The result of a whole image, keyed by what it is made of: the verified manifest and config
 * digests (the config binds every layer's diffID and build step), the layers as the report lists
 * them, every plugin's id and version and the options that change output (as layer keys), and the
 * tool and schema versions. The key says nothing about the bytes at hand: an entry stands for an
 * image only once each layer is shown to be the blob recorded with it (scan-image.ts), exactly as
 * for a layer entry. Values are zstd-compressed JSON in three parts (the report first: it is all
 * most commands need) with a sha256 over all of them beside: a damaged or truncated entry is a miss.
 */
export class ImageCache {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    db.exec('CREATE TABLE IF NOT EXISTS verified_images (key TEXT PRIMARY KEY, head BLOB NOT NULL, merged BLOB NOT NULL, owners BLOB NOT NULL, checksum TEXT NOT NULL, created INTEGER NOT NULL)');
    this.#get = db.prepare('SELECT head, merged, owners, checksum FROM verified_images WHERE key = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO verified_images (key, head, merged, owners, checksum, created) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** The entry under `key` if it is intact and lists `layers` blobs; the caller must show each layer is its blob. */
  get(key: string, layers: number): CachedImage | null {
    const row = this.#get.get(key) as { head?: unknown; merged?: unknown; owners?: unknown; checksum?: unknown } | undefined;
    const { head, merged, owners } = row ?? {};
    if (!(head instanceof Uint8Array) || !(merged instanceof Uint8Array) || !(owners instanceof Uint8Array)) return null;
    if (row?.checksum !== checksumOf([head, merged, owners])) return null;
    let stored: { readonly [K in keyof StoredHead]?: unknown };
    try {
      stored = decompress(head) as typeof stored;
    } catch {
      return null;
    }
    if (stored.schema !== IMAGE_RESULT_SCHEMA || !isBlobList(stored.blobs, layers) || typeof stored.report !== 'object' || stored.report === null) return null;
    return {
      blobs: stored.blobs,
      report: stored.report as Report,
      merged: once(() => {
        const { symlinks, ...rest } = decompress(merged) as StoredMerged;
        return { ...rest, symlinks: new Map(symlinks) };
      }),
      fileOwners: once(() => new Map(decompress(owners) as [string, string][])),
    };
  }

  /** Store an image; only when every layer's blob was shown in this run to be the one given for it. */
  put(key: string, blobs: readonly VerifiedBlob[], inventory: ImageInventory): void {
    const head: StoredHead = { schema: IMAGE_RESULT_SCHEMA, blobs, report: inventory.report };
    const merged: StoredMerged = { ...inventory.merged, symlinks: [...inventory.merged.symlinks] };
    const parts = [compress(head), compress(merged), compress([...inventory.fileOwners])] as const;
    this.#put.run(key, ...parts, checksumOf(parts), Date.now());
  }
}

/** An inventory whose merged layers and file owners are read from the cached entry only when used. */
export function lazyInventory(report: Report, cached: Pick<CachedImage, 'merged' | 'fileOwners'>): ImageInventory {
  return {
    report,
    get merged() {
      return cached.merged();
    },
    get fileOwners() {
      return cached.fileOwners();
    },
  };
}

/** `inventory` with another report; unlike a spread, it leaves merged layers and file owners unread until used. */
export function withReport(inventory: ImageInventory, report: Report): ImageInventory {
  return {
    report,
    get merged() {
      return inventory.merged;
    },
    get fileOwners() {
      return inventory.fileOwners;
    },
  };
}

/** The key of an image (see ImageCache), or null when its result is not cached as a whole (directories, unverified config). */
export function imageCacheKey(
  handle: ImageHandle,
  layers: readonly LayerInfo[],
  plugins: readonly { id: string; version: number }[],
  options: Readonly<Record<string, unknown>>,
  includeDevDeps: boolean,
): string | null {
  if (isFileTreeSource(handle.sourceType) || handle.configDigest === null || handle.layers.some((l) => l.diffId === null)) return null;
  const material = JSON.stringify({
    schema: IMAGE_RESULT_SCHEMA,
    layerSchema: LAYER_RESULT_SCHEMA,
    tool: TOOL_VERSION,
    code: buildFingerprint(),
    sourceType: handle.sourceType,
    manifest: handle.manifestDigest,
    config: handle.configDigest,
    layers,
    plugins: plugins.map((p) => `${p.id}@${p.version}`).sort(),
    options,
    includeDevDeps,
  });
  return createHash('sha256').update(material).digest('hex');
}
