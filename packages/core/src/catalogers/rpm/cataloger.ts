import type { CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { CONTAINER_MANIFEST, parseContainerManifest } from './container-manifest.js';
import { detectRpmDbFormat, parseRpmDb, RPM_DB_PATHS } from './rpm-db.js';
import { rpmEvr, rpmPackage } from './rpm-package.js';

/**
 * RPM packages from the rpm database in any of its three formats (SQLite, NDB, BerkeleyDB),
 * at the paths rpm uses across distributions, and from CBL-Mariner's container manifest. `gpg-pubkey` entries are imported signing keys,
 * not packages, and are skipped. A WAL file beside `rpmdb.sqlite` is not merged: rpm
 * checkpoints it when it closes the database, so images carry it empty.
 */
export const rpmCataloger: Cataloger = {
  id: 'rpm-db-cataloger',
  version: 2,
  packageTypes: ['rpm'],
  // Any root, as Syft reads them: a nested root's files are listed under its prefix.
  selector: { paths: [...RPM_DB_PATHS, CONTAINER_MANIFEST].map((p) => `/${p}`), globs: [...RPM_DB_PATHS, CONTAINER_MANIFEST].map((p) => `**/${p}`) },
  maxFileSize: 512 * 1024 * 1024,
  parse(file): CatalogOutput {
    if (file.path.endsWith('/container-manifest-2')) return parseContainerManifest(file);
    const format = detectRpmDbFormat(file.path, file.content);
    if (format === null) return { packages: [], relationships: [], ownership: [], unknowns: [{ path: file.path, reason: 'not an rpm database' }] };
    const { entries, errors } = parseRpmDb(file.content, format);
    const dbPath = RPM_DB_PATHS.find((p) => file.path.endsWith(`/${p}`));
    const root = dbPath === undefined ? '' : file.path.slice(0, file.path.length - dbPath.length - 1);
    const packages: CatalogedPackage[] = [];
    for (const entry of entries) {
      if (entry.name === 'gpg-pubkey') continue;
      const files = root === '' ? entry.files : entry.files.map((f) => root + f);
      packages.push(rpmPackage(entry, file.path, 'installed', `${entry.name}:${rpmEvr(entry)}:${entry.arch ?? ''}`, files));
    }
    return {
      packages,
      relationships: [],
      ownership: [],
      unknowns: errors.length > 0 ? [{ path: file.path, reason: `rpm database (${format}): ${errors.slice(0, 3).join('; ')}` }] : [],
    };
  },
};
