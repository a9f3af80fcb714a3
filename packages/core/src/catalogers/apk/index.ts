import { decodeText } from '../lang-common/parse.js';
import type { CatalogOutput, CatalogUnknown, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';

/** Installed packages per database; far above any real image. Past it, packages become one unknown. */
const MAX_PACKAGES = 100_000;
/** `R:` file lines per database; past it, the files' ownership becomes one unknown. */
const MAX_FILES = 2_000_000;

/**
 * Alpine/Wolfi packages from `/lib/apk/db/installed`: blank-line separated records of
 * one-letter keys (apk-tools' installed database format: P name, V version, A arch, o origin,
 * L license, m maintainer, I installed size, C checksum, D depends, p provides,
 * F folder followed by R files in it).
 */
export const apkCataloger: Cataloger = {
  id: 'apk-db-cataloger',
  version: 3,
  packageTypes: ['apk'],
  // Any root, as Syft reads it: a nested root's files are listed under its prefix.
  selector: { paths: ['/lib/apk/db/installed'], globs: ['**/lib/apk/db/installed'] },
  maxFileSize: 128 * 1024 * 1024,
  parse(file) {
    const packages: CatalogedPackage[] = [];
    const depends = new Map<string, string[]>();
    const provides = new Map<string, string>();
    let record: Record<string, string> = {};
    let files: string[] = [];
    let deps: string[] = [];
    let folder = '';
    let totalFiles = 0;
    const root = file.path.slice(0, file.path.length - '/lib/apk/db/installed'.length);
    let skippedPackages = 0;
    const flush = (): void => {
      const name = record['P'];
      const version = record['V'];
      if (name && version && packages.length < MAX_PACKAGES) {
        const size = Number.parseInt(record['I'] ?? '', 10);
        packages.push({
          ref: name,
          name,
          version,
          type: 'apk',
          purl: null,
          licenses: record['L'] ? [record['L']] : [],
          evidence: 'installed',
          source: record['o'] ? { name: record['o'], version } : null,
          metadata: {
            type: 'apk-db-entry',
            architecture: record['A'] ?? null,
            maintainer: record['m'] ?? null,
            installedSize: Number.isFinite(size) ? size : null,
            checksum: record['C'] ?? null,
          },
          paths: [file.path],
          files,
        });
        depends.set(name, deps);
        for (const p of (record['p'] ?? '').split(/\s+/)) if (p !== '') provides.set(p.split('=')[0] ?? p, name);
        provides.set(name, name);
      } else if (name && version) {
        skippedPackages += 1;
      }
      record = {};
      files = [];
      deps = [];
      folder = '';
    };
    // decodeText drops NULs (the database is text): a database stored sparse reads back with zeros in its holes.
    for (const line of decodeText(file.content).split('\n')) {
      if (line === '') {
        flush();
        continue;
      }
      if (line.length < 2 || line[1] !== ':') continue;
      const key = line[0] ?? '';
      const value = line.slice(2);
      if (key === 'F') folder = value;
      else if (key === 'R') {
        if (++totalFiles <= MAX_FILES) files.push(`${root}/${folder ? `${folder}/` : ''}${value}`);
      } else if (key === 'D') deps = value.split(/\s+/).filter((d) => d !== '' && !d.startsWith('!'));
      else if (!(key in record)) record[key] = value;
    }
    flush();
    const relationships: CatalogedRelationship[] = [];
    for (const [name, list] of depends) {
      for (const dep of list) {
        const target = provides.get(dep.replace(/[<>=~].*$/, ''));
        if (target !== undefined && target !== name) relationships.push({ fromRef: name, toRef: target, type: 'depends-on' });
      }
    }
    const unknowns: CatalogUnknown[] = [];
    if (skippedPackages > 0) unknowns.push({ path: file.path, reason: `${skippedPackages} installed package(s) past the limit of ${MAX_PACKAGES} per database were not read` });
    if (totalFiles > MAX_FILES) unknowns.push({ path: file.path, reason: `${totalFiles - MAX_FILES} file(s) past the limit of ${MAX_FILES} per database were not read; their ownership is unknown` });
    const out: CatalogOutput = { packages, relationships, ownership: [], unknowns };
    return out;
  },
};
