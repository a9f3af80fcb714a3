import { asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { basename, dedupePackages, EntryBudget, guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { mergeOutputs } from '../types.js';

const MAX_ENTRIES = 100_000;

import { nugetPurl } from './nuget-purl.js';
import { parsePortableExecutable, PE_SUFFIXES } from './portable-executable.js';

export { nugetPurl };

function splitLibraryKey(key: string): { name: string; version: string } | null {
  const slash = key.lastIndexOf('/');
  if (slash <= 0 || slash === key.length - 1) return null;
  return { name: key.slice(0, slash), version: key.slice(slash + 1) };
}

/** A target entry ships files when it lists runtime, native or resource assets. */
function shipsAssets(target: Record<string, unknown>): boolean {
  return ['runtime', 'native', 'resources', 'runtimeTargets'].some((k) => Object.keys(asRecord(target[k])).length > 0);
}

/**
 * `<app>.deps.json`, the .NET dependency manifest
 * (https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md).
 * Reports the root project (named like the file) and NuGet `package` libraries that ship assets in
 * some target; packages with no runtime assets (served by the shared framework), other projects
 * and reference assemblies are not deployed and are skipped, matching Syft's output.
 */
export function parseDepsJson(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !isRecord(parsed.value['libraries'])) return unknownOutput(path, 'deps.json has no libraries');
  const doc = parsed.value;
  const rootName = basename(path).replace(/\.deps\.json$/i, '');
  const targets = Object.values(asRecord(doc['targets'])).map(asRecord);
  const packages: CatalogedPackage[] = [];
  const refByName = new Map<string, string>();
  const budget = new EntryBudget(MAX_ENTRIES, 'package(s)');
  for (const [key, value] of Object.entries(asRecord(doc['libraries']))) {
    const id = splitLibraryKey(key);
    if (!id) continue;
    const library = asRecord(value);
    const type = nonEmpty(library['type']);
    const targetEntries = targets.map((t) => asRecord(t[key]));
    const isRoot = type === 'project' && id.name.toLowerCase() === rootName.toLowerCase();
    if ((!isRoot && (type !== 'package' || !targetEntries.some(shipsAssets))) || !budget.take()) continue;
    const ref = `${path}#${key}`;
    refByName.set(id.name.toLowerCase(), ref);
    packages.push(
      languagePackage({
        ref,
        name: id.name,
        version: id.version,
        type: 'nuget',
        purl: nugetPurl(id.name, id.version),
        // deps.json ships beside the deployed assemblies: it describes what is installed.
        evidence: 'installed',
        source: 'deps.json',
        fields: { sha512: nonEmpty(library['sha512']), libraryType: type, path: nonEmpty(library['path']) },
        paths: [path],
      }),
    );
  }
  const relationships: CatalogedRelationship[] = [];
  for (const target of targets) {
    for (const [key, value] of Object.entries(target)) {
      const id = splitLibraryKey(key);
      const fromRef = id ? refByName.get(id.name.toLowerCase()) : undefined;
      if (fromRef === undefined) continue;
      for (const dep of Object.keys(asRecord(asRecord(value)['dependencies']))) {
        const toRef = refByName.get(dep.toLowerCase());
        if (toRef !== undefined) relationships.push({ fromRef, toRef, type: 'depends-on' });
      }
    }
  }
  const deduped = dedupePackages(packages, relationships);
  const result = output(deduped.packages, deduped.relationships, budget.unknowns(path));
  claimedAssemblies.set(result, deployedAssets(path, targets));
  return result;
}

/**
 * Assemblies a deps.json accounts for, whatever their library type (packages, projects, the
 * runtime pack of a self-contained app): published flat beside the deps.json, so one directory.
 */
function deployedAssets(depsPath: string, targets: readonly Record<string, unknown>[]): Set<string> {
  const dir = depsPath.slice(0, depsPath.lastIndexOf('/'));
  const claimed = new Set<string>();
  for (const target of targets) {
    for (const entry of Object.values(target)) {
      for (const kind of ['runtime', 'native', 'resources']) {
        for (const asset of Object.keys(asRecord(asRecord(entry)[kind]))) claimed.add(`${dir}/${basename(asset)}`);
      }
    }
  }
  return claimed;
}

/** The assemblies each deps.json output accounts for: `finish` drops their PE packages (the deps.json entry is the better record). */
const claimedAssemblies = new WeakMap<CatalogOutput, Set<string>>();

/**
 * One layer's deps.json and assembly outputs: an assembly a deps.json in the layer lists is that
 * entry's file, not a second package.
 */
function joinDepsAndAssemblies(outputs: readonly CatalogOutput[]): CatalogOutput {
  const claimed = new Set<string>();
  for (const out of outputs) for (const path of claimedAssemblies.get(out) ?? []) claimed.add(path);
  const merged = mergeOutputs(outputs);
  if (claimed.size === 0) return merged;
  const dropped = new Set(merged.packages.filter((p) => p.metadata?.type === 'language-package' && p.metadata.source === 'pe' && claimed.has(p.paths[0] ?? '')).map((p) => p.ref));
  return { ...merged, packages: merged.packages.filter((p) => !dropped.has(p.ref)) };
}

function isPortableExecutable(path: string): boolean {
  const lower = path.toLowerCase();
  return PE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * NuGet `packages.lock.json` (https://learn.microsoft.com/nuget/consume-packages/package-references-in-project-files#locking-dependencies):
 * per target framework, `name → {type, resolved, dependencies}`. Project references are skipped;
 * the same name@version under several frameworks is reported once.
 */
export function parsePackagesLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !isRecord(parsed.value['dependencies'])) return unknownOutput(path, 'packages.lock.json has no dependencies');
  const packages: CatalogedPackage[] = [];
  const pending: { ref: string; framework: string; deps: string[] }[] = [];
  const refByFrameworkName = new Map<string, string>();
  const budget = new EntryBudget(MAX_ENTRIES, 'package(s)');
  for (const [framework, value] of Object.entries(parsed.value['dependencies'])) {
    for (const [name, raw] of Object.entries(asRecord(value))) {
      const entry = asRecord(raw);
      const version = nonEmpty(entry['resolved']);
      if (version === null || nonEmpty(entry['type'])?.toLowerCase() === 'project' || !budget.take()) continue;
      const ref = `${path}#${name}@${version}`;
      refByFrameworkName.set(`${framework}\u0000${name.toLowerCase()}`, ref);
      pending.push({ ref, framework, deps: Object.keys(asRecord(entry['dependencies'])) });
      packages.push(
        languagePackage({
          ref,
          name,
          version,
          type: 'nuget',
          purl: nugetPurl(name, version),
          evidence: 'declared',
          source: 'packages.lock.json',
          fields: { contentHash: nonEmpty(entry['contentHash']), dependencyType: nonEmpty(entry['type']), requested: nonEmpty(entry['requested']) },
          paths: [path],
        }),
      );
    }
  }
  const relationships: CatalogedRelationship[] = [];
  for (const item of pending) {
    for (const dep of item.deps) {
      const toRef = refByFrameworkName.get(`${item.framework}\u0000${dep.toLowerCase()}`);
      if (toRef !== undefined) relationships.push({ fromRef: item.ref, toRef, type: 'depends-on' });
    }
  }
  const deduped = dedupePackages(packages, relationships);
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

/**
 * deps.json and the assemblies beside it, as Syft's `dotnet-deps-binary-cataloger`: an assembly
 * no deps.json in its layer lists (a framework-dependent app copied without one, a plugin folder,
 * the shared framework) is reported from its version resource.
 */
export const dotnetDepsCataloger: Cataloger = {
  id: 'dotnet-deps-cataloger',
  version: 3,
  packageTypes: ['nuget'],
  selector: { suffixes: ['.deps.json', ...PE_SUFFIXES.flatMap((s) => [s, s.toUpperCase()])] },
  maxFileSize: 64 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => (isPortableExecutable(file.path) ? parsePortableExecutable(file.path, file.content) : parseDepsJson(file.path, file.content))),
  finish: joinDepsAndAssemblies,
};

export const dotnetPackagesLockCataloger: Cataloger = {
  id: 'dotnet-packages-lock-cataloger',
  version: 2,
  packageTypes: ['nuget'],
  selector: { basenames: ['packages.lock.json'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePackagesLock(file.path, file.content)),
};
