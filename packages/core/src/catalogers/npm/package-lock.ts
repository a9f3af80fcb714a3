import { asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { dedupePackages, EntryBudget, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput } from '../types.js';
import { npmLicenses, npmPurl, parseNpmAlias } from './npm-names.js';

const MAX_ENTRIES = 200_000;

function lockPackage(path: string, ref: string, name: string, version: string, entry: Record<string, unknown>, underDev = false): CatalogedPackage {
  return languagePackage({
    ref,
    name,
    version,
    type: 'npm',
    purl: npmPurl(name, version),
    licenses: npmLicenses(entry['license']),
    evidence: 'declared',
    source: 'package-lock.json',
    fields: { resolved: nonEmpty(entry['resolved']), integrity: nonEmpty(entry['integrity']) },
    paths: [path],
    dev: underDev || entry['dev'] === true,
  });
}

function depNames(entry: Record<string, unknown>, ...fields: string[]): string[] {
  return fields.flatMap((f) => Object.keys(asRecord(entry[f])));
}

/**
 * package-lock.json / npm-shrinkwrap.json, lockfileVersion 1–3
 * (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json). v2/v3 read `packages`
 * (the root `""` entry is the project, reported as Syft does); v1 reads the nested `dependencies`
 * tree. Development-only entries (`dev: true`) are marked `dev`; the scan drops them unless asked
 * to include them (Syft's default is to leave them out).
 */
export function parsePackageLock(path: string, content: Buffer, maxEntries = MAX_ENTRIES): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'package-lock.json is not a JSON object');
  const doc = parsed.value;
  const budget = new EntryBudget(maxEntries, 'package(s)');
  const result = isRecord(doc['packages']) ? readPackagesMap(path, doc, doc['packages'], budget) : readV1(path, doc, budget);
  const deduped = dedupePackages(result.packages, result.relationships);
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

function parentKey(key: string): string | null {
  if (key === '') return null;
  const nested = key.lastIndexOf('/node_modules/');
  if (nested !== -1) return key.slice(0, nested);
  return '';
}

function readPackagesMap(path: string, doc: Record<string, unknown>, packagesMap: Record<string, unknown>, budget: EntryBudget) {
  const packages: CatalogedPackage[] = [];
  const refByKey = new Map<string, string>();
  const links = new Map<string, string>();
  const entries = Object.entries(packagesMap);
  for (const [key, value] of entries) {
    const entry = asRecord(value);
    if (entry['link'] === true) {
      const target = nonEmpty(entry['resolved']);
      if (target !== null) links.set(key, target);
      continue;
    }
    const slash = key.lastIndexOf('node_modules/');
    const keyName = slash === -1 ? null : key.slice(slash + 'node_modules/'.length);
    let name = nonEmpty(entry['name']) ?? keyName ?? (key === '' ? nonEmpty(doc['name']) : null);
    let version = nonEmpty(entry['version']) ?? (key === '' ? nonEmpty(doc['version']) : null);
    const alias = version === null ? null : parseNpmAlias(version);
    if (alias) ({ name, version } = alias);
    if (name === null || version === null || !budget.take()) continue;
    const ref = `${path}#${key}`;
    refByKey.set(key, ref);
    packages.push(lockPackage(path, ref, name, version, entry));
  }
  const relationships: CatalogedRelationship[] = [];
  for (const [key, value] of entries) {
    const fromRef = refByKey.get(key);
    if (fromRef === undefined) continue;
    for (const dep of depNames(asRecord(value), 'dependencies', 'optionalDependencies')) {
      const toRef = resolveKey(refByKey, links, key, dep);
      if (toRef !== null) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

function resolveKey(refByKey: ReadonlyMap<string, string>, links: ReadonlyMap<string, string>, from: string, dep: string): string | null {
  for (let key: string | null = from, guard = 0; key !== null && guard < 256; key = parentKey(key), guard++) {
    const candidate = `${key === '' ? '' : `${key}/`}node_modules/${dep}`;
    const linked = links.get(candidate);
    const hit = refByKey.get(linked ?? candidate);
    if (hit !== undefined) return hit;
  }
  return null;
}

interface V1Scope {
  readonly parent: V1Scope | null;
  readonly refs: Map<string, string>;
}

function readV1(path: string, doc: Record<string, unknown>, budget: EntryBudget) {
  const packages: CatalogedPackage[] = [];
  const pending: { ref: string; scope: V1Scope; own: V1Scope; requires: string[] }[] = [];
  const root: V1Scope = { parent: null, refs: new Map() };
  // A v1 entry nested under a dev entry exists only for it: it is dev too.
  const stack: { deps: Record<string, unknown>; scope: V1Scope; prefix: string; dev: boolean }[] = [{ deps: asRecord(doc['dependencies']), scope: root, prefix: '', dev: false }];
  while (stack.length > 0) {
    const { deps, scope, prefix, dev } = stack.pop()!;
    for (const [key, value] of Object.entries(deps)) {
      const entry = asRecord(value);
      let name = key;
      let version = nonEmpty(entry['version']);
      const alias = version === null ? null : parseNpmAlias(version);
      if (alias) ({ name, version } = alias);
      const own: V1Scope = { parent: scope, refs: new Map() };
      if (version !== null && budget.take()) {
        const ref = `${path}#${prefix}${key}`;
        scope.refs.set(key, ref);
        packages.push(lockPackage(path, ref, name, version, entry, dev));
        pending.push({ ref, scope, own, requires: depNames(entry, 'requires') });
      }
      if (isRecord(entry['dependencies'])) stack.push({ deps: entry['dependencies'], scope: own, prefix: `${prefix}${key}/`, dev: dev || entry['dev'] === true });
    }
  }
  const relationships: CatalogedRelationship[] = [];
  for (const item of pending) {
    for (const dep of item.requires) {
      for (let scope: V1Scope | null = item.own; scope !== null; scope = scope.parent) {
        const toRef = scope.refs.get(dep);
        if (toRef !== undefined) {
          relationships.push({ fromRef: item.ref, toRef, type: 'depends-on' });
          break;
        }
      }
    }
  }
  return { packages, relationships };
}
