import { asArray, asRecord, isRecord, nonEmpty, parseJsonc } from '../lang-common/parse.js';
import { dedupePackages, EntryBudget, languagePackage, output, markDevOnly, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput } from '../types.js';
import { npmPurl, splitNameAt } from './npm-names.js';

const MAX_ENTRIES = 200_000;

/** Protocols that name the project's own workspaces rather than fetched packages. */
const LOCAL_PROTOCOLS = ['workspace:', 'root:', 'link:', 'file:'];

/**
 * bun.lock (text lockfile, JSONC with trailing commas; https://bun.sh/docs/install/lockfile).
 * `packages` maps an install path (`axios`, `axios/follow-redirects` for a nested copy) to a tuple
 * whose first item is `name@version`; the object item holds the dependency maps. Workspace
 * entries are the project itself and are skipped; dev-only packages are dropped by reachability
 * from the workspaces' dependency maps.
 */
export function parseBunLock(path: string, content: Buffer, maxEntries = MAX_ENTRIES): CatalogOutput {
  const parsed = parseJsonc(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'bun.lock is not a JSON object');
  const doc = parsed.value;
  const packages: CatalogedPackage[] = [];
  const refByKey = new Map<string, string>();
  const depsByKey = new Map<string, Record<string, unknown>>();
  const budget = new EntryBudget(maxEntries, 'package(s)');
  for (const [key, value] of Object.entries(asRecord(doc['packages']))) {
    const tuple = asArray(value);
    const ident = nonEmpty(tuple[0]);
    const split = ident === null ? null : splitNameAt(ident);
    if (split === null || split.spec === '' || LOCAL_PROTOCOLS.some((p) => split.spec.startsWith(p)) || !budget.take()) continue;
    const ref = `${path}#${key}`;
    refByKey.set(key, ref);
    const info = tuple.find(isRecord) ?? {};
    depsByKey.set(key, info);
    const integrity = tuple.findLast((item): item is string => typeof item === 'string' && /^sha\d+-/.test(item));
    packages.push(
      languagePackage({
        ref,
        name: split.name,
        version: split.spec,
        type: 'npm',
        purl: npmPurl(split.name, split.spec),
        evidence: 'declared',
        source: 'bun.lock',
        fields: { integrity, registry: nonEmpty(tuple[1]) },
        paths: [path],
      }),
    );
  }
  // Nested copies live under their dependent's path (`a/@scope/b`); resolve from the deepest path up.
  const resolve = (fromKey: string, dep: string): string | null => {
    const segments = pathSegments(fromKey);
    for (let depth = segments.length; depth >= 0; depth--) {
      const hit = refByKey.get([...segments.slice(0, depth), dep].join('/'));
      if (hit !== undefined) return hit;
    }
    return null;
  };
  const relationships: CatalogedRelationship[] = [];
  for (const [key, info] of depsByKey) {
    const fromRef = refByKey.get(key)!;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(asRecord(info[field]))) {
        const toRef = resolve(key, dep);
        if (toRef !== null && toRef !== fromRef) relationships.push({ fromRef, toRef, type: 'depends-on' });
      }
    }
  }
  const workspaces = Object.values(asRecord(doc['workspaces'])).map(asRecord);
  const roots = (fields: string[]): string[] => workspaces.flatMap((ws) => fields.flatMap((f) => Object.keys(asRecord(ws[f])).flatMap((dep) => resolve('', dep) ?? [])));
  const pruned = markDevOnly(packages, relationships, roots(['dependencies', 'optionalDependencies', 'peerDependencies']), roots(['devDependencies']));
  const deduped = dedupePackages(pruned.packages, pruned.relationships);
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

/** `a/@scope/b/c` → [`a`, `@scope/b`, `c`]. */
function pathSegments(key: string): string[] {
  const out: string[] = [];
  const parts = key === '' ? [] : key.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith('@') && i + 1 < parts.length) out.push(`${part}/${parts[++i]!}`);
    else out.push(part);
  }
  return out;
}
