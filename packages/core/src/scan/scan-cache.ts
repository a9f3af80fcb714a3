import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SekishoError } from '../errors.js';
import { ImageCache } from './image-cache.js';
import { LayerCache } from './layer-cache.js';
import { VerifiedFiles } from './verified-files.js';

/**
 * The cache directory's one SQLite file (WAL: many scanning processes read and write at once):
 * layer results, whole-image results, and proofs that local blobs are unchanged since hashed.
 */
export interface ScanCache {
  readonly layers: LayerCache;
  readonly images: ImageCache;
  readonly files: VerifiedFiles;
  close(): void;
}

export function openScanCache(dir: string): ScanCache {
  let db: DatabaseSync | null = null;
  try {
    mkdirSync(dir, { recursive: true });
    db = new DatabaseSync(join(dir, 'layers.sqlite'), { timeout: 30_000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    const open = db;
    return { layers: new LayerCache(open), images: new ImageCache(open), files: new VerifiedFiles(open), close: () => open.close() };
  } catch (error) {
    db?.close();
    throw new SekishoError('CONFIG_INVALID', `cannot open the layer cache in ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
