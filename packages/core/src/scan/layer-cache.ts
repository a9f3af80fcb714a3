import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { buildFingerprint } from '../build-fingerprint.js';
import { LAYER_RESULT_SCHEMA } from '../overlay/layer-result.js';
import type { LayerResult } from '../overlay/layer-result.js';
import { decodeCacheValue, encodeCacheValue } from './cache-codec.js';
import type { VerifiedBlob } from './verified-files.js';

export interface CacheEntry {
  readonly result: LayerResult;
  readonly blob: VerifiedBlob;
}

/**
 * Layer results keyed by content: the layer's diffID plus the id and version of every plugin that
 * ran. Each entry also stores the blob whose content was verified against that diffID when the
 * entry was written, so a hit is only trusted once the blob at hand is shown to be that same blob
 * (a config can claim any diffID; see `scanImage`). SQLite in WAL mode lets many scanning processes
 * read and write at once (Trivy's single-writer BoltDB serialises parallel scans). Values are
 * stored as cache-codec.ts writes them.
 */
export class LayerCache {
  readonly #get: StatementSync;
  readonly #put: StatementSync;

  constructor(db: DatabaseSync) {
    // `layers` (entries without the verified blob) is left to older versions sharing the directory.
    db.exec('CREATE TABLE IF NOT EXISTS verified_layers (key TEXT PRIMARY KEY, blob_digest TEXT NOT NULL, blob_size INTEGER NOT NULL, value BLOB NOT NULL, created INTEGER NOT NULL)');
    this.#get = db.prepare('SELECT blob_digest, blob_size, value FROM verified_layers WHERE key = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO verified_layers (key, blob_digest, blob_size, value, created) VALUES (?, ?, ?, ?, ?)');
  }

  /** The entry under `key`; the caller must check that its blob is the one being scanned before using it. */
  get(key: string): CacheEntry | null {
    const row = this.#get.get(key) as { blob_digest?: string; blob_size?: number; value?: Uint8Array } | undefined;
    if (row?.value === undefined || typeof row.blob_digest !== 'string' || typeof row.blob_size !== 'number') return null;
    try {
      const result = decodeCacheValue(row.value) as LayerResult | null;
      return typeof result === 'object' && result !== null && result.schema === LAYER_RESULT_SCHEMA ? { result, blob: { digest: row.blob_digest, size: row.blob_size } } : null;
    } catch {
      return null; // a damaged entry is a miss; the layer is analysed again and the entry replaced
    }
  }

  /** Store a result; only for a layer whose blob digest and diffID were verified in this run. */
  put(key: string, result: LayerResult, blob: VerifiedBlob): void {
    this.#put.run(key, blob.digest, blob.size, encodeCacheValue(result), Date.now());
  }
}

/** Cache key: the claimed diffID + result schema + the build's code + every plugin's id and version + options that change output. */
export function layerCacheKey(contentDigest: string, plugins: readonly { id: string; version: number }[], options: Readonly<Record<string, unknown>>): string {
  const material = JSON.stringify({
    content: contentDigest,
    schema: LAYER_RESULT_SCHEMA,
    code: buildFingerprint(),
    plugins: plugins.map((p) => `${p.id}@${p.version}`).sort(),
    options,
  });
  return createHash('sha256').update(material).digest('hex');
}
