import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { zstdDecompressSync } from 'node:zlib';
import { SekishoError } from '../errors.js';
import { normalizePackageName } from './namespaces.js';
import { ADVISORY_DB_SCHEMA_VERSION, ENCODING_ZSTD } from './sqlite-schema.js';
import type { Advisory, AdvisoryHit, AdvisoryStore, CveFacts, DbMetadata, SeverityVector } from './types.js';

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
  let byCve: StatementSync;
  try {
    byPackage = db.prepare(
      'SELECT x.advisory AS advisory, x.idx AS idx, a.encoding AS encoding, a.body AS body FROM affected x JOIN advisories a ON a.rowid = x.advisory WHERE x.namespace = ? AND x.package = ? ORDER BY x.advisory, x.idx',
    );
    byCve = db.prepare('SELECT cve, epss, percentile, kev, nvd FROM cve_facts WHERE cve = ?');
  } catch (error) {
    db.close();
    throw dbError('DB_SCHEMA', `advisory database ${path} lacks expected tables (${String(error)}); ${REBUILD_HINT}`, path, error);
  }

  // Decoded advisories by row: a popular advisory (e.g. a kernel CVE) is decoded once.
  const cache = new Map<number, Advisory>();
  const decode = (row: AffectedRow): Advisory => {
    const cached = cache.get(row.advisory);
    if (cached !== undefined) return cached;
    if (row.body.length > MAX_BODY_BYTES) throw new Error(`advisory row ${row.advisory} is too large`);
    const bytes = row.encoding === ENCODING_ZSTD ? zstdDecompressSync(row.body, { maxOutputLength: MAX_BODY_BYTES }) : row.body;
    const advisory = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as Advisory;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as number);
    cache.set(row.advisory, advisory);
    return advisory;
  };

  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new Error('advisory store is closed');
  };

  return {
    query(namespace, packageName) {
      ensureOpen();
      try {
        const rows = byPackage.all(namespace, normalizePackageName(namespace, packageName)) as unknown as AffectedRow[];
        const hits: AdvisoryHit[] = [];
        for (const row of rows) {
          const advisory = decode(row);
          const affected = advisory.affected[row.idx];
          if (affected !== undefined) hits.push({ advisory, affected });
        }
        return hits;
      } catch (error) {
        throw corrupt(error);
      }
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
