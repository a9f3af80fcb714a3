import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LayerInfo, Report } from '@sekisho/model';
import { isFileTreeSource } from '@sekisho/model';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { LAYER_RESULT_SCHEMA } from '../overlay/layer-result.js';
import type { ImageHandle } from '../source/types.js';
import { buildFingerprint } from '../build-fingerprint.js';
import { TOOL_VERSION } from '../version.js';
import { decodeCacheValue, encodeCacheValue } from './cache-codec.js';
import type { VerifiedBlob } from './verified-files.js';

/**
 * Bump when what an image entry holds, or how the report is built from layer results (overlay
 * replay, inventory, distro detection, finding ids), changes: entries of other versions are then
 * never read. Plugin versions and LAYER_RESULT_SCHEMA are part of the key already.
 */
export const IMAGE_RESULT_SCHEMA = 2;

/** A scan as built from its layers, before image-config findings, post-scan checks and matching. */
export interface ImageInventory {
  readonly report: Report;
  readonly merged: MergedLayers;
}

/**
 * Per part of a cached report, the fingerprint of a redactor found to leave it unchanged
 * (findings/redaction.ts vouchRedacted), or null: the largest parts, which a warm rescan then
 * does not walk again to redact its output.
 */
export interface RedactedParts {
  readonly packages: string | null;
  readonly relationships: string | null;
}

export interface CachedImage {
  /** Per layer, in order: the blob whose content was verified when the entry was written. */
  readonly blobs: readonly VerifiedBlob[];
  readonly report: Report;
  readonly redactedBy: RedactedParts;
  /** The rest of the inventory, decompressed and read when first asked for (most commands need only the report). */
  readonly merged: () => MergedLayers;
}

interface StoredHead {
  readonly schema: typeof IMAGE_RESULT_SCHEMA;
  readonly blobs: readonly VerifiedBlob[];
  readonly report: Report;
  readonly packagesRedactedBy?: string | null;
  readonly relationshipsRedactedBy?: string | null;
}

/** sha256 over the stored parts, each with its length: any change to any of them shows. */
function checksumOf(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

function isBlobList(value: unknown, length: number): value is VerifiedBlob[] {
  return Array.isArray(value) && value.length === length && value.every((b: { digest?: unknown; size?: unknown } | null) => typeof b?.digest === 'string' && typeof b.size === 'number');
}

/** Read when first called, once; a part whose checksum passed decodes (it was written by `put`). */
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
 * for a layer entry. Values are stored as cache-codec.ts writes them, in two parts (the report
 * first: it is all most commands need) with a sha256 over both beside: a damaged or truncated
 * entry is a miss.
 */
export class ImageCache {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    // Entries of schema 1 (`verified_images`) held the image configuration in full: Env, labels and
    // build steps, secrets and all. They are dropped, their pages overwritten with zeros.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verified_images'").get() !== undefined) {
      const before = (db.prepare('PRAGMA secure_delete').get() as { secure_delete?: unknown } | undefined)?.secure_delete === 1 ? 'ON' : 'OFF';
      db.exec(`PRAGMA secure_delete = ON; DROP TABLE verified_images; PRAGMA secure_delete = ${before};`);
    }
    db.exec('CREATE TABLE IF NOT EXISTS image_inventories (key TEXT PRIMARY KEY, head BLOB NOT NULL, merged BLOB NOT NULL, checksum TEXT NOT NULL, created INTEGER NOT NULL)');
    this.#get = db.prepare('SELECT head, merged, checksum FROM image_inventories WHERE key = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO image_inventories (key, head, merged, checksum, created) VALUES (?, ?, ?, ?, ?)');
  }

  /** The entry under `key` if it is intact and lists `layers` blobs; the caller must show each layer is its blob. */
  get(key: string, layers: number): CachedImage | null {
    const row = this.#get.get(key) as { head?: unknown; merged?: unknown; checksum?: unknown } | undefined;
    const { head, merged } = row ?? {};
    if (!(head instanceof Uint8Array) || !(merged instanceof Uint8Array)) return null;
    if (row?.checksum !== checksumOf([head, merged])) return null;
    let decoded: unknown;
    try {
      decoded = decodeCacheValue(head);
    } catch {
      return null;
    }
    if (typeof decoded !== 'object' || decoded === null) return null;
    const stored = decoded as { readonly [K in keyof StoredHead]?: unknown };
    if (stored.schema !== IMAGE_RESULT_SCHEMA || !isBlobList(stored.blobs, layers) || typeof stored.report !== 'object' || stored.report === null) return null;
    return {
      blobs: stored.blobs,
      report: stored.report as Report,
      redactedBy: {
        packages: typeof stored.packagesRedactedBy === 'string' ? stored.packagesRedactedBy : null,
        relationships: typeof stored.relationshipsRedactedBy === 'string' ? stored.relationshipsRedactedBy : null,
      },
      merged: once(() => decodeCacheValue(merged) as MergedLayers),
    };
  }

  /**
   * Store an image; only when every layer's blob was shown in this run to be the one given for it.
   * `redactedBy`: the fingerprints of redactors that leave parts of the report unchanged.
   */
  put(key: string, blobs: readonly VerifiedBlob[], inventory: ImageInventory, redactedBy: RedactedParts = { packages: null, relationships: null }): void {
    const head: StoredHead = {
      schema: IMAGE_RESULT_SCHEMA,
      blobs,
      report: inventory.report,
      packagesRedactedBy: redactedBy.packages,
      relationshipsRedactedBy: redactedBy.relationships,
    };
    const parts = [encodeCacheValue(head), encodeCacheValue(inventory.merged)] as const;
    this.#put.run(key, ...parts, checksumOf(parts), Date.now());
  }
}

/** An inventory whose merged layers are read from the cached entry only when used. */
export function lazyInventory(report: Report, cached: Pick<CachedImage, 'merged'>): ImageInventory {
  return {
    report,
    get merged() {
      return cached.merged();
    },
  };
}

/** `inventory` with another report; unlike a spread, it leaves merged layers unread until used. */
export function withReport(inventory: ImageInventory, report: Report): ImageInventory {
  return {
    report,
    get merged() {
      return inventory.merged;
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
