import { asRecord, isRecord, nonEmpty, parseYamlStream } from '../lang-common/parse.js';
import { dedupePackages, EntryBudget, languagePackage, output, markDevOnly, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput } from '../types.js';
import { npmPurl, splitNameAt } from './npm-names.js';

const MAX_ENTRIES = 200_000;

/** Strip peer suffixes: `1.0.0(react@18.2.0)` (v6+) and `1.0.0_react@18.2.0` (v5). */
function bareVersion(version: string): string {
  const paren = version.indexOf('(');
  const base = paren === -1 ? version : version.slice(0, paren);
  const underscore = base.indexOf('_');
  return underscore === -1 ? base : base.slice(0, underscore);
}

/**
 * A package key → name and version. v5: `/name/1.0.0_peer`, `/@scope/name/1.0.0`; v6–v8:
 * `/name@1.0.0(peer)`; v9: `name@1.0.0(peer)`. A registry host may prefix v5 keys.
 */
export function parsePnpmKey(key: string, lockVersion: number): { name: string; version: string } | null {
  const k = key.startsWith('/') ? key.slice(1) : key;
  if (lockVersion < 6) {
    const parts = k.split('/');
    if (parts.length < 2) return null;
    const version = parts.at(-1)!;
    const nameParts = parts.slice(0, -1);
    const scopeAt = nameParts.findIndex((p) => p.startsWith('@'));
    const name = scopeAt !== -1 ? nameParts.slice(scopeAt).join('/') : nameParts.at(-1)!;
    return { name, version: bareVersion(version) };
  }
  const paren = k.indexOf('(');
  const split = splitNameAt(paren === -1 ? k : k.slice(0, paren));
  return split ? { name: split.name, version: bareVersion(split.spec) } : null;
}

function importerDeps(importer: Record<string, unknown>, field: string): [string, string][] {
  return Object.entries(asRecord(importer[field])).flatMap(([name, value]): [string, string][] => {
    const version = typeof value === 'string' ? value : nonEmpty(asRecord(value)['version']);
    return version === null ? [] : [[name, version]];
  });
}

/**
 * pnpm-lock.yaml v5–v9 (https://github.com/pnpm/spec/tree/master/lockfile). Packages from
 * `packages`; dependency edges from `snapshots` (v9) or `packages` (older). Development-only
 * packages are marked `dev`: `dev: true` where the lockfile marks it, otherwise by reachability from the
 * importers' `dependencies`/`optionalDependencies` versus `devDependencies`.
 */
export function parsePnpmLock(path: string, content: Buffer, maxEntries = MAX_ENTRIES): CatalogOutput {
  const parsed = parseYamlStream(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  // pnpm 11+ may write two documents: the package-manager "env" lockfile (pnpm itself, config
  // dependencies), then the project's. Both list packages pnpm installs: read every document.
  const docs = parsed.value.filter(isRecord);
  if (docs.length === 0) return unknownOutput(path, 'pnpm-lock.yaml is not a mapping');
  const budget = new EntryBudget(maxEntries, 'package(s)');
  const parts = docs.map((doc, i) => parsePnpmDocument(`${path}${i === 0 ? '' : `#doc${i}`}`, path, doc, budget));
  const merged = dedupePackages(
    parts.flatMap((p) => p.packages),
    parts.flatMap((p) => p.relationships),
  );
  return output(merged.packages, merged.relationships, budget.unknowns(path));
}

function parsePnpmDocument(refPrefix: string, path: string, doc: Record<string, unknown>, budget: EntryBudget): { packages: CatalogedPackage[]; relationships: CatalogedRelationship[] } {
  const lockVersion = Number.parseFloat(String(doc['lockfileVersion'] ?? '5')) || 5;
  const packagesMap = asRecord(doc['packages']);
  const packages: CatalogedPackage[] = [];
  const refByNameVersion = new Map<string, string>();
  let sawDevFlag = false;
  for (const [key, value] of Object.entries(packagesMap)) {
    const entry = asRecord(value);
    const fromKey = parsePnpmKey(key, lockVersion);
    const name = nonEmpty(entry['name']) ?? fromKey?.name ?? null;
    const version = nonEmpty(entry['version']) ?? fromKey?.version ?? null;
    if (name === null || version === null) continue;
    if (entry['dev'] !== undefined) sawDevFlag = true;
    const ref = `${refPrefix}#${name}@${version}`;
    if (refByNameVersion.has(`${name}@${version}`) || !budget.take()) continue;
    refByNameVersion.set(`${name}@${version}`, ref);
    const resolution = asRecord(entry['resolution']);
    packages.push(
      languagePackage({
        ref,
        name,
        version,
        type: 'npm',
        purl: npmPurl(name, version),
        evidence: 'declared',
        source: 'pnpm-lock.yaml',
        fields: { integrity: nonEmpty(resolution['integrity']), tarball: nonEmpty(resolution['tarball']) },
        paths: [path],
        dev: entry['dev'] === true || entry['dev'] === 'true',
      }),
    );
  }
  const lookup = (name: string, version: string): string | null => {
    // A dependency value may be an alias (`npm:real@1.0.0`) or a link; only registry versions resolve.
    const alias = version.startsWith('npm:') ? splitNameAt(version.slice(4)) : null;
    const realName = alias?.name ?? name;
    return refByNameVersion.get(`${realName}@${bareVersion(alias?.spec ?? version)}`) ?? null;
  };
  const relationships: CatalogedRelationship[] = [];
  const edgeSource = isRecord(doc['snapshots']) ? doc['snapshots'] : packagesMap;
  for (const [key, value] of Object.entries(edgeSource)) {
    const fromKey = parsePnpmKey(key, lockVersion);
    const entry = asRecord(value);
    const fromRef = fromKey ? lookup(nonEmpty(entry['name']) ?? fromKey.name, nonEmpty(entry['version']) ?? fromKey.version) : null;
    if (fromRef === null) continue;
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [dep, version] of Object.entries(asRecord(entry[field]))) {
        const toRef = typeof version === 'string' ? lookup(dep, version) : null;
        if (toRef !== null) relationships.push({ fromRef, toRef, type: 'depends-on' });
      }
    }
  }
  let result = dedupePackages(packages, relationships);
  if (!sawDevFlag) {
    const importers = isRecord(doc['importers']) ? Object.values(doc['importers']).map(asRecord) : [doc];
    const roots = (fields: string[]): string[] => importers.flatMap((imp) => fields.flatMap((f) => importerDeps(imp, f).flatMap(([n, v]) => lookup(n, v) ?? [])));
    result = markDevOnly(result.packages, result.relationships, roots(['dependencies', 'optionalDependencies']), roots(['devDependencies']));
  }
  return result;
}
