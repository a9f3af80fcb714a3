import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import zlib from 'node:zlib';
import { SekishoError } from '../errors.js';
import { LAYER_RESULT_SCHEMA } from './layer-result.js';
import type { LayerResult } from './layer-result.js';

/**
 * Layer results keyed by content: the layer's diffID (or blob digest) plus the id and version
 * of every plugin that ran. SQLite in WAL mode lets many scanning processes read and write at
 * once (Trivy's single-writer BoltDB serialises parallel scans). Values are zstd-compressed JSON.
 */
export class LayerCache {
  readonly #db: DatabaseSync;
  readonly #get;
  readonly #put;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#get = db.prepare('SELECT value FROM layers WHERE key = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO layers (key, value, created) VALUES (?, ?, ?)');
  }

  static open(dir: string): LayerCache {
    try {
      mkdirSync(dir, { recursive: true });
      const db = new DatabaseSync(join(dir, 'layers.sqlite'), { timeout: 30_000 });
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('CREATE TABLE IF NOT EXISTS layers (key TEXT PRIMARY KEY, value BLOB NOT NULL, created INTEGER NOT NULL)');
      return new LayerCache(db);
    } catch (error) {
      throw new SekishoError('CONFIG_INVALID', `cannot open the layer cache in ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  get(key: string): LayerResult | null {
    const row = this.#get.get(key) as { value?: Uint8Array } | undefined;
    if (row?.value === undefined) return null;
    try {
      const result = JSON.parse(zlib.zstdDecompressSync(row.value).toString('utf8')) as LayerResult;
      return result.schema === LAYER_RESULT_SCHEMA ? result : null;
    } catch {
      return null; // a damaged entry is a miss; the layer is analysed again and the entry replaced
    }
  }

  put(key: string, result: LayerResult): void {
    const value = zlib.zstdCompressSync(Buffer.from(JSON.stringify(result)), { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
    this.#put.run(key, value, Date.now());
  }

  close(): void {
    this.#db.close();
  }
}

/** Cache key: layer content identity + result schema + every plugin's id and version + options that change output. */
export function layerCacheKey(contentDigest: string, plugins: readonly { id: string; version: number }[], options: Readonly<Record<string, unknown>>): string {
  const material = JSON.stringify({
    content: contentDigest,
    schema: LAYER_RESULT_SCHEMA,
    plugins: plugins.map((p) => `${p.id}@${p.version}`).sort(),
    options,
  });
  return createHash('sha256').update(material).digest('hex');
}
