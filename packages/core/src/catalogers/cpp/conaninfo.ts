import { dedupePackages, EntryBudget, languagePackage, output } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput, CatalogUnknown } from '../types.js';
import type { ConanRef } from './conan-ref.js';
import { conanPurl, parseConanRef, refFields } from './conan-ref.js';

const MAX_PACKAGES = 100_000;

const SECTION_HEADER = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/;

/** A Conan 1 package id: the SHA-1 of its settings, options and requirements. */
const PACKAGE_ID = /^[0-9a-f]{40}$/;

/** Where a `conaninfo.txt` sits in the Conan 1 cache: `…/<name>/<version>/<user>/<channel>/<package|build>/<package_id>/conaninfo.txt`. */
interface CacheFolder {
  readonly ref: ConanRef;
  readonly text: string;
  readonly folder: string;
}

function cacheFolder(path: string): CacheFolder | null {
  const parts = path.split('/');
  const at = (fromEnd: number): string => parts[parts.length - fromEnd] ?? '';
  const folder = at(3);
  if (parts.length < 8 || (folder !== 'package' && folder !== 'build')) return null;
  if (folder === 'build' && !PACKAGE_ID.test(at(2))) return null;
  const text = `${at(7)}/${at(6)}@${at(5)}/${at(4)}`;
  const ref = parseConanRef(text);
  if (ref === null) return null;
  return { ref: { ...ref, packageId: at(2) }, text, folder };
}

interface ConaninfoSections {
  readonly fullRequires: string[];
  readonly recipeHash: string | null;
}

/** `[full_requires]` lines and the first line of `[recipe_hash]`; the other sections (settings, options, env) are not needed. */
function readSections(text: string): ConaninfoSections {
  const fullRequires: string[] = [];
  let recipeHash: string | null = null;
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = SECTION_HEADER.exec(line);
    if (header !== null) section = (header[1] ?? '').toLowerCase();
    else if (section === 'full_requires') fullRequires.push(line);
    else if (section === 'recipe_hash') recipeHash ??= line;
  }
  return { fullRequires, recipeHash };
}

function requiredPackages(path: string, lines: readonly string[]): { packages: CatalogedPackage[]; unknowns: CatalogUnknown[] } {
  const budget = new EntryBudget(MAX_PACKAGES, 'requirement(s)');
  const packages: CatalogedPackage[] = [];
  let unnamed = 0;
  for (const line of lines) {
    const ref = parseConanRef(line);
    if (ref === null) unnamed += 1;
    else if (budget.take()) {
      packages.push(
        languagePackage({
          ref: `${path}#${packages.length}`,
          name: ref.name,
          version: ref.version,
          type: 'conan',
          purl: conanPurl(ref),
          evidence: 'declared',
          source: 'conaninfo.txt',
          fields: refFields(line, ref),
          paths: [path],
        }),
      );
    }
  }
  const unknowns = budget.unknowns(path);
  if (unnamed > 0) unknowns.push({ path, reason: `${unnamed} [full_requires] line(s) that name no package and version were not read` });
  return { packages, unknowns };
}

/**
 * `conaninfo.txt`. In the Conan 1 cache (`~/.conan/data/<name>/<version>/<user>/<channel>/package/<id>/`)
 * it describes an installed binary package: the folder names it (as Syft reads it), `[recipe_hash]`
 * gives its recipe revision and `[full_requires]` the exact packages it was built against (each a
 * dependency of it). A project's own `conaninfo.txt` (written by `conan install`) names no package
 * of its own: its `[full_requires]` are listed. The `build/<id>/` copy in the cache repeats the
 * package folder's and is skipped.
 */
export function parseConaninfo(path: string, content: Buffer): CatalogOutput {
  const folder = cacheFolder(path);
  if (folder?.folder === 'build') return output([]);
  const sections = readSections(decodeText(content));
  const required = requiredPackages(path, sections.fullRequires);
  if (folder === null) return output(dedupePackages(required.packages, []).packages, [], required.unknowns);
  const main = languagePackage({
    ref: `${path}#package`,
    name: folder.ref.name,
    version: folder.ref.version,
    type: 'conan',
    purl: conanPurl(folder.ref),
    evidence: 'installed',
    source: 'conaninfo.txt',
    fields: { ...refFields(sections.recipeHash === null ? folder.text : `${folder.text}#${sections.recipeHash}`, folder.ref), recipeRevision: sections.recipeHash },
    paths: [path],
  });
  const relationships: CatalogedRelationship[] = required.packages.map((dep) => ({ fromRef: main.ref, toRef: dep.ref, type: 'depends-on' }));
  const deduped = dedupePackages([main, ...required.packages], relationships);
  return output(deduped.packages, deduped.relationships, required.unknowns);
}
