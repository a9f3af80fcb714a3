import { purlText } from '../../util/package-url.js';
import type { LanguagePackageEntry, PackageEvidence, PackageType } from '@sekisho/model';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput, CatalogUnknown } from '../types.js';

export function unknownOutput(path: string, reason: string): CatalogOutput {
  return { packages: [], relationships: [], ownership: [], unknowns: [{ path, reason }] };
}

export function output(packages: readonly CatalogedPackage[], relationships: readonly CatalogedRelationship[] = [], unknowns: readonly CatalogUnknown[] = []): CatalogOutput {
  return { packages, relationships, ownership: [], unknowns };
}

/**
 * A limit on the entries one file may add. Past it, entries are only counted (no memory kept)
 * and `unknowns` names how many were not read, so a limit never hides content silently.
 */
export class EntryBudget {
  #kept = 0;
  #skipped = 0;

  constructor(
    readonly limit: number,
    readonly what: string,
  ) {}

  /** True while under the limit (keep the entry); false past it (the entry is counted as skipped). */
  take(): boolean {
    if (this.#kept < this.limit) {
      this.#kept += 1;
      return true;
    }
    this.#skipped += 1;
    return false;
  }

  unknowns(path: string): CatalogUnknown[] {
    return this.#skipped === 0 ? [] : [{ path, reason: `${this.#skipped} ${this.what} past the limit of ${this.limit} per file were not read` }];
  }
}

/** Run a parser; anything it throws becomes an unknown for the file instead of escaping. */
export function guarded(path: string, parse: () => CatalogOutput): CatalogOutput {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return unknownOutput(path, `parser failed: ${message.slice(0, 200)}`);
  }
}

/** A purl string, or null when the parts cannot form one (empty name or version). */
export function purl(type: string, namespace: string | null, name: string, version: string, qualifiers?: Readonly<Record<string, string>>): string | null {
  if (name === '' || version === '') return null;
  try {
    return purlText(type, namespace ?? undefined, name, version, qualifiers ? { ...qualifiers } : undefined, undefined);
  } catch {
    return null;
  }
}

/** Language-package metadata with empty values dropped and keys sorted. */
export function languageMetadata(source: string, fields: Readonly<Record<string, string | null | undefined>>): LanguagePackageEntry {
  const kept: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key];
    if (typeof value === 'string' && value.trim() !== '') kept[key] = value.trim().slice(0, 2048);
  }
  return { type: 'language-package', source, fields: kept };
}

export interface PackageInit {
  readonly ref: string;
  readonly name: string;
  readonly version: string;
  readonly type: PackageType;
  readonly purl: string | null;
  readonly licenses?: readonly string[];
  readonly evidence: PackageEvidence;
  readonly source: string;
  readonly fields?: Readonly<Record<string, string | null | undefined>>;
  readonly paths: readonly string[];
  readonly files?: readonly string[];
  /** Needed only for development (a lockfile's dev dependency). */
  readonly dev?: boolean;
}

export function languagePackage(init: PackageInit): CatalogedPackage {
  const licenses = [...new Set((init.licenses ?? []).map((l) => l.trim()).filter((l) => l !== ''))];
  return {
    ref: init.ref,
    name: init.name,
    version: init.version,
    type: init.type,
    purl: init.purl,
    licenses,
    evidence: init.evidence,
    source: null,
    metadata: languageMetadata(init.source, init.fields ?? {}),
    paths: init.paths,
    ...(init.files ? { files: init.files } : {}),
    ...(init.dev === true ? { dev: true } : {}),
  };
}

/**
 * Keep the first package of each name@version (a lockfile may list one package under several
 * keys); relationships are rewritten to the kept refs and de-duplicated; self-loops dropped.
 */
export function dedupePackages(packages: readonly CatalogedPackage[], relationships: readonly CatalogedRelationship[]): { packages: CatalogedPackage[]; relationships: CatalogedRelationship[] } {
  const keep = new Map<string, CatalogedPackage>();
  const alias = new Map<string, string>();
  for (const pkg of packages) {
    const key = `${pkg.name}@${pkg.version}`;
    const first = keep.get(key);
    if (first) {
      alias.set(pkg.ref, first.ref);
      // Needed outside development under any of its keys: it is not a dev package.
      if (first.dev === true && pkg.dev !== true) keep.set(key, { ...first, dev: false });
    } else keep.set(key, pkg);
  }
  const seen = new Set<string>();
  const rels: CatalogedRelationship[] = [];
  for (const rel of relationships) {
    const fromRef = alias.get(rel.fromRef) ?? rel.fromRef;
    const toRef = alias.get(rel.toRef) ?? rel.toRef;
    if (fromRef === toRef) continue;
    const key = `${fromRef}\u0000${toRef}\u0000${rel.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rels.push({ fromRef, toRef, type: rel.type });
  }
  return { packages: [...keep.values()], relationships: rels };
}

/**
 * `depends-on` edges from each package (by ref) to the packages of the same file it requires by
 * name; `key` folds names the ecosystem treats as equal (Composer's are case-insensitive). A name
 * no package of the file has, and a package requiring itself, make no edge.
 */
export function dependsOnEdges(packages: readonly CatalogedPackage[], requires: ReadonlyMap<string, readonly string[]>, key: (name: string) => string = (name) => name): CatalogedRelationship[] {
  const refByName = new Map(packages.map((p) => [key(p.name), p.ref]));
  const relationships: CatalogedRelationship[] = [];
  for (const [fromRef, names] of requires) {
    for (const dep of names) {
      const toRef = refByName.get(key(dep));
      if (toRef !== undefined && toRef !== fromRef) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  }
  return relationships;
}

/** The package marked as needed only for development (`dev: true`), or unchanged. */
export function markDev(pkg: CatalogedPackage): CatalogedPackage {
  return pkg.dev === true ? pkg : { ...pkg, dev: true };
}

/**
 * Mark packages reachable only from development roots as `dev` (Syft's IncludeDevDependencies
 * decides whether they are reported; Sekisho's `includeDevDeps` does, after the layers are merged):
 * a package stays production when a production root reaches it, or when no root reaches it at all.
 */
export function markDevOnly(
  packages: readonly CatalogedPackage[],
  relationships: readonly CatalogedRelationship[],
  prodRoots: readonly string[],
  devRoots: readonly string[],
): { packages: CatalogedPackage[]; relationships: CatalogedRelationship[] } {
  const edges = new Map<string, string[]>();
  for (const rel of relationships) {
    if (rel.type !== 'depends-on') continue;
    const list = edges.get(rel.fromRef);
    if (list) list.push(rel.toRef);
    else edges.set(rel.fromRef, [rel.toRef]);
  }
  const reach = (roots: readonly string[]): Set<string> => {
    const seen = new Set<string>(roots);
    const stack = [...roots];
    while (stack.length > 0) {
      const ref = stack.pop()!;
      for (const next of edges.get(ref) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  };
  const prod = reach(prodRoots);
  const dev = reach(devRoots);
  return {
    packages: packages.map((p) => (dev.has(p.ref) && !prod.has(p.ref) ? markDev(p) : p)),
    relationships: [...relationships],
  };
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Normalize an absolute POSIX path: resolve `.` and `..` without leaving the root. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

export const MiB = 1024 * 1024;

/** Concatenate outputs, keeping only the four contract fields (parsers may attach join data). */
export function mergeAll(outputs: readonly CatalogOutput[]): CatalogOutput {
  return {
    packages: outputs.flatMap((o) => o.packages),
    relationships: outputs.flatMap((o) => o.relationships),
    ownership: outputs.flatMap((o) => o.ownership),
    unknowns: outputs.flatMap((o) => o.unknowns),
  };
}
