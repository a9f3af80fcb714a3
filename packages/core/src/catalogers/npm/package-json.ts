import { asRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { dirname, guarded, languagePackage, mergeAll, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { npmLicenses, npmPurl, personText } from './npm-names.js';
import { lazyModule } from '../../util/lazy-module.js';

const semver = lazyModule<typeof import('semver')>('semver');

/** What `finish` needs to resolve a manifest's dependencies against the installed tree. */
interface ManifestDeps {
  readonly ref: string;
  readonly dir: string;
  /** name → declared range (`dependencies` and `optionalDependencies`). */
  readonly deps: Readonly<Record<string, string>>;
}

interface PackageJsonOutput extends CatalogOutput {
  readonly manifests: readonly ManifestDeps[];
}

function hasManifests(out: CatalogOutput): out is PackageJsonOutput {
  return 'manifests' in out;
}

function repositoryUrl(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return nonEmpty(asRecord(value)['url']);
}

/** One package.json → the package it describes, if it names itself and a version (as Syft does). */
export function parsePackageJson(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  const doc = asRecord(parsed.value);
  const name = nonEmpty(doc['name']);
  const version = nonEmpty(doc['version']);
  if (name === null || version === null) return output([]);
  const pkg = languagePackage({
    ref: path,
    name,
    version,
    type: 'npm',
    purl: npmPurl(name, version),
    licenses: npmLicenses(doc['license'], doc['licenses']),
    evidence: 'installed',
    source: 'package.json',
    fields: {
      author: personText(doc['author']),
      description: nonEmpty(doc['description']),
      homepage: nonEmpty(doc['homepage']),
      private: doc['private'] === true ? 'true' : null,
      repository: repositoryUrl(doc['repository']),
    },
    paths: [path],
  });
  const deps: Record<string, string> = {};
  for (const field of ['dependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(asRecord(doc[field]))) {
      deps[dep] = typeof range === 'string' ? range : '*';
    }
  }
  const result: PackageJsonOutput = { ...output([pkg]), manifests: [{ ref: path, dir: dirname(path), deps }] };
  return result;
}

/**
 * Resolve each installed package's declared dependencies the way Node does: `<dir>/node_modules/<dep>`
 * for the package's folder and each ancestor (https://nodejs.org/api/modules.html#loading-from-node_modules-folders).
 * pnpm's store links (`.pnpm/<name>@<version>/node_modules/<dep>`) are symlinks the walker does not
 * follow, so inside a pnpm store an unresolved name falls back to the store's highest version
 * satisfying the range.
 */
export function resolveInstalledDependencies(outputs: readonly CatalogOutput[]): CatalogedRelationship[] {
  const byDir = new Map<string, string>();
  const byName = new Map<string, CatalogedPackage[]>();
  for (const out of outputs) {
    for (const pkg of out.packages) {
      const dir = dirname(pkg.paths[0] ?? '');
      byDir.set(dir, pkg.ref);
      const list = byName.get(pkg.name);
      if (list) list.push(pkg);
      else byName.set(pkg.name, [pkg]);
    }
  }
  const relationships: CatalogedRelationship[] = [];
  for (const out of outputs) {
    if (!hasManifests(out)) continue;
    for (const manifest of out.manifests) {
      for (const [dep, range] of Object.entries(manifest.deps)) {
        const target = resolveNode(byDir, manifest.dir, dep) ?? resolveInPnpmStore(byName.get(dep) ?? [], manifest.dir, range);
        if (target !== null && target !== manifest.ref) relationships.push({ fromRef: manifest.ref, toRef: target, type: 'depends-on' });
      }
    }
  }
  return relationships;
}

function resolveNode(byDir: ReadonlyMap<string, string>, from: string, dep: string): string | null {
  let dir = from;
  for (let guard = 0; guard < 256; guard++) {
    if (!dir.endsWith('/node_modules')) {
      const hit = byDir.get(`${dir === '/' ? '' : dir}/node_modules/${dep}`);
      if (hit !== undefined) return hit;
    }
    if (dir === '/') return null;
    dir = dirname(dir);
  }
  return null;
}

const PNPM_STORE = '/node_modules/.pnpm/';

function resolveInPnpmStore(all: readonly CatalogedPackage[], from: string, range: string): string | null {
  const store = from.indexOf(PNPM_STORE);
  if (store === -1) return null;
  const prefix = from.slice(0, store + PNPM_STORE.length);
  const candidates = all.filter((c) => (c.paths[0] ?? '').startsWith(prefix));
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0]!.ref;
  const versions = candidates.map((c) => c.version).filter((v) => semver().valid(v) !== null);
  const best = semver().maxSatisfying(versions, range, { loose: true });
  return best === null ? null : (candidates.find((c) => c.version === best)?.ref ?? null);
}

export const javascriptPackageCataloger: Cataloger = {
  id: 'javascript-package-cataloger',
  version: 3,
  packageTypes: ['npm'],
  selector: { basenames: ['package.json'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePackageJson(file.path, file.content)),
  finish(outputs) {
    const merged = mergeAll(outputs);
    return { ...merged, relationships: [...merged.relationships, ...resolveInstalledDependencies(outputs)] };
  },
};
