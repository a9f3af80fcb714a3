import { basename, dirname, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger, CatalogUnknown } from '../types.js';
import type { OpamItem, OpamValue } from './opam-file.js';
import { OpamFileError, readOpamFile } from './opam-file.js';

/** The opam executable (`/usr/bin/opam`, `/usr/local/bin/opam`) shares the name of opam's package files. */
const EXECUTABLE = /\/s?bin\/opam$/;

type Fields = ReadonlyMap<string, OpamValue>;

/** The first occurrence of each top-level field. */
function topFields(items: readonly OpamItem[]): Map<string, OpamValue> {
  const fields = new Map<string, OpamValue>();
  for (const item of items) if (item.kind === 'field' && !fields.has(item.name)) fields.set(item.name, item.value);
  return fields;
}

/** The strings of a value: itself, or the string items of a list (filters such as `"MIT" {…}` unwrapped). */
function strings(value: OpamValue | undefined): string[] {
  if (value === undefined) return [];
  if (value.kind === 'string') return value.text.trim() === '' ? [] : [value.text.trim()];
  if (value.kind === 'option') return strings(value.value);
  if (value.kind === 'list') return value.items.flatMap((item) => (item.kind === 'string' || item.kind === 'option' ? strings(item) : []));
  return [];
}

const first = (value: OpamValue | undefined): string | null => strings(value)[0] ?? null;

/** A top-level field that is a plain string (`version: "1.0"`), else null. */
function stringField(fields: Fields, name: string): string | null {
  const value = fields.get(name);
  return value?.kind === 'string' && value.text.trim() !== '' ? value.text.trim() : null;
}

/**
 * Name and version as Syft takes them: an `opam` file is named by its folder (`<name>.<version>/opam`,
 * as in an opam switch's `.opam-switch/packages/` and in opam-repository), split at the first dot;
 * a `<name>.opam` file by its file name, with its `version:` field. A folder without a dot (an
 * installed library's `lib/<name>/opam`, a project's `opam`) leaves both to the `name:` and
 * `version:` fields, the folder name as a fallback.
 */
function identify(path: string, fields: Fields): { name: string; version: string } {
  const file = basename(path);
  if (file !== 'opam') return { name: file.slice(0, -'.opam'.length) || (stringField(fields, 'name') ?? ''), version: stringField(fields, 'version') ?? '' };
  const folder = basename(dirname(path));
  const dot = folder.indexOf('.');
  if (dot > 0) return { name: folder.slice(0, dot), version: folder.slice(dot + 1) };
  return { name: stringField(fields, 'name') ?? folder, version: stringField(fields, 'version') ?? '' };
}

/** The `url { src: … checksum: … }` section (opam 1.2 wrote `archive:` for `src:`). */
function urlSection(items: readonly OpamItem[]): { url: string | null; checksums: string[] } {
  const section = items.find((item) => item.kind === 'section' && item.section === 'url' && item.name === null);
  if (section?.kind !== 'section') return { url: null, checksums: [] };
  const fields = topFields(section.items);
  return { url: first(fields.get('src')) ?? first(fields.get('archive')), checksums: strings(fields.get('checksum')) };
}

function isInstalled(path: string): boolean {
  if (path.includes('/.opam-switch/packages/')) return true;
  return /\/lib\/[^/]+\/opam$/.test(path) && (path.includes('/.opam/') || path.includes('/_opam/'));
}

/**
 * An opam package file (`opam`, `<name>.opam`): installed packages keep one in their switch
 * (`~/.opam/<switch>/.opam-switch/packages/<name>.<version>/opam`), a project declares itself in one.
 * A file without a top-level `opam-version` field is not one and yields nothing, as in Syft.
 */
export function parseOpam(path: string, content: Buffer): CatalogOutput {
  if (EXECUTABLE.test(path)) return output([]);
  const text = decodeText(content);
  if (!text.includes('opam-version')) return output([]);
  let items: OpamItem[];
  try {
    items = readOpamFile(text);
  } catch (error) {
    if (error instanceof OpamFileError) return unknownOutput(path, `opam file not read: ${error.message}`);
    throw error;
  }
  const fields = topFields(items);
  if (stringField(fields, 'opam-version') === null) return output([]);
  const { name, version } = identify(path, fields);
  if (name === '') return unknownOutput(path, 'opam file names no package (no file or folder name, no name: field)');
  const unknowns: CatalogUnknown[] = version === '' ? [{ path, reason: `${name}: the opam file states no version; the package is listed without one and cannot be matched against advisories` }] : [];
  const source = urlSection(items);
  const pkg = languagePackage({
    ref: `${path}#${name}@${version}`,
    name,
    version,
    type: 'opam',
    purl: purl('opam', null, name, version),
    licenses: strings(fields.get('license')),
    evidence: isInstalled(path) ? 'installed' : 'declared',
    source: 'opam',
    fields: {
      homepage: first(fields.get('homepage')),
      url: source.url,
      checksum: source.checksums.join(' '),
      synopsis: stringField(fields, 'synopsis'),
      maintainer: strings(fields.get('maintainer')).join(', '),
      authors: strings(fields.get('authors')).join(', '),
      devRepo: first(fields.get('dev-repo')),
      bugReports: first(fields.get('bug-reports')),
    },
    paths: [path],
  });
  return output([pkg], [], unknowns);
}

export const opamCataloger: Cataloger = {
  id: 'opam-cataloger',
  version: 1,
  packageTypes: ['opam'],
  selector: { basenames: ['opam'], suffixes: ['.opam'] },
  maxFileSize: 1 * MiB,
  readsContent: (path) => !EXECUTABLE.test(path),
  parse: (file: CatalogFile) => guarded(file.path, () => parseOpam(file.path, file.content)),
};
