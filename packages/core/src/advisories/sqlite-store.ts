import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { zstdDecompressSync } from 'node:zlib';
import { SekishoError } from '../errors.js';
import { decodeAdvisoryBody, decodeAffected } from './codec.js';
import { normalizePackageName } from './namespaces.js';
import { ADVISORY_DB_SCHEMA_VERSION, ENCODING_ZSTD } from './sqlite-schema.js';
import type { Advisory, AdvisoryHit, AdvisoryStore, AffectedPackage, CveFacts, DbMetadata, SeverityVector } from './types.js';

const REBUILD_HINT = 'run `sekisho db update` (or `sekisho db build --from DIR`) to create it';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CACHE_LIMIT = 4096;

function dbError(code: 'DB_CORRUPT' | 'DB_SCHEMA' | 'DB_NOT_FOUND', message: string, path: string, cause?: unknown): SekishoError {
  return new SekishoError(code, message, { where: { file: path }, cause });
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    return read === 16 && header.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

interface AffectedRow {
  advisory: number;
  idx: number;
  payload: string | Uint8Array;
  encoding: number;
  body: Uint8Array;
}

interface BodyRow {
  encoding: number;
  body: Uint8Array;
}

interface FactsRow {
  cve: string;
  epss: number | null;
  percentile: number | null;
  kev: string | null;
  nvd: string | null;
}

/**
 * Opens an advisory database read-only. A missing file is DB_NOT_FOUND, a file that is not a
 * SQLite database (or is damaged) DB_CORRUPT, a Sekisho database of another schema version (or
 * another SQLite file) DB_SCHEMA; every message says how to rebuild it.
 */
export function openAdvisoryStore(path: string): AdvisoryStore {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw dbError('DB_NOT_FOUND', `no advisory database at ${path}; ${REBUILD_HINT}`, path);
  }
  if (!hasSqliteHeader(path)) {
    throw dbError('DB_CORRUPT', `${path} is not an advisory database (not SQLite); rebuild it with \`sekisho db update\` or \`sekisho db build\``, path);
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    throw dbError('DB_CORRUPT', `cannot open advisory database ${path}: ${String(error)}; rebuild it with \`sekisho db update\``, path, error);
  }
  const corrupt = (error: unknown): SekishoError =>
    dbError('DB_CORRUPT', `advisory database ${path} is damaged (${error instanceof Error ? error.message : String(error)}); rebuild it with \`sekisho db update\``, path, error);

  try {
    // Reads go through a memory map (no read() per page) and a larger page cache: look-ups
    // touch random pages of a file that can be hundreds of MB.
    db.exec('PRAGMA mmap_size = 2147483648; PRAGMA cache_size = -65536;');
  } catch {
    // both are hints
  }
  let schemaVersion: number;
  let metadata: DbMetadata;
  try {
    const hasMeta = db.prepare("SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (hasMeta === undefined) {
      db.close();
      throw dbError('DB_SCHEMA', `${path} is a SQLite file but not a Sekisho advisory database; ${REBUILD_HINT}`, path);
    }
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((row) => [row.key, row.value]));
    schemaVersion = Number(meta.get('schema_version'));
    if (schemaVersion !== ADVISORY_DB_SCHEMA_VERSION) {
      db.close();
      throw dbError(
        'DB_SCHEMA',
        `advisory database ${path} has schema ${meta.get('schema_version') ?? 'unknown'}, this Sekisho reads schema ${ADVISORY_DB_SCHEMA_VERSION}; run \`sekisho db update\` (or \`db build\`) to rebuild it`,
        path,
      );
    }
    const sources = db.prepare('SELECT id, records, skipped, fetched FROM sources ORDER BY id').all() as {
      id: string;
      records: number;
      skipped: number;
      fetched: string | null;
    }[];
    metadata = { schemaVersion, built: meta.get('built') ?? '', sources: sources.map((s) => ({ id: s.id, records: s.records, skipped: s.skipped, fetched: s.fetched })) };
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    db.close();
    throw corrupt(error);
  }

  let byPackage: StatementSync;
  let byRow: StatementSync;
  let affectedOf: StatementSync;
  let byCve: StatementSync;
  try {
    // The body comes along (one statement per query, not one per hit) but is decoded lazily.
    byPackage = db.prepare(
      'SELECT x.advisory AS advisory, x.idx AS idx, x.payload AS payload, a.encoding AS encoding, a.body AS body FROM affected x JOIN advisories a ON a.rowid = x.advisory WHERE x.namespace = ? AND x.package = ? ORDER BY x.advisory, x.idx',
    );
    byRow = db.prepare('SELECT encoding, body FROM advisories WHERE rowid = ?');
    affectedOf = db.prepare('SELECT namespace, package, payload FROM affected WHERE advisory = ? ORDER BY idx');
    byCve = db.prepare('SELECT cve, epss, percentile, kev, nvd FROM cve_facts WHERE cve = ?');
  } catch (error) {
    db.close();
    throw dbError('DB_SCHEMA', `advisory database ${path} lacks expected tables (${String(error)}); ${REBUILD_HINT}`, path, error);
  }

  // Affected entries are JSON text, or zstd bytes when large (see db-writer.ts).
  const unpackPayload = (payload: string | Uint8Array, namespace: string, name: string): AffectedPackage => {
    if (typeof payload === 'string') return decodeAffected(payload, namespace, name);
    const bytes = zstdDecompressSync(payload, { maxOutputLength: MAX_BODY_BYTES });
    return decodeAffected(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), namespace, name);
  };

  // Advisories are decoded only when a hit's `advisory` is read (most hits are ruled out by their
  // ranges alone), and kept by row: a popular advisory (e.g. a kernel CVE) is decoded once.
  const cache = new Map<number, Advisory>();
  const loadAdvisory = (rowid: number, known?: BodyRow): Advisory => {
    const cached = cache.get(rowid);
    if (cached !== undefined) return cached;
    let advisory: Advisory;
    try {
      const row = known ?? (byRow.get(rowid) as BodyRow | undefined);
      if (row === undefined) throw new Error(`advisory row ${rowid} is missing`);
      if (row.body.length > MAX_BODY_BYTES) throw new Error(`advisory row ${rowid} is too large`);
      const bytes = row.encoding === ENCODING_ZSTD ? zstdDecompressSync(row.body, { maxOutputLength: MAX_BODY_BYTES }) : row.body;
      const rest = decodeAdvisoryBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      // `affected` (every package of the advisory) is read on first use: matchers rarely need it.
      let affected: AffectedPackage[] | undefined;
      advisory = Object.defineProperty({ ...rest }, 'affected', {
        enumerable: true,
        get(): AffectedPackage[] {
          if (affected === undefined) {
            try {
              const rows = affectedOf.all(rowid) as unknown as { namespace: string; package: string; payload: string | Uint8Array }[];
              affected = rows.map((r) => unpackPayload(r.payload, r.namespace, r.package));
            } catch (error) {
              throw corrupt(error);
            }
          }
          return affected;
        },
      }) as Advisory;
    } catch (error) {
      throw corrupt(error);
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as number);
    cache.set(rowid, advisory);
    return advisory;
  };

  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new Error('advisory store is closed');
  };

  return {
    query(namespace, packageName) {
      ensureOpen();
      let rows: AffectedRow[];
      const name = normalizePackageName(namespace, packageName);
      try {
        rows = byPackage.all(namespace, name) as unknown as AffectedRow[];
      } catch (error) {
        throw corrupt(error);
      }
      return rows.map((row): AdvisoryHit => {
        let affected: AffectedPackage;
        try {
          affected = unpackPayload(row.payload, namespace, name);
        } catch (error) {
          throw corrupt(error);
        }
        return {
          affected,
          get advisory(): Advisory {
            return loadAdvisory(row.advisory, row);
          },
        };
      });
    },
    cveFacts(cveIds) {
      ensureOpen();
      const out = new Map<string, CveFacts>();
      try {
        for (const id of new Set(cveIds)) {
          const row = byCve.get(id) as FactsRow | undefined;
          if (row === undefined) continue;
          out.set(id, {
            epss: row.epss === null ? null : { score: row.epss, percentile: row.percentile ?? 0 },
            kev: row.kev === null ? null : (JSON.parse(row.kev) as CveFacts['kev']),
            nvd: row.nvd === null ? [] : (JSON.parse(row.nvd) as SeverityVector[]),
          });
        }
      } catch (error) {
        throw corrupt(error);
      }
      return out;
    },
    metadata() {
      return metadata;
    },
    close() {
      if (closed) return;
      closed = true;
      cache.clear();
      db.close();
    },
  };
}
