import { EntryBudget, guarded, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import { asArray, asRecord, parseYaml } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';

/*
 * Snaps carry the Ubuntu packages they were built from, and say so in YAML: a base snap (core20,
 * core22…) lists its whole root file system in `usr/share/snappy/dpkg.yaml` (`packages:`), an
 * application snap the packages it staged in `snap/manifest.yaml` (`primed-stage-packages:`).
 * Each entry is `name[:arch]=version`. These are Ubuntu archive packages whatever the image's own
 * OS is, so their purls name Ubuntu (as Syft writes them) rather than the image's distribution.
 */

const MAX_ENTRIES = 100_000;
const ENTRY = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?=(\S+)$/;

function debPackages(path: string, entries: readonly unknown[], evidence: CatalogedPackage['evidence']): CatalogOutput {
  const budget = new EntryBudget(MAX_ENTRIES, 'package entries');
  const packages: CatalogedPackage[] = [];
  let unreadable = 0;
  for (const entry of entries) {
    const match = typeof entry === 'string' ? ENTRY.exec(entry.trim()) : null;
    if (match === null) {
      unreadable += 1;
      continue;
    }
    if (!budget.take()) continue;
    const [, name = '', arch, version = ''] = match;
    packages.push({
      ref: `${name}:${arch ?? ''}@${version}`,
      name,
      version,
      type: 'deb',
      purl: purl('deb', 'ubuntu', name, version, arch === undefined ? undefined : { arch }),
      licenses: [],
      evidence,
      source: null,
      metadata: { type: 'dpkg-db-entry', architecture: arch ?? null, maintainer: null, installedSize: null, status: null },
      paths: [path],
    });
  }
  const unknowns = budget.unknowns(path);
  if (unreadable > 0) unknowns.push({ path, reason: `${unreadable} package entr${unreadable === 1 ? 'y is' : 'ies are'} not of the form name[:arch]=version` });
  return output(packages, [], unknowns);
}

function parseSnapManifest(file: CatalogFile): CatalogOutput {
  const parsed = parseYaml(file.content);
  if (!parsed.ok) return unknownOutput(file.path, `snap manifest not read: ${parsed.reason}`);
  const doc = asRecord(parsed.value);
  if (file.path.endsWith('/dpkg.yaml')) return debPackages(file.path, asArray(doc['packages']), 'installed');
  return debPackages(file.path, asArray(doc['primed-stage-packages']), 'installed');
}

export const snapCataloger: Cataloger = {
  id: 'snap-cataloger',
  version: 1,
  packageTypes: ['deb'],
  selector: { globs: ['**/usr/share/snappy/dpkg.yaml', '**/snap/manifest.yaml'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseSnapManifest(file)),
};
