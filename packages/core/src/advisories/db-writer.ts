import { createHash } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { zstdCompressSync } from 'node:zlib';
import { encodeAdvisoryBody, encodeAffected } from './codec.js';
import { normalizePackageName } from './namespaces.js';
import { ADVISORY_DB_SCHEMA_VERSION, COMPRESS_FROM_BYTES, COMPRESS_PAYLOAD_FROM_BYTES, ENCODING_JSON, ENCODING_ZSTD, SCHEMA_SQL } from './sqlite-schema.js';
import type { Advisory } from './types.js';
import type { CveFactsUpdate } from './feeds/types.js';

/** An affected entry: JSON text, or zstd bytes (a BLOB) when it is large (long `versions` lists). */
function packPayload(json: string): string | Uint8Array {
  if (json.length < COMPRESS_PAYLOAD_FROM_BYTES) return json;
  const packed = zstdCompressSync(Buffer.from(json));
  return packed.length * 10 <= json.length * 9 ? packed : json;
}

export type InsertResult = 'inserted' | 'replaced' | 'duplicate';

/** The dedup key: a record is the same when source, id and the affected packages are (hashed: 16 bytes a row). */
function recordKey(advisory: Advisory): Buffer {
  const packages = [...new Set(advisory.affected.map((a) => `${a.namespace}/${a.packageName}`))].sort();
  return createHash('sha256')
    .update(`${advisory.source}\u0000${advisory.id}\u0000${packages.join(',')}`)
    .digest()
    .subarray(0, 16);
}

/**
 * Writes a new advisory database file (which must not exist). Inserts run in one transaction
 * per `batchSize` records; `finish` writes metadata, runs ANALYZE and closes. Used by the builder
 * and by the bench to pad a database.
 */
export class AdvisoryDbWriter {
  readonly #db: DatabaseSync;
  readonly #insertAdvisory: StatementSync;
  readonly #findKey: StatementSync;
  readonly #deleteAffected: StatementSync;
  readonly #deleteAliases: StatementSync;
  readonly #updateAdvisory: StatementSync;
  readonly #insertAffected: StatementSync;
  readonly #insertAlias: StatementSync;
  readonly #epss: StatementSync;
  readonly #kev: StatementSync;
  readonly #nvd: StatementSync;
  readonly #batchSize: number;
  #pending = 0;
  #open = true;

  constructor(path: string, options: { batchSize?: number } = {}) {
    this.#db = new DatabaseSync(path);
    this.#batchSize = options.batchSize ?? 5000;
    this.#db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096; PRAGMA cache_size = -262144;');
    this.#db.exec(SCHEMA_SQL);
    this.#insertAdvisory = this.#db.prepare('INSERT INTO advisories (id, source, key, modified, encoding, body) VALUES (?, ?, ?, ?, ?, ?)');
    this.#findKey = this.#db.prepare('SELECT rowid, modified FROM advisories WHERE key = ?');
    this.#deleteAffected = this.#db.prepare('DELETE FROM affected WHERE advisory = ?');
    this.#deleteAliases = this.#db.prepare('DELETE FROM aliases WHERE advisory = ?');
    this.#updateAdvisory = this.#db.prepare('UPDATE advisories SET modified = ?, encoding = ?, body = ? WHERE rowid = ?');
    this.#insertAffected = this.#db.prepare('INSERT OR IGNORE INTO affected (namespace, package, advisory, idx, payload) VALUES (?, ?, ?, ?, ?)');
    this.#insertAlias = this.#db.prepare('INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)');
    this.#epss = this.#db.prepare('INSERT INTO cve_facts (cve, epss, percentile) VALUES (?, ?, ?) ON CONFLICT (cve) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile');
    this.#kev = this.#db.prepare('INSERT INTO cve_facts (cve, kev) VALUES (?, ?) ON CONFLICT (cve) DO UPDATE SET kev = excluded.kev');
    this.#nvd = this.#db.prepare('INSERT INTO cve_facts (cve, nvd) VALUES (?, ?) ON CONFLICT (cve) DO UPDATE SET nvd = excluded.nvd');
    this.#db.exec('BEGIN');
  }

  #tick(): void {
    if (++this.#pending >= this.#batchSize) {
      this.#db.exec('COMMIT; BEGIN');
      this.#pending = 0;
    }
  }

  /**
   * Adds an advisory; a record with the same key as one already written replaces it only when
   * its `modified` is newer (`replaced`), else it is dropped (`duplicate`).
   */
  addAdvisory(advisory: Advisory): InsertResult {
    const key = recordKey(advisory);
    const json = Buffer.from(encodeAdvisoryBody(advisory));
    let encoding = ENCODING_JSON;
    let body: Uint8Array = json;
    if (json.length >= COMPRESS_FROM_BYTES) {
      const packed = zstdCompressSync(json);
      if (packed.length * 10 <= json.length * 9) {
        encoding = ENCODING_ZSTD;
        body = packed;
      }
    }
    const existing = this.#findKey.get(key) as { rowid: number; modified: string | null } | undefined;
    let rowid: number;
    let result: InsertResult;
    if (existing !== undefined) {
      if ((advisory.modified ?? '') <= (existing.modified ?? '')) return 'duplicate';
      rowid = existing.rowid;
      this.#updateAdvisory.run(advisory.modified, encoding, body, rowid);
      this.#deleteAffected.run(rowid);
      this.#deleteAliases.run(rowid);
      result = 'replaced';
    } else {
      rowid = Number(this.#insertAdvisory.run(advisory.id, advisory.source, key, advisory.modified, encoding, body).lastInsertRowid);
      result = 'inserted';
    }
    advisory.affected.forEach((affected, idx) => {
      this.#insertAffected.run(affected.namespace, normalizePackageName(affected.namespace, affected.packageName), rowid, idx, packPayload(encodeAffected(affected)));
    });
    this.#insertAlias.run(advisory.id, rowid);
    for (const alias of advisory.aliases) this.#insertAlias.run(alias, rowid);
    this.#tick();
    return result;
  }

  addCveFacts(update: CveFactsUpdate): void {
    if (update.epss !== undefined) this.#epss.run(update.cve, update.epss?.score ?? null, update.epss?.percentile ?? null);
    if (update.kev !== undefined) this.#kev.run(update.cve, update.kev === null ? null : JSON.stringify(update.kev));
    if (update.nvd !== undefined) this.#nvd.run(update.cve, JSON.stringify(update.nvd));
    this.#tick();
  }

  /** Writes metadata, commits, analyzes and closes. */
  finish(meta: { built: string; vacuum?: boolean; sources: readonly { id: string; records: number; skipped: number; fetched: string | null }[]; extra?: Record<string, string> }): void {
    const setMeta = this.#db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    setMeta.run('schema_version', String(ADVISORY_DB_SCHEMA_VERSION));
    setMeta.run('built', meta.built);
    for (const [key, value] of Object.entries(meta.extra ?? {})) setMeta.run(key, value);
    const setSource = this.#db.prepare('INSERT OR REPLACE INTO sources (id, records, skipped, fetched) VALUES (?, ?, ?, ?)');
    for (const source of meta.sources) setSource.run(source.id, source.records, source.skipped, source.fetched);
    this.#db.exec('COMMIT');
    this.#db.exec('ANALYZE');
    // Rewrites the file with full pages: about a fifth smaller after many small inserts.
    if (meta.vacuum !== false) this.#db.exec('VACUUM');
    this.#db.close();
    this.#open = false;
  }

  /** Abandons the build (the caller removes the file). */
  abort(): void {
    if (!this.#open) return;
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // nothing to roll back
    }
    this.#db.close();
    this.#open = false;
  }
}
