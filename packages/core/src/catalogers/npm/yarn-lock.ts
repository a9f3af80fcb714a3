import { asRecord, decodeText, isRecord, nonEmpty, parseYaml } from '../lang-common/parse.js';
import { EntryBudget, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput, CatalogUnknown } from '../types.js';
import { nameFromRegistryUrl, npmPurl, parseNpmAlias, splitNameAt } from './npm-names.js';

const MAX_ENTRIES = 200_000;
const MAX_LINE = 64 * 1024;

/** A parsed lockfile plus the descriptor → ref index the lock cataloger uses to find dev-only packages. */
export interface LockParse {
  readonly packages: CatalogedPackage[];
  readonly relationships: CatalogedRelationship[];
  /** `name@range` descriptors as written in the lockfile → package ref. */
  readonly descriptors: ReadonlyMap<string, string>;
  /** Entries past the limit, named by count. */
  readonly unknowns: CatalogUnknown[];
}

interface RawEntry {
  readonly descriptors: string[];
  readonly fields: Map<string, string>;
  readonly deps: Map<string, string>;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}

/** `key value` or `key: value` (yarn v1 writes the former, with optional quotes on both). */
function splitKeyValue(line: string): [string, string] | null {
  const text = line.trim();
  let keyEnd: number;
  if (text.startsWith('"')) {
    keyEnd = text.indexOf('"', 1) + 1;
    if (keyEnd === 0) return null;
  } else {
    keyEnd = text.search(/[\s:]/);
    if (keyEnd === -1) return [text, ''];
  }
  const key = unquote(text.slice(0, keyEnd));
  const rest = text.slice(keyEnd).replace(/^:?\s*/, '');
  return [key, unquote(rest)];
}

/**
 * yarn.lock v1: a line format, not YAML (https://classic.yarnpkg.com/lang/en/docs/yarn-lock/).
 * Top-level `"a@^1", a@~1.2:` headers, two-space fields, four-space dependency lines.
 */
function readYarnV1(text: string, budget: EntryBudget): RawEntry[] {
  const entries: RawEntry[] = [];
  let current: RawEntry | null = null;
  let inDeps = false;
  for (const raw of text.split('\n')) {
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      inDeps = false;
      current = null;
      if (!budget.take()) continue;
      const header = line.trimEnd().replace(/:$/, '');
      current = {
        descriptors: header
          .split(/,\s*/)
          .map(unquote)
          .filter((d) => d !== ''),
        fields: new Map(),
        deps: new Map(),
      };
      entries.push(current);
    } else if (current && indent <= 2) {
      const kv = splitKeyValue(line);
      if (!kv) continue;
      inDeps = kv[1] === '' && (kv[0] === 'dependencies' || kv[0] === 'optionalDependencies');
      if (kv[1] !== '') current.fields.set(kv[0], kv[1]);
    } else if (current && inDeps) {
      const kv = splitKeyValue(line);
      if (kv) current.deps.set(kv[0], kv[1]);
    }
  }
  return entries;
}

/** Yarn berry (v2+) lockfiles are YAML with a `__metadata` entry and `resolution` fields. */
function readYarnBerry(doc: Record<string, unknown>, budget: EntryBudget): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const [header, value] of Object.entries(doc)) {
    if (header === '__metadata' || !isRecord(value) || !budget.take()) continue;
    const fields = new Map<string, string>();
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields.set(k, v);
    const deps = new Map<string, string>();
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [k, v] of Object.entries(asRecord(value[field]))) if (typeof v === 'string') deps.set(k, v);
    }
    entries.push({ descriptors: header.split(/,\s*/).map((d) => d.trim()), fields, deps });
  }
  return entries;
}

function entryName(entry: RawEntry, berry: boolean): string | null {
  const first = entry.descriptors[0];
  if (first === undefined) return null;
  const descriptor = splitNameAt(first);
  if (berry) {
    const resolution = entry.fields.get('resolution');
    const resolved = resolution ? splitNameAt(resolution) : null;
    return resolved?.name ?? descriptor?.name ?? null;
  }
  const alias = descriptor ? parseNpmAlias(descriptor.spec) : null;
  if (alias) return alias.name;
  const resolved = entry.fields.get('resolved');
  const fromUrl = resolved ? nameFromRegistryUrl(resolved) : null;
  return fromUrl ?? entry.fields.get('name') ?? descriptor?.name ?? null;
}

/**
 * yarn.lock, classic (v1) and berry. Package names come from the registry tarball URL when there
 * is one (the package that was actually fetched, e.g. a fork published under a scope), as Syft does.
 * Berry workspace entries (`@workspace:`) are the project itself and are skipped.
 */
export function parseYarnLockFile(path: string, content: Buffer, maxEntries = MAX_ENTRIES): LockParse | { reason: string } {
  const text = decodeText(content);
  const berry = /^__metadata:/m.test(text);
  let entries: RawEntry[];
  const budget = new EntryBudget(maxEntries, 'lockfile entries');
  if (berry) {
    const parsed = parseYaml(content);
    if (!parsed.ok) return { reason: parsed.reason };
    if (!isRecord(parsed.value)) return { reason: 'yarn.lock is not a mapping' };
    entries = readYarnBerry(parsed.value, budget);
  } else {
    entries = readYarnV1(text, budget);
    if (entries.length > 0 && entries.every((e) => !e.fields.has('version'))) return { reason: 'not a yarn.lock: no entry has a version' };
  }
  const packages: CatalogedPackage[] = [];
  const descriptors = new Map<string, string>();
  const byKey = new Map<string, CatalogedPackage>();
  const depsOf = new Map<string, Map<string, string>>();
  for (const entry of entries) {
    const version = nonEmpty(entry.fields.get('version'));
    const name = entryName(entry, berry);
    if (version === null || name === null) continue;
    if (berry && (entry.fields.get('resolution') ?? '').includes('@workspace:')) continue;
    const key = `${name}@${version}`;
    let pkg = byKey.get(key);
    if (!pkg) {
      pkg = languagePackage({
        ref: `${path}#${key}`,
        name,
        version,
        type: 'npm',
        purl: npmPurl(name, version),
        evidence: 'declared',
        source: 'yarn.lock',
        fields: {
          resolved: entry.fields.get('resolved') ?? entry.fields.get('resolution'),
          integrity: entry.fields.get('integrity') ?? entry.fields.get('checksum'),
        },
        paths: [path],
      });
      byKey.set(key, pkg);
      packages.push(pkg);
      depsOf.set(pkg.ref, new Map());
    }
    for (const descriptor of entry.descriptors) descriptors.set(descriptor, pkg.ref);
    const deps = depsOf.get(pkg.ref)!;
    for (const [dep, range] of entry.deps) deps.set(dep, range);
  }
  const relationships: CatalogedRelationship[] = [];
  for (const [fromRef, deps] of depsOf) {
    for (const [dep, range] of deps) {
      const toRef = lookupDescriptor(descriptors, dep, range);
      if (toRef !== null && toRef !== fromRef) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  }
  return { packages, relationships, descriptors, unknowns: budget.unknowns(path) };
}

/** Find the entry for a `name` + `range` pair; berry adds the default `npm:` protocol to bare ranges. */
export function lookupDescriptor(descriptors: ReadonlyMap<string, string>, name: string, range: string): string | null {
  return descriptors.get(`${name}@${range}`) ?? descriptors.get(`${name}@npm:${range}`) ?? null;
}

export function parseYarnLock(path: string, content: Buffer): CatalogOutput {
  const result = parseYarnLockFile(path, content);
  if ('reason' in result) return unknownOutput(path, result.reason);
  return output(result.packages, result.relationships, result.unknowns);
}
