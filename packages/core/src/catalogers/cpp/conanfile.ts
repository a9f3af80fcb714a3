import { dedupePackages, EntryBudget, languagePackage, output } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogOutput, CatalogUnknown } from '../types.js';
import { conanPurl, isVersionRange, parseConanRef, refFields } from './conan-ref.js';

/*
 * `conanfile.txt` is an INI-like text (Conan's own ConfigParser, no library reads it): `[section]`
 * headers, one value per line, `#` comments. Requirements are read from `[requires]` (what the
 * project links) and, marked as needed only for development, from `[tool_requires]`,
 * `[build_requires]` (Conan 1's name) and `[test_requires]`. Syft reads `[requires]` only, so a
 * default scan reports the same packages it does.
 */

const MAX_PACKAGES = 100_000;

const REQUIREMENT_SECTIONS: ReadonlyMap<string, boolean> = new Map([
  ['requires', false],
  ['tool_requires', true],
  ['build_requires', true],
  ['test_requires', true],
]);

/** `[requires]`: a header is a whole line; a version range (`pkg/[>1 <2]`) is not one. */
const SECTION_HEADER = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/;

/** The requirement on a line: full-line comments and a `#` after whitespace are comments (a `#` right after the version is a revision). */
function requirementText(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('#')) return '';
  const comment = trimmed.search(/\s#/);
  return (comment < 0 ? trimmed : trimmed.slice(0, comment)).trim();
}

export function parseConanfile(path: string, content: Buffer): CatalogOutput {
  const budget = new EntryBudget(MAX_PACKAGES, 'requirement(s)');
  const packages: CatalogedPackage[] = [];
  const ranges: string[] = [];
  let unnamed = 0;
  let dev: boolean | null = null;
  for (const line of decodeText(content).split('\n')) {
    const header = SECTION_HEADER.exec(line.trim());
    if (header !== null) {
      dev = REQUIREMENT_SECTIONS.get((header[1] ?? '').toLowerCase()) ?? null;
      continue;
    }
    if (dev === null) continue;
    const text = requirementText(line);
    if (text === '') continue;
    const ref = parseConanRef(text);
    if (ref === null) {
      unnamed += 1;
      continue;
    }
    if (!budget.take()) continue;
    const range = isVersionRange(ref.version);
    if (range) ranges.push(`${ref.name}/${ref.version}`);
    packages.push(
      languagePackage({
        ref: `${path}#${packages.length}`,
        name: ref.name,
        version: range ? '' : ref.version,
        type: 'conan',
        purl: range ? null : conanPurl(ref),
        evidence: 'declared',
        source: 'conanfile.txt',
        fields: { ...refFields(text, ref), versionRange: range ? ref.version : null },
        paths: [path],
        dev,
      }),
    );
  }
  const unknowns: CatalogUnknown[] = [...budget.unknowns(path)];
  if (ranges.length > 0) {
    const shown = ranges.slice(0, 5).join(', ');
    unknowns.push({
      path,
      reason: `${ranges.length} requirement(s) state a version range, not a version (${shown}${ranges.length > 5 ? ', …' : ''}): listed without a version, they cannot be matched against advisories`,
    });
  }
  if (unnamed > 0) unknowns.push({ path, reason: `${unnamed} requirement line(s) that name no package and version (name/version) were not read` });
  return output(dedupePackages(packages, []).packages, [], unknowns);
}
