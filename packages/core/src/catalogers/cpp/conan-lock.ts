import { dedupePackages, EntryBudget, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import { asArray, asRecord, asString, isRecord, parseJson } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput, CatalogUnknown } from '../types.js';
import { conanPurl, parseConanRef, refFields } from './conan-ref.js';

const MAX_PACKAGES = 100_000;

/** Lockfile 0.5 (Conan 2) lists; all but `requires` hold what is needed only to build. */
const V2_LISTS: readonly (readonly [key: string, dev: boolean])[] = [
  ['requires', false],
  ['build_requires', true],
  ['python_requires', true],
  ['config_requires', true],
];

interface LockState {
  readonly path: string;
  readonly budget: EntryBudget;
  readonly packages: CatalogedPackage[];
  unnamed: number;
}

function conanPackage(state: LockState, key: string, text: string, dev: boolean, extra: Readonly<Record<string, string | null>>): CatalogedPackage | null {
  const ref = parseConanRef(text);
  if (ref === null) {
    state.unnamed += 1;
    return null;
  }
  if (!state.budget.take()) return null;
  const pkg = languagePackage({
    ref: `${state.path}#${key}`,
    name: ref.name,
    version: ref.version,
    type: 'conan',
    purl: conanPurl(ref),
    evidence: 'declared',
    source: 'conan.lock',
    fields: { ...refFields(text, ref), ...extra },
    paths: [state.path],
    dev,
  });
  state.packages.push(pkg);
  return pkg;
}

/** Lockfile 0.4 (Conan 1): `graph_lock.nodes` by id; node "0" is the consumer and usually has no ref. */
function readGraphNodes(state: LockState, nodes: Record<string, unknown>): CatalogedRelationship[] {
  const refById = new Map<string, string>();
  const edges: [from: string, toIds: readonly unknown[]][] = [];
  for (const [id, value] of Object.entries(nodes)) {
    const node = asRecord(value);
    // Lockfiles of Conan 1.2x before `ref` wrote the full package reference as `pref`.
    const text = asString(node['ref']) ?? asString(node['pref']);
    if (text === null || text.trim() === '') continue;
    const pkg = conanPackage(state, `node:${id}`, text, false, {
      options: asString(node['options'])?.replace(/\s*\n\s*/g, ' ') ?? null,
      path: asString(node['path']),
      context: asString(node['context']),
      packageId: asString(node['package_id']),
      prev: asString(node['prev']),
    });
    if (pkg === null) continue;
    refById.set(id, pkg.ref);
    edges.push([pkg.ref, [...asArray(node['requires']), ...asArray(node['build_requires'])]]);
  }
  const relationships: CatalogedRelationship[] = [];
  for (const [fromRef, ids] of edges) {
    for (const id of ids) {
      const toRef = typeof id === 'string' ? refById.get(id) : undefined;
      if (toRef !== undefined && toRef !== fromRef) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  }
  return relationships;
}

/** Lockfile 0.5 (Conan 2): flat lists of references; they state no edges. */
function readReferenceLists(state: LockState, lock: Record<string, unknown>): void {
  for (const [key, dev] of V2_LISTS) {
    asArray(lock[key]).forEach((entry, index) => {
      if (typeof entry === 'string') conanPackage(state, `${key}:${index}`, entry, dev, {});
      else state.unnamed += 1;
    });
  }
}

/**
 * `conan.lock`, both layouts Syft reads: 0.4 (`graph_lock.nodes`, with the `requires` and
 * `build_requires` edges between node ids) and 0.5 (`requires`, `build_requires`,
 * `python_requires` and `config_requires` lists). Only 0.5's `requires` and every 0.4 node count
 * as production packages: Syft reports those and nothing else.
 */
export function parseConanLock(path: string, content: Buffer): CatalogOutput {
  if (content.toString('utf8').trim() === '') return output([]);
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, `conan.lock not read: ${parsed.reason}`);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'conan.lock is not a JSON object');
  const lock = parsed.value;
  const nodes = asRecord(lock['graph_lock'])['nodes'];
  if (!isRecord(nodes) && !V2_LISTS.some(([key]) => Array.isArray(lock[key]))) {
    return unknownOutput(path, 'conan.lock has neither graph_lock.nodes (lockfile 0.4) nor requires lists (lockfile 0.5)');
  }
  const state: LockState = { path, budget: new EntryBudget(MAX_PACKAGES, 'package(s)'), packages: [], unnamed: 0 };
  readReferenceLists(state, lock);
  const relationships = isRecord(nodes) ? readGraphNodes(state, nodes) : [];
  const unknowns: CatalogUnknown[] = [...state.budget.unknowns(path)];
  if (state.unnamed > 0) unknowns.push({ path, reason: `${state.unnamed} reference(s) that name no package and version were not read` });
  const deduped = dedupePackages(state.packages, relationships);
  return output(deduped.packages, deduped.relationships, unknowns);
}
