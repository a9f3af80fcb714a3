import type { CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { detectRpmDbFormat, parseRpmDb, RPM_DB_PATHS } from './rpm-db.js';

/**
 * RPM packages from the rpm database in any of its three formats (SQLite, NDB, BerkeleyDB),
 * at the paths rpm uses across distributions. `gpg-pubkey` entries are imported signing keys,
 * not packages, and are skipped. A WAL file beside `rpmdb.sqlite` is not merged: rpm
 * checkpoints it when it closes the database, so images carry it empty.
 */
export const rpmCataloger: Cataloger = {
  id: 'rpm-db-cataloger',
  version: 1,
  packageTypes: ['rpm'],
  selector: { paths: RPM_DB_PATHS.map((p) => `/${p}`) },
  maxFileSize: 512 * 1024 * 1024,
  parse(file): CatalogOutput {
    const format = detectRpmDbFormat(file.path, file.content);
    if (format === null) return { packages: [], relationships: [], ownership: [], unknowns: [{ path: file.path, reason: 'not an rpm database' }] };
    const { entries, errors } = parseRpmDb(file.content, format);
    const packages: CatalogedPackage[] = [];
    for (const entry of entries) {
      if (entry.name === 'gpg-pubkey') continue;
      const evr = `${entry.epoch !== null && entry.epoch > 0 ? `${entry.epoch}:` : ''}${entry.version}-${entry.release}`;
      packages.push({
        ref: `${entry.name}:${evr}:${entry.arch ?? ''}`,
        name: entry.name,
        version: evr,
        type: 'rpm',
        purl: null,
        licenses: entry.license ? [entry.license] : [],
        evidence: 'installed',
        source: sourceOf(entry.sourceRpm),
        metadata: {
          type: 'rpm-db-entry',
          epoch: entry.epoch,
          version: entry.version,
          release: entry.release,
          architecture: entry.arch,
          vendor: entry.vendor,
          sourceRpm: entry.sourceRpm,
          modularityLabel: entry.modularityLabel,
        },
        paths: [file.path],
        files: entry.files,
      });
    }
    return {
      packages,
      relationships: [],
      ownership: [],
      unknowns: errors.length > 0 ? [{ path: file.path, reason: `rpm database (${format}): ${errors.slice(0, 3).join('; ')}` }] : [],
    };
  },
};

/** `openssl-3.0.7-27.el9.src.rpm` → name `openssl`, version `3.0.7-27.el9`. */
export function sourceOf(sourceRpm: string | null): { name: string; version: string } | null {
  if (sourceRpm === null) return null;
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!match?.[1]) return null;
  return { name: match[1], version: `${match[2]}-${match[3]}` };
}
