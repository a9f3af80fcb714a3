import { BINARY_CONTROL, asArray, asRecord, decodeText, isRecord, nonEmpty, parseJson, parseToml } from '../lang-common/parse.js';
import { basename, dedupePackages, EntryBudget, guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogOutput, Cataloger, CatalogFile } from '../types.js';
import { normalizePythonName, pypiPurl, requirementName } from './python-names.js';

const MAX_ENTRIES = 100_000;

interface LockEntry {
  readonly name: string;
  readonly version: string;
  readonly deps: readonly string[];
  readonly fields?: Readonly<Record<string, string | null | undefined>>;
}

/** Packages of one lockfile; dependency names resolve against the same file (one version per name). */
function lockOutput(path: string, source: string, entries: readonly LockEntry[]): CatalogOutput {
  const packages: CatalogedPackage[] = [];
  const refByName = new Map<string, string>();
  const budget = new EntryBudget(MAX_ENTRIES, 'package(s)');
  const kept = entries.filter(() => budget.take());
  for (const entry of kept) {
    const name = normalizePythonName(entry.name);
    const ref = `${path}#${name}@${entry.version}`;
    if (!refByName.has(name)) refByName.set(name, ref);
    packages.push(
      languagePackage({
        ref,
        name,
        version: entry.version,
        type: 'pypi',
        purl: pypiPurl(name, entry.version),
        evidence: 'declared',
        source,
        fields: entry.fields ?? {},
        paths: [path],
      }),
    );
  }
  const relationships: CatalogedRelationship[] = [];
  kept.forEach((entry, i) => {
    const fromRef = packages[i]!.ref;
    for (const dep of new Set(entry.deps.map(normalizePythonName))) {
      const toRef = refByName.get(dep);
      if (toRef !== undefined) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  });
  const deduped = dedupePackages(packages, relationships);
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

function tomlPackages(path: string, content: Buffer, kind: string): readonly Record<string, unknown>[] | CatalogOutput {
  const parsed = parseToml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  const list = parsed.value['package'];
  if (!Array.isArray(list)) return unknownOutput(path, `${kind} has no [[package]] entries`);
  return list.filter(isRecord);
}

function named(entry: Record<string, unknown>): { name: string; version: string } | null {
  const name = nonEmpty(entry['name']);
  const version = nonEmpty(entry['version']);
  return name && version ? { name, version } : null;
}

/**
 * poetry.lock: `[[package]]` with a `[package.dependencies]` table
 * (https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock). An extra requested by
 * another locked package (`httpx = {version = "*", extras = ["http2"]}`) adds the members of that
 * `[package.extras]` group as dependencies.
 */
export function parsePoetryLock(path: string, content: Buffer): CatalogOutput {
  const list = tomlPackages(path, content, 'poetry.lock');
  if (!Array.isArray(list)) return list as CatalogOutput;
  const requested = new Map<string, Set<string>>();
  for (const p of list) {
    for (const [depName, spec] of Object.entries(asRecord(p['dependencies']))) {
      const specs = Array.isArray(spec) ? spec : [spec];
      const set = requested.get(normalizePythonName(depName)) ?? new Set<string>();
      for (const extra of specs.flatMap((s) => asArray(asRecord(s)['extras']))) if (typeof extra === 'string') set.add(extra);
      requested.set(normalizePythonName(depName), set);
    }
  }
  const entries = list.flatMap((p): LockEntry[] => {
    const id = named(p);
    if (!id) return [];
    const groups = asRecord(p['extras']);
    const extras = [...(requested.get(normalizePythonName(id.name)) ?? [])].flatMap((extra) => asArray(groups[extra]).flatMap((r) => (typeof r === 'string' ? (requirementName(r) ?? []) : [])));
    const source = asRecord(p['source']);
    return [{ ...id, deps: [...Object.keys(asRecord(p['dependencies'])), ...extras], fields: { category: nonEmpty(p['category']), sourceUrl: nonEmpty(source['url']) } }];
  });
  return lockOutput(path, 'poetry.lock', entries);
}

/**
 * uv.lock (and uv's `<script>.py.lock`): `[[package]]` with `dependencies = [{ name = ... }]`
 * (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile). An extra requested anywhere in
 * the lock (`{ name = "uvicorn", extra = ["standard"] }`) activates that package's
 * `[package.optional-dependencies]` group, so its members become dependencies of the package.
 */
export function parseUvLock(path: string, content: Buffer): CatalogOutput {
  const list = tomlPackages(path, content, 'uv.lock');
  if (!Array.isArray(list)) return list as CatalogOutput;
  const requested = new Map<string, Set<string>>();
  for (const p of list) {
    const groups = [asArray(p['dependencies']), ...Object.values(asRecord(p['optional-dependencies'])).map(asArray), ...Object.values(asRecord(p['dev-dependencies'])).map(asArray)];
    for (const dep of groups.flat()) {
      const depName = nonEmpty(asRecord(dep)['name']);
      if (depName === null) continue;
      const extras = asArray(asRecord(dep)['extra']).filter((e): e is string => typeof e === 'string');
      const set = requested.get(normalizePythonName(depName)) ?? new Set<string>();
      for (const extra of extras) set.add(extra);
      requested.set(normalizePythonName(depName), set);
    }
  }
  const entries = list.flatMap((p): LockEntry[] => {
    const id = named(p);
    if (!id) return [];
    const optional = asRecord(p['optional-dependencies']);
    const extras = [...(requested.get(normalizePythonName(id.name)) ?? [])].flatMap((extra) => asArray(optional[extra]));
    const deps = [...asArray(p['dependencies']), ...extras].flatMap((d) => nonEmpty(asRecord(d)['name']) ?? []);
    const source = asRecord(p['source']);
    return [{ ...id, deps, fields: { registry: nonEmpty(source['registry']), editable: nonEmpty(source['editable']) ?? nonEmpty(source['virtual']) } }];
  });
  return lockOutput(path, 'uv.lock', entries);
}

/** pdm.lock: `[[package]]` with PEP 508 strings in `dependencies` (https://pdm-project.org/latest/usage/lockfile/). */
export function parsePdmLock(path: string, content: Buffer): CatalogOutput {
  const list = tomlPackages(path, content, 'pdm.lock');
  if (!Array.isArray(list)) return list as CatalogOutput;
  const entries = list.flatMap((p): LockEntry[] => {
    const id = named(p);
    if (!id) return [];
    const deps = asArray(p['dependencies']).flatMap((d) => (typeof d === 'string' ? (requirementName(d) ?? []) : []));
    const groups = asArray(p['groups']).filter((g): g is string => typeof g === 'string');
    return [{ ...id, deps, fields: { groups: groups.join(',') } }];
  });
  return lockOutput(path, 'pdm.lock', entries);
}

/** Pipfile.lock: JSON with `default` and `develop` maps of `{ version: "==1.2.3" }` (https://pipenv.pypa.io/en/latest/pipfile.html). */
export function parsePipfileLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || (!isRecord(parsed.value['default']) && !isRecord(parsed.value['develop']))) {
    return unknownOutput(path, 'Pipfile.lock has no default or develop section');
  }
  const entries: LockEntry[] = [];
  for (const group of ['default', 'develop']) {
    for (const [name, value] of Object.entries(asRecord(parsed.value[group]))) {
      const pin = nonEmpty(asRecord(value)['version']);
      if (pin === null || !pin.startsWith('==')) continue;
      entries.push({ name, version: pin.replace(/^===?/, '').trim(), deps: [], fields: { group, index: nonEmpty(asRecord(value)['index']) } });
    }
  }
  return lockOutput(path, 'Pipfile.lock', entries);
}

/**
 * requirements files (https://pip.pypa.io/en/stable/reference/requirements-file-format/): exact pins
 * `name==1.2.3` (or `===`) and VCS requirements pinned to a ref carry a version; options, other URLs
 * and ranges are skipped.
 */
export function parseRequirements(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content).replace(/\\\r?\n/g, ' ');
  if (BINARY_CONTROL.test(text)) return unknownOutput(path, 'requirements file is binary');
  const entries: LockEntry[] = [];
  // Every pin is collected (bounded by the file size): lockOutput names those past the limit.
  for (const raw of text.split('\n')) {
    const line = raw
      .slice(0, 4096)
      .replace(/(^|\s)#.*$/, '')
      .trim();
    const pinnedVcs = vcsRequirement(line);
    if (pinnedVcs !== null) {
      entries.push({ ...pinnedVcs, deps: [] });
      continue;
    }
    if (line === '' || line.startsWith('-')) continue;
    // Whitespace is not significant in a pin; dropping it keeps the pattern free of adjacent `\s*`.
    const requirement = line
      .split(';', 1)[0]!
      .split(/\s--?[a-z]/, 1)[0]!
      .replace(/\s+/g, '');
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?===?([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/.exec(requirement);
    if (!match) continue;
    entries.push({ name: match[1]!, version: match[2]!, deps: [] });
  }
  return lockOutput(path, 'requirements.txt', entries);
}

/**
 * setup.py is Python source and is never run. As Syft reads it, only string literals that hold an
 * exact pin are taken, line by line: `"mypy==v0.770"`, `'pathlib3==2.2.0;python_version<"3.6"'`,
 * `" mypy2 == v0.770"`. Ranges, variables and computed requirements name no version and are skipped.
 */
export function parseSetupPy(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content);
  if (BINARY_CONTROL.test(text)) return unknownOutput(path, 'setup.py is binary');
  const entries: LockEntry[] = [];
  for (const line of text.split('\n')) {
    for (const match of line.matchAll(/['"]\W?(\w+\W?==\W?[\w.]*)/g)) {
      const parts = (match[1] ?? '').split('==');
      if (parts.length !== 2) continue;
      const name = (parts[0] ?? '').replace(/^['"\s]+|['"\s]+$/g, '');
      const version = (parts[1] ?? '').replace(/^['"\s]+/, '');
      // A template (`f'{name}==1.0'`, `'%s==1.0'`) names no package.
      if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && version !== '') entries.push({ name, version, deps: [] });
    }
  }
  return lockOutput(path, 'setup.py', entries);
}

/**
 * A VCS requirement pinned to a ref, as pip writes it: `[-e ]git+https://host/org/repo@REF#egg=NAME`
 * or PEP 508's `NAME @ git+https://host/org/repo@REF`. The ref (a tag such as `v0.770`) is the
 * version, as Syft reports it; an unpinned VCS URL names no version and is skipped. The URL itself
 * is not kept: it may carry credentials.
 */
function vcsRequirement(line: string): { name: string; version: string } | null {
  const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*@\s*((?:git|hg|svn|bzr)\+\S+)/.exec(line);
  const editable = /^(?:-e\s+|--editable[=\s]+)?((?:git|hg|svn|bzr)\+\S+)$/.exec(line);
  const url = direct?.[2] ?? editable?.[1];
  if (url === undefined) return null;
  const egg = /#(?:.*&)?egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url)?.[1];
  const name = direct?.[1] ?? egg;
  let pathname: string;
  try {
    pathname = new URL(url.replace(/^[a-z]+\+/, '').replace(/#.*$/, '')).pathname;
  } catch {
    return null;
  }
  const at = pathname.lastIndexOf('@');
  const ref = at === -1 ? '' : decodeURIComponent(pathname.slice(at + 1));
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/.test(ref)) return null;
  return { name, version: ref };
}

function parserFor(path: string): ((path: string, content: Buffer) => CatalogOutput) | null {
  const name = basename(path);
  if (name === 'poetry.lock') return parsePoetryLock;
  if (name === 'uv.lock' || name.endsWith('.py.lock')) return parseUvLock;
  if (name === 'pdm.lock') return parsePdmLock;
  if (name === 'Pipfile.lock') return parsePipfileLock;
  if (name.endsWith('.txt') && name.includes('requirements')) return parseRequirements;
  if (name === 'setup.py') return parseSetupPy;
  return null;
}

export const pythonPackageCataloger: Cataloger = {
  id: 'python-package-cataloger',
  version: 4,
  packageTypes: ['pypi'],
  selector: {
    basenames: ['poetry.lock', 'uv.lock', 'pdm.lock', 'Pipfile.lock', 'setup.py'],
    suffixes: ['.py.lock'],
    globs: ['/**/*requirements*.txt'],
  },
  maxFileSize: 32 * MiB,
  parse(file: CatalogFile) {
    const parser = parserFor(file.path);
    return parser ? guarded(file.path, () => parser(file.path, file.content)) : output([]);
  },
};
