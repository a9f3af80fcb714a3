import { EntryBudget, guarded, languageMetadata, MiB, output, purl } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogUnknown, Cataloger } from '../types.js';

/*
 * Portage's installed-package database (Gentoo): `/var/db/pkg/<category>/<name>-<version>/`, one
 * folder per package, named by its CPV. `CONTENTS` lists what the package installed (`obj <path>
 * <md5> <mtime>`, `sym <path> -> <target> <mtime>`, `dir <path>`), `SIZE` its installed size and
 * `LICENSE` its licence expression. The three are joined per folder in `finish`; a folder
 * without `CONTENTS` is not an installed package.
 */

const MAX_CONTENTS_LINES = 1_000_000;

// category/name-version: a version starts with a digit after a hyphen and may end in suffixes and a revision (PMS 3.2).
const CPV = /\/([A-Za-z0-9_][A-Za-z0-9+_.-]*)\/([A-Za-z0-9_][A-Za-z0-9+_-]*?)-(\d+(?:\.\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)\d*)*(?:-r\d+)?)$/;

/** `category/name` and version from a package folder, or null when the folder is not named by a CPV. */
export function cpvOfFolder(folder: string): { name: string; version: string } | null {
  const match = CPV.exec(folder);
  if (match === null) return null;
  return { name: `${match[1] ?? ''}/${match[2] ?? ''}`, version: match[3] ?? '' };
}

/** Installed files (objects and symlinks) of a CONTENTS file, as absolute paths. */
export function readContents(text: string, budget: EntryBudget): string[] {
  const files: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('obj ')) {
      // `obj <path> <md5> <mtime>`: the path may hold spaces, the last two words never do.
      const words = line.slice(4).trimEnd().split(' ');
      if (words.length >= 3 && budget.take()) files.push(words.slice(0, -2).join(' '));
    } else if (line.startsWith('sym ')) {
      const arrow = line.indexOf(' -> ');
      if (arrow > 4 && budget.take()) files.push(line.slice(4, arrow));
    }
  }
  return files;
}

/**
 * Licence names of a Gentoo LICENSE expression: `|| ( MIT Apache-2.0 )` choices and `flag? ( … )`
 * conditionals are kept as the names they hold (the choice made at install time is not recorded).
 */
export function licenseNames(text: string): string[] {
  const names = new Set<string>();
  for (const word of text.split(/\s+/)) {
    if (word === '' || word === '||' || word === '(' || word === ')' || word.endsWith('?')) continue;
    names.add(word);
  }
  return [...names];
}

type PartKind = 'CONTENTS' | 'SIZE' | 'LICENSE';
interface FolderPart {
  readonly kind: PartKind;
  readonly path: string;
  /** SIZE and LICENSE: their one line. */
  readonly text: string;
  /** CONTENTS: the installed files. */
  readonly files: readonly string[];
}

const parts = new WeakMap<CatalogOutput, FolderPart>();

function parsePart(file: CatalogFile): CatalogOutput {
  const kind = file.path.slice(file.path.lastIndexOf('/') + 1) as PartKind;
  if (kind !== 'CONTENTS') {
    const out = output([]);
    parts.set(out, { kind, path: file.path, text: decodeText(file.content.subarray(0, 4096)), files: [] });
    return out;
  }
  const budget = new EntryBudget(MAX_CONTENTS_LINES, 'CONTENTS entries');
  const files = readContents(decodeText(file.content), budget);
  const out = output([], [], budget.unknowns(file.path));
  parts.set(out, { kind, path: file.path, text: '', files });
  return out;
}

function packageOf(contents: FolderPart, size: FolderPart | undefined, license: FolderPart | undefined): CatalogedPackage | CatalogUnknown {
  const folder = contents.path.slice(0, contents.path.lastIndexOf('/'));
  const cpv = cpvOfFolder(folder);
  if (cpv === null) return { path: contents.path, reason: 'portage package folder not named category/name-version: not read' };
  const installedSize = size?.text.trim() ?? '';
  return {
    ref: folder,
    name: cpv.name,
    version: cpv.version,
    type: 'portage',
    // Syft's form: the type `ebuild`, `category/name` as the name (its slash escaped), no namespace.
    purl: purl('ebuild', null, cpv.name, cpv.version),
    licenses: license === undefined ? [] : licenseNames(license.text),
    evidence: 'installed',
    source: null,
    metadata: languageMetadata('portage', { installedSize: /^\d+$/.test(installedSize) ? installedSize : null, license: license?.text.trim() }),
    paths: [contents.path, size?.path, license?.path].filter((p): p is string => p !== undefined),
    files: contents.files,
  };
}

function joinFolders(outputs: readonly CatalogOutput[]): CatalogOutput {
  const folders = new Map<string, Partial<Record<PartKind, FolderPart>>>();
  const unknowns: CatalogUnknown[] = [];
  for (const out of outputs) {
    unknowns.push(...out.unknowns);
    const part = parts.get(out);
    if (part === undefined) continue;
    const key = part.path.slice(0, part.path.lastIndexOf('/'));
    const folder = folders.get(key) ?? {};
    folder[part.kind] = part;
    folders.set(key, folder);
  }
  const packages: CatalogedPackage[] = [];
  for (const folder of folders.values()) {
    if (folder.CONTENTS === undefined) continue;
    const pkg = packageOf(folder.CONTENTS, folder.SIZE, folder.LICENSE);
    if ('reason' in pkg) unknowns.push(pkg);
    else packages.push(pkg);
  }
  return output(packages, [], unknowns);
}

export const portageCataloger: Cataloger = {
  id: 'portage-cataloger',
  version: 1,
  packageTypes: ['portage'],
  selector: { globs: ['**/var/db/pkg/*/*/CONTENTS', '**/var/db/pkg/*/*/SIZE', '**/var/db/pkg/*/*/LICENSE'] },
  maxFileSize: 64 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePart(file)),
  finish: (outputs) => joinFolders(outputs),
};
