import { gunzipSync } from 'node:zlib';
import { decodeText } from '../lang-common/parse.js';
import { EntryBudget, guarded, MiB, output } from '../lang-common/output.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, CatalogUnknown, Cataloger } from '../types.js';

/*
 * pacman's local database (Arch Linux, Manjaro, SteamOS…): one folder per installed package,
 * `/var/lib/pacman/local/<name>-<version>/`, holding `desc` (the package record), `files` (the
 * files it installed, and `%BACKUP%` config files) and `mtree` (gzip-compressed mtree(5) of the
 * same files with digests). libalpm writes `desc` and `files` as sections: a `%KEY%` line, one
 * value per line, a blank line. The three files of a folder are joined in `finish`.
 */

const MAX_VALUES_PER_FILE = 500_000;
const MAX_MTREE_BYTES = 64 * MiB;

type Sections = Map<string, string[]>;

/** `%KEY%` sections of a desc or files database entry; values stop at the first blank line. */
export function readSections(text: string, budget: EntryBudget): Sections {
  const sections: Sections = new Map();
  let current: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const key = /^%([A-Z0-9_]+)%$/.exec(line)?.[1];
    if (key !== undefined) {
      current = sections.get(key) ?? [];
      sections.set(key, current);
    } else if (line === '') current = null;
    else if (current !== null && budget.take()) current.push(line);
  }
  return sections;
}

/** mtree(5) escapes bytes in names as `\ooo` octal. */
function unescapeMtree(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Files (not directories) an mtree lists, as absolute paths; pacman's own `.PKGINFO`, `.BUILDINFO`, `.MTREE`, `.INSTALL` left out. */
export function readMtreeFiles(text: string, budget: EntryBudget): string[] {
  const files: string[] = [];
  let defaultType = 'file';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const words = line.trim().split(/\s+/);
    const first = words[0] ?? '';
    if (first === '/set') {
      for (const word of words.slice(1)) if (word.startsWith('type=')) defaultType = word.slice(5);
      continue;
    }
    if (!first.startsWith('./')) continue;
    const type = words.find((w) => w.startsWith('type='))?.slice(5) ?? defaultType;
    const path = unescapeMtree(first.slice(1));
    if (type === 'dir' || /^\/\.[A-Z]+$/.test(path)) continue;
    if (budget.take()) files.push(path);
  }
  return files;
}

const folderOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
const first = (sections: Sections, key: string): string | null => {
  const value = sections.get(key)?.[0]?.trim();
  return value === undefined || value === '' ? null : value;
};
const integer = (value: string | null): number | null => {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
};
/** `glibc>=2.35`, `sh`, `libalpm.so=13-64` → the name a dependency or provision is known by. */
const bareName = (spec: string): string => spec.split(/[<>=:]/)[0]?.trim() ?? '';

/** One file's reading, kept until `finish` joins a folder's three files. */
interface FolderPart {
  readonly kind: 'desc' | 'files' | 'mtree';
  readonly path: string;
  readonly sections?: Sections;
  readonly files?: readonly string[];
  readonly unknowns: readonly CatalogUnknown[];
}

// Catalog outputs carry only packages; the parts travel as a package-less output keyed here.
const parts = new WeakMap<CatalogOutput, FolderPart>();

function partOutput(part: FolderPart): CatalogOutput {
  const out: CatalogOutput = output([], [], part.unknowns);
  parts.set(out, part);
  return out;
}

function parsePart(file: CatalogFile): CatalogOutput {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const budget = new EntryBudget(MAX_VALUES_PER_FILE, 'values');
  if (name === 'mtree') {
    let text: string;
    try {
      text = decodeText(gunzipSync(file.content, { maxOutputLength: MAX_MTREE_BYTES }));
    } catch (error) {
      const reason = error instanceof RangeError ? `mtree larger than ${MAX_MTREE_BYTES} bytes uncompressed` : 'mtree is not gzip-compressed mtree data';
      return partOutput({ kind: 'mtree', path: file.path, files: [], unknowns: [{ path: file.path, reason: `${reason}; the package's files are taken from its files list only` }] });
    }
    return partOutput({ kind: 'mtree', path: file.path, files: readMtreeFiles(text, budget), unknowns: budget.unknowns(file.path) });
  }
  const sections = readSections(decodeText(file.content), budget);
  return partOutput({ kind: name === 'desc' ? 'desc' : 'files', path: file.path, sections, unknowns: budget.unknowns(file.path) });
}

function packageOf(desc: FolderPart, filesPart: FolderPart | undefined, mtree: FolderPart | undefined): CatalogedPackage | CatalogUnknown {
  const sections = desc.sections ?? new Map<string, string[]>();
  const name = first(sections, 'NAME');
  const version = first(sections, 'VERSION');
  if (name === null || version === null) return { path: desc.path, reason: `pacman desc without ${name === null ? '%NAME%' : '%VERSION%'}: not a package record` };
  const base = first(sections, 'BASE');
  const listed = filesPart?.sections?.get('FILES');
  const files = listed !== undefined ? listed.filter((f) => !f.endsWith('/')).map((f) => `/${f}`) : (mtree?.files ?? []);
  const evidence = [desc.path, filesPart?.path, mtree?.path].filter((p): p is string => p !== undefined);
  return {
    ref: desc.path,
    name,
    version,
    type: 'alpm',
    purl: null,
    licenses: sections.get('LICENSE') ?? [],
    evidence: 'installed',
    source: base === null ? null : { name: base, version },
    metadata: {
      type: 'alpm-db-entry',
      architecture: first(sections, 'ARCH'),
      packager: first(sections, 'PACKAGER'),
      installedSize: integer(first(sections, 'SIZE')),
      basePackage: base,
      url: first(sections, 'URL'),
      validation: first(sections, 'VALIDATION'),
      reason: integer(first(sections, 'REASON')),
    },
    paths: evidence,
    files,
  };
}

/** Dependencies resolved to installed packages by name or by what a package provides (`sh` → bash). */
function dependencyEdges(packages: readonly CatalogedPackage[], sectionsByRef: ReadonlyMap<string, Sections>): CatalogedRelationship[] {
  const provider = new Map<string, string>();
  for (const pkg of packages) {
    for (const provided of sectionsByRef.get(pkg.ref)?.get('PROVIDES') ?? []) if (!provider.has(bareName(provided))) provider.set(bareName(provided), pkg.ref);
  }
  for (const pkg of packages) provider.set(pkg.name, pkg.ref);
  const edges: CatalogedRelationship[] = [];
  for (const pkg of packages) {
    const seen = new Set<string>();
    for (const dep of sectionsByRef.get(pkg.ref)?.get('DEPENDS') ?? []) {
      const target = provider.get(bareName(dep));
      if (target === undefined || target === pkg.ref || seen.has(target)) continue;
      seen.add(target);
      edges.push({ fromRef: pkg.ref, toRef: target, type: 'depends-on' });
    }
  }
  return edges;
}

function joinFolders(outputs: readonly CatalogOutput[]): CatalogOutput {
  const folders = new Map<string, Partial<Record<FolderPart['kind'], FolderPart>>>();
  const unknowns: CatalogUnknown[] = [];
  for (const out of outputs) {
    const part = parts.get(out);
    if (part === undefined) {
      unknowns.push(...out.unknowns);
      continue;
    }
    unknowns.push(...part.unknowns);
    const folder = folders.get(folderOf(part.path)) ?? {};
    folder[part.kind] = part;
    folders.set(folderOf(part.path), folder);
  }
  const packages: CatalogedPackage[] = [];
  const sectionsByRef = new Map<string, Sections>();
  for (const folder of folders.values()) {
    if (folder.desc === undefined) continue;
    const pkg = packageOf(folder.desc, folder.files, folder.mtree);
    if ('reason' in pkg) {
      unknowns.push(pkg);
      continue;
    }
    packages.push(pkg);
    sectionsByRef.set(pkg.ref, folder.desc.sections ?? new Map<string, string[]>());
  }
  return output(packages, dependencyEdges(packages, sectionsByRef), unknowns);
}

export const alpmDbCataloger: Cataloger = {
  id: 'alpm-db-cataloger',
  version: 1,
  packageTypes: ['alpm'],
  selector: { globs: ['**/var/lib/pacman/local/*/desc', '**/var/lib/pacman/local/*/files', '**/var/lib/pacman/local/*/mtree'] },
  maxFileSize: 64 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePart(file)),
  finish: (outputs) => joinFolders(outputs),
};
