/**
 * Lists the packages of an rpm database in any of its three on-disk formats. Pure over bytes:
 * no rpm binary, no library beyond node:sqlite. Bad data never throws; each problem becomes
 * one line in `errors` and the readable rest is returned.
 */

import { readBdbHashValues } from './bdb.js';
import { readNdbBlobs } from './ndb.js';
import type { RecordedBlob } from './record.js';
import { parseRpmHeaderBlob, type RpmHeaderEntry } from './rpm-header.js';
import { hasSqliteMagic, readSqliteBlobs } from './sqlite.js';

export type RpmDbFormat = 'sqlite' | 'ndb' | 'bdb';

export interface RpmDbResult {
  /** Packages in record order (sqlite hnum, ndb pkgidx, bdb key), i.e. install order. */
  readonly entries: RpmHeaderEntry[];
  readonly errors: string[];
}

export const RPM_DB_LIMITS = {
  maxFileBytes: 512 * 1024 * 1024,
  maxPackages: 100_000,
  /** Header index entries summed over all packages. */
  maxIndexEntries: 1_000_000,
  /** Files summed over all packages. */
  maxFiles: 5_000_000,
  maxHeaderBytes: 64 * 1024 * 1024,
  /** Error lines kept; more are counted in one final line. */
  maxErrors: 100,
} as const;

/** Known rpmdb locations (syft's rpm-db-cataloger globs, trivy's rpm analyzer). */
export const RPM_DB_PATHS = [
  'var/lib/rpm/Packages',
  'var/lib/rpm/Packages.db',
  'var/lib/rpm/rpmdb.sqlite',
  'usr/lib/sysimage/rpm/Packages',
  'usr/lib/sysimage/rpm/Packages.db',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
  'usr/share/rpm/Packages',
  'usr/share/rpm/Packages.db',
  'usr/share/rpm/rpmdb.sqlite',
] as const;

const NDB_MAGIC = [0x52, 0x70, 0x6d, 0x50]; // "RpmP"

/**
 * Names the format of an rpmdb by its magic bytes, falling back to the file name when the
 * content matches none (so an empty or damaged `Packages.db` still reports as ndb and its
 * parse reports the damage). Returns null for anything else.
 */
export function detectRpmDbFormat(filePath: string, bytes: Uint8Array): RpmDbFormat | null {
  if (hasSqliteMagic(bytes)) return 'sqlite';
  if (bytes.length >= 4 && NDB_MAGIC.every((b, i) => bytes[i] === b)) return 'ndb';
  if (bytes.length >= 16) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(12, true) === 0x00061561 || view.getUint32(12, false) === 0x00061561) return 'bdb';
  }
  const base = filePath.slice(filePath.lastIndexOf('/') + 1);
  if (base === 'rpmdb.sqlite') return 'sqlite';
  if (base === 'Packages.db') return 'ndb';
  if (base === 'Packages') return 'bdb';
  return null;
}

export interface RpmDbOptions {
  /** Content of `rpmdb.sqlite-wal` beside an SQLite rpmdb, when the image has a non-empty one. */
  readonly sqliteWal?: Uint8Array;
}

function readBlobs(bytes: Uint8Array, format: RpmDbFormat, options: RpmDbOptions): { blobs: RecordedBlob[]; errors: string[] } {
  const limits = {
    maxRecords: RPM_DB_LIMITS.maxPackages,
    maxValueBytes: RPM_DB_LIMITS.maxHeaderBytes,
    maxFileBytes: RPM_DB_LIMITS.maxFileBytes,
  };
  if (bytes.length > RPM_DB_LIMITS.maxFileBytes) {
    return { blobs: [], errors: [`${format}: database of ${bytes.length} bytes over limit`] };
  }
  switch (format) {
    case 'sqlite':
      return readSqliteBlobs(bytes, limits, options.sqliteWal);
    case 'ndb':
      return readNdbBlobs(bytes, limits);
    case 'bdb':
      return readBdbHashValues(bytes, limits);
  }
}

export function parseRpmDb(bytes: Uint8Array, format: RpmDbFormat, options: RpmDbOptions = {}): RpmDbResult {
  const { blobs, errors } = readBlobs(bytes, format, options);
  blobs.sort((a, b) => a.recordId - b.recordId);
  const entries: RpmHeaderEntry[] = [];
  let indexEntries = 0;
  let files = 0;
  for (const { recordId, blob } of blobs) {
    if (blob.length >= 4) {
      indexEntries += new DataView(blob.buffer, blob.byteOffset, 4).getUint32(0);
      if (indexEntries > RPM_DB_LIMITS.maxIndexEntries) {
        errors.push(`${format}: more than ${RPM_DB_LIMITS.maxIndexEntries} header entries, packages from record ${recordId} on ignored`);
        break;
      }
    }
    const parsed = parseRpmHeaderBlob(blob);
    if (!parsed.ok) {
      errors.push(`${format}: record ${recordId}: ${parsed.error}`);
      continue;
    }
    files += parsed.entry.files.length;
    if (files > RPM_DB_LIMITS.maxFiles) {
      errors.push(`${format}: more than ${RPM_DB_LIMITS.maxFiles} files, packages from record ${recordId} on ignored`);
      break;
    }
    entries.push(parsed.entry);
  }
  if (errors.length > RPM_DB_LIMITS.maxErrors) {
    const dropped = errors.length - RPM_DB_LIMITS.maxErrors;
    errors.length = RPM_DB_LIMITS.maxErrors;
    errors.push(`${dropped} more errors`);
  }
  return { entries, errors };
}
