import { asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { basename, dedupePackages, EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_ENTRIES = 100_000;

export function nugetPurl(name: string, version: string): string | null {
  return purl('nuget', null, name, version);
}

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
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
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

export const dotnetDepsCataloger: Cataloger = {
  id: 'dotnet-deps-cataloger',
  version: 2,
  packageTypes: ['nuget'],
  selector: { suffixes: ['.deps.json'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseDepsJson(file.path, file.content)),
};

export const dotnetPackagesLockCataloger: Cataloger = {
  id: 'dotnet-packages-lock-cataloger',
  version: 2,
  packageTypes: ['nuget'],
  selector: { basenames: ['packages.lock.json'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePackagesLock(file.path, file.content)),
};
