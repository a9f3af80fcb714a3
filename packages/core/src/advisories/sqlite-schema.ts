/**
 * The advisory database file (SQLite). `meta.schema_version` must equal ADVISORY_DB_SCHEMA_VERSION
 * for a store to open it; any change to tables or to the advisory JSON shape bumps it.
 *
 * - `advisories`: one row per normalized advisory; `body` is the Advisory without `affected` as
 *   JSON, plain (`encoding` 0) or zstd-compressed (`encoding` 1, only for large records: each zstd
 *   call costs ~60 µs of context setup, more than parsing a small record). `key` (a hash of
 *   source, id, affected packages) deduplicates a record seen twice.
 * - `affected`: (namespace, package) → advisory row, the index of the entry in
 *   `Advisory.affected`, and the entry itself (`payload`: JSON text, or zstd bytes when large). The primary key makes
 *   `query(namespace, name)` one index range scan that yields everything a matcher evaluates;
 *   the advisory body is decoded only when a hit's `advisory` is read. `affected_by_advisory`
 *   rebuilds `Advisory.affected`.
 * - `aliases`: alias → advisory row (CVE ↔ GHSA ↔ DSA ↔ PYSEC …), for merging across feeds.
 * - `cve_facts`: EPSS, KEV and NVD CVSS per CVE, merged from their feeds.
 * - `sources`: per feed: records, skipped records, fetched time. `meta`: schema version, build time.
 */
export { ADVISORY_DB_SCHEMA_VERSION } from './memory-store.js';

export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (id TEXT PRIMARY KEY, records INTEGER NOT NULL, skipped INTEGER NOT NULL, fetched TEXT) WITHOUT ROWID;
CREATE TABLE advisories (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  key BLOB NOT NULL UNIQUE,
  modified TEXT,
  encoding INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE affected (
  namespace TEXT NOT NULL,
  package TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY (namespace, package, advisory, idx)
) WITHOUT ROWID;
CREATE INDEX affected_by_advisory ON affected (advisory, idx);
CREATE TABLE aliases (alias TEXT NOT NULL, advisory INTEGER NOT NULL, PRIMARY KEY (alias, advisory)) WITHOUT ROWID;
CREATE TABLE cve_facts (
  cve TEXT PRIMARY KEY,
  epss REAL,
  percentile REAL,
  kev TEXT,
  nvd TEXT
) WITHOUT ROWID;
`;

export const ENCODING_JSON = 0;
export const ENCODING_ZSTD = 1;
/**
 * Advisory bodies at least this long are compressed when that saves a tenth or more (decoded
 * only when a hit's advisory is read); affected entries, parsed for every hit, from a larger size.
 */
export const COMPRESS_FROM_BYTES = 768;
export const COMPRESS_PAYLOAD_FROM_BYTES = 2048;
