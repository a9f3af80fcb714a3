/**
 * Reader for rpm's SQLite backend (`rpmdb.sqlite`, rpm ≥ 4.16: Fedora ≥ 33, RHEL/Rocky/Alma 9).
 * rpm lib/backend/sqlite.c keeps one header blob per row of
 *   CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)
 * The bytes come from an image, so they are copied to a private temporary file (SQLite opens
 * files, not buffers), opened read-only with extensions off, and the file is removed after.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { RecordedBlob } from './record.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

export function hasSqliteMagic(bytes: Uint8Array): boolean {
  if (bytes.length < SQLITE_MAGIC.length) return false;
  for (let i = 0; i < SQLITE_MAGIC.length; i++) if (bytes[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * `wal` is the content of a sibling `rpmdb.sqlite-wal`, if the image has a non-empty one:
 * transactions not yet checkpointed into the main file live only there.
 */
export function readSqliteBlobs(bytes: Uint8Array, limits: { maxRecords: number; maxValueBytes: number; maxFileBytes: number }, wal?: Uint8Array): { blobs: RecordedBlob[]; errors: string[] } {
  const blobs: RecordedBlob[] = [];
  const errors: string[] = [];
  if (bytes.length + (wal?.length ?? 0) > limits.maxFileBytes) {
    return { blobs, errors: [`sqlite: database of ${bytes.length} bytes over the ${limits.maxFileBytes}-byte limit`] };
  }
  if (!hasSqliteMagic(bytes)) return { blobs, errors: ['sqlite: not an SQLite 3 database'] };
  const dir = mkdtempSync(path.join(tmpdir(), 'sekisho-rpmdb-'));
  let db: DatabaseSync | undefined;
  try {
    const file = path.join(dir, 'rpmdb.sqlite');
    writeFileSync(file, bytes, { mode: 0o600 });
    if (wal !== undefined && wal.length > 0) writeFileSync(`${file}-wal`, wal, { mode: 0o600 });
    db = new DatabaseSync(file, { readOnly: true });
    // A view named Packages could run arbitrary (if built-in) SQL; only a real table is read.
    const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'").get();
    if (kind?.['type'] !== 'table') return { blobs, errors: ['sqlite: no Packages table'] };
    const rows = db
      .prepare('SELECT hnum, length(blob) AS len, CASE WHEN length(blob) <= ? THEN blob END AS blob ' + 'FROM Packages ORDER BY hnum LIMIT ?')
      .iterate(limits.maxValueBytes, limits.maxRecords + 1);
    for (const row of rows) {
      if (blobs.length >= limits.maxRecords) {
        errors.push(`sqlite: more than ${limits.maxRecords} packages, rest ignored`);
        break;
      }
      const hnum = row['hnum'];
      const blob = row['blob'];
      const recordId = typeof hnum === 'number' ? hnum : Number(hnum);
      if (!(blob instanceof Uint8Array)) {
        const len = row['len'];
        errors.push(typeof len === 'number' && len > limits.maxValueBytes ? `sqlite: package ${recordId}: blob of ${len} bytes over limit` : `sqlite: package ${recordId}: blob column is not a blob`);
        continue;
      }
      blobs.push({ recordId, blob });
    }
  } catch (error) {
    errors.push(`sqlite: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    try {
      db?.close();
    } catch {
      // closing a connection that failed to open; nothing to release
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { blobs, errors };
}
