import { EntryBudget } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage } from '../types.js';
import { rpmEvr, rpmPackage } from './rpm-package.js';

/*
 * CBL-Mariner / Azure Linux distroless images keep no rpm database, only
 * `/var/lib/rpmmanifest/container-manifest-2`: one tab-separated line per package, as
 * `rpm -qa --qf` writes it: name, version-release, install time, build time, vendor, epoch
 * (`(none)` or a number), size, arch, epoch number, source RPM.
 */

export const CONTAINER_MANIFEST = 'var/lib/rpmmanifest/container-manifest-2';
const MAX_LINES = 100_000;

export function parseContainerManifest(file: CatalogFile): CatalogOutput {
  const budget = new EntryBudget(MAX_LINES, 'manifest lines');
  const packages: CatalogedPackage[] = [];
  let malformed = 0;
  for (const line of decodeText(file.content).split('\n')) {
    if (line.trim() === '') continue;
    if (!budget.take()) continue;
    const fields = line.split('\t');
    const [name = '', versionRelease = '', , , vendor = '', , , arch = '', epochText = '', sourceRpm = ''] = fields;
    const dash = versionRelease.lastIndexOf('-');
    if (fields.length < 10 || name === '' || dash <= 0 || dash === versionRelease.length - 1) {
      malformed += 1;
      continue;
    }
    const epoch = /^\d+$/.test(epochText) ? Number(epochText) : null;
    const known = (field: string): string | null => (field === '' || field === '(none)' ? null : field);
    const record = {
      name,
      version: versionRelease.slice(0, dash),
      release: versionRelease.slice(dash + 1),
      epoch,
      arch: known(arch),
      vendor: known(vendor),
      sourceRpm: known(sourceRpm),
      license: null,
      modularityLabel: null,
    };
    packages.push(rpmPackage(record, file.path, 'installed', `${name}:${rpmEvr(record)}:${arch}`));
  }
  const unknowns = budget.unknowns(file.path);
  if (malformed > 0) unknowns.push({ path: file.path, reason: `${malformed} manifest line(s) not of the form name, version-release, …, source RPM (10 tab-separated fields)` });
  return { packages, relationships: [], ownership: [], unknowns };
}
