import picomatch from 'picomatch';

/**
 * What files a plugin wants, declared as data so the walker can test every entry cheaply in one
 * pass. Paths are absolute inside the image root. A file is selected when any rule matches.
 */
export interface FileSelector {
  /** Exact paths, e.g. `/var/lib/dpkg/status`. */
  readonly paths?: readonly string[];
  /** Exact base names, e.g. `package.json`, `METADATA`. */
  readonly basenames?: readonly string[];
  /** Name suffixes, e.g. `.jar`, `.gemspec`. */
  readonly suffixes?: readonly string[];
  /** Glob patterns over the absolute path (picomatch syntax, dotfiles included), e.g. `/var/lib/dpkg/status.d/*`. */
  readonly globs?: readonly string[];
}

export type PathMatcher = (path: string) => boolean;

const GLOB_CHARS = /[*?[\]{}()!+@]/;

interface CompiledGlob {
  /** Static directory prefix every match starts with ('' when the glob starts with a wildcard). */
  readonly base: string;
  /** Literal start and end of the last path segment, when it has any: cheap rejects before the regex. */
  readonly namePrefix: string;
  readonly nameSuffix: string;
  /** The last segment is `!(*.*)`: names with a dot never match. */
  readonly noDotInName: boolean;
  // Literal whole segments past the static prefix that every match contains (`bin` in `/app/**/bin/**`).
  readonly segments: readonly RequiredSegment[];
  /** How many `/` every match has, when the glob fixes it (no `**`, no `/` inside a group); else -1. */
  readonly slashes: number;
  readonly test: (path: string) => boolean;
}

/**
 * The number of `/` in every path `glob` matches, or -1 when it varies: a glob without `**` and
 * without a `/` inside a `{…}`, `(…)` or `[…]` group matches exactly one path segment per
 * segment of its own (`/!(*.*)` only names in the root). Checked before the regex: that glob
 * otherwise ran on every name without a dot, at any depth.
 */
function fixedSlashes(glob: string): number {
  if (glob.includes('**')) return -1;
  let depth = 0;
  let slashes = 0;
  for (const char of glob) {
    if (char === '{' || char === '(' || char === '[') depth += 1;
    else if ((char === '}' || char === ')' || char === ']') && depth > 0) depth -= 1;
    else if (char === '/') {
      if (depth > 0) return -1;
      slashes += 1;
    }
  }
  return slashes;
}

/** Whether `path` holds exactly `count` slashes (found by a native search, stopping past the count). */
function hasSlashes(path: string, count: number): boolean {
  let at = -1;
  for (let seen = 0; seen <= count; seen += 1) {
    at = path.indexOf('/', at + 1);
    if (at === -1) return seen === count;
  }
  return false;
}

interface RequiredSegment {
  /** `/name/`: the segment with a segment after it. */
  readonly inner: string;
  /** `/name`: also accepted at the end of the path when only `**` follows it in the glob (`**` may match nothing). */
  readonly last: string | null;
}

/** Whole literal segments of `glob` after its first wildcard segment and before its last segment. */
function requiredSegments(glob: string): RequiredSegment[] {
  const parts = glob.split('/');
  const out: RequiredSegment[] = [];
  let wild = false;
  for (let i = 0; i < parts.length - 1; i += 1) {
    const part = parts[i] ?? '';
    if (GLOB_CHARS.test(part)) {
      wild = true;
      continue;
    }
    if (!wild || part === '') continue;
    const onlyGlobstarsAfter = parts.slice(i + 1).every((rest) => rest === '**');
    out.push({ inner: `/${part}/`, last: onlyGlobstarsAfter ? `/${part}` : null });
  }
  return out;
}

// `**/name` with a literal name: the same as the base name `name` (`/**/name` is not: it misses `/name`).
function anywhereName(glob: string): string | null {
  const match = /^\*\*\/([^/]+)$/.exec(glob);
  const name = match?.[1];
  return name === undefined || GLOB_CHARS.test(name) ? null : name;
}

/**
 * A glob with cheap literal pre-checks: the walker tests every tar entry against every plugin's
 * globs, and most entries fail on the static prefix or the base name's literal ends without
 * running the regex (the regexes dominated the scan profile before this).
 */
function compileGlob(glob: string): CompiledGlob {
  const scan = picomatch.scan(glob);
  const base = scan.isGlob ? scan.base : glob;
  const last = glob.slice(glob.lastIndexOf('/') + 1);
  let namePrefix = '';
  let nameSuffix = '';
  if (!/[{}()!+@]/.test(last)) {
    const first = last.search(GLOB_CHARS);
    namePrefix = first === -1 ? last : last.slice(0, first);
    let end = last.length;
    while (end > 0 && !GLOB_CHARS.test(last[end - 1] ?? '')) end -= 1;
    nameSuffix = first === -1 ? '' : last.slice(end);
  }
  return {
    base: base.startsWith('/') || base === '' ? base : `/${base}`.replace(/^\/\*\*$/, ''),
    namePrefix,
    nameSuffix,
    noDotInName: last === '!(*.*)',
    segments: requiredSegments(glob),
    slashes: fixedSlashes(glob),
    test: lazyMatcher(glob),
  };
}

/**
 * The glob's regex, compiled when a path first passes the literal checks: most of the catalogers'
 * 133 globs never see one in a given image, and compiling them all took 9-16 ms of every scan's
 * start.
 */
function lazyMatcher(glob: string): (path: string) => boolean {
  let matcher: ((path: string) => boolean) | null = null;
  return (path) => (matcher ??= picomatch(glob, { dot: true }))(path);
}

/**
 * Brace groups in a glob's static directory part, expanded: `/usr/{bin,sbin}/**` → `/usr/bin/**`,
 * `/usr/sbin/**`; `/usr/lib/go{,-*}/bin/**` → `/usr/lib/go/bin/**` and the same with `go-` and a
 * wildcard. A group hides the static prefix: both would be indexed under `/usr` or `/usr/lib`
 * and tested against every path there. Only a group of an absolute glob, before any other
 * wildcard, with a comma and nothing nested, is expanded: that is plain alternation, which matches
 * exactly what the alternatives match. Past MAX_EXPANDED globs, the glob stays as it is.
 */
function expandPrefixBraces(glob: string): string[] {
  const out: string[] = [];
  const expand = (pattern: string): void => {
    if (out.length > MAX_EXPANDED) return;
    const open = pattern.search(GLOB_CHARS);
    const close = open === -1 || pattern[open] !== '{' || !pattern.startsWith('/') ? -1 : pattern.indexOf('}', open);
    const body = close === -1 ? '' : pattern.slice(open + 1, close);
    if (close === -1 || body.includes('{') || !body.includes(',')) {
      out.push(pattern);
      return;
    }
    for (const alternative of body.split(',')) expand(`${pattern.slice(0, open)}${alternative}${pattern.slice(close + 1)}`);
  };
  expand(glob);
  return out.length > MAX_EXPANDED ? [glob] : out;
}

/** The most globs one selector glob is expanded into (expandPrefixBraces). */
const MAX_EXPANDED = 64;

interface IndexedGlob<T> {
  readonly glob: CompiledGlob;
  readonly plugin: T;
}

/** Globs by their static directory prefix, one node per path segment (`/usr/share/doc` → usr → share → doc). */
interface PrefixNode<T> {
  readonly globs: IndexedGlob<T>[];
  readonly children: Map<string, PrefixNode<T>>;
}

const newPrefixNode = <T>(): PrefixNode<T> => ({ globs: [], children: new Map() });

/** Up to the first three characters of a literal name start or end, as one number: a map key that allocates nothing. */
const KEY_CHARS = 3;

function charsKey(text: string, from: number, count: number): number {
  let key = count;
  for (let i = 0; i < count; i += 1) key = key * 65_536 + text.charCodeAt(from + i);
  return key;
}

/**
 * Plugins dispatched by path: exact paths and base names by map lookup, suffixes and globs by a
 * short scan. The walker asks this once per tar entry for all plugins together.
 *
 * Globs with a static prefix are found by walking the path's segments down a tree of prefixes, so
 * a path meets only the globs of the directories it is in; globs that may match in any directory
 * are keyed by the first (or else last) up to three characters of their name's literal start (or
 * end). Before, a path met every glob of its top directory and every glob whose name began with
 * its name's first character: 18.7 pre-checks per path on debian-node's 38,926 entries.
 */
export class SelectorIndex<T> {
  readonly #byPath = new Map<string, T[]>();
  readonly #byName = new Map<string, T[]>();
  /** Suffixes by their last character: a path is checked only against those ending as it does. */
  readonly #suffixes = new Map<string, { suffix: string; plugin: T }[]>();
  readonly #prefixes: PrefixNode<T> = newPrefixNode();
  /** Globs with no static prefix, by charsKey of their name's literal start, or else of its literal end. */
  readonly #anywhereByStart = new Map<number, IndexedGlob<T>[]>();
  readonly #anywhereByEnd = new Map<number, IndexedGlob<T>[]>();
  /** Lengths (1 to KEY_CHARS, ascending) under which globs are keyed in the two maps above. */
  readonly #startLengths: readonly number[];
  readonly #endLengths: readonly number[];
  readonly #globsAnyName: IndexedGlob<T>[] = [];

  constructor(entries: readonly { readonly selector: FileSelector; readonly plugin: T }[]) {
    const add = (map: Map<string, T[]>, key: string, plugin: T): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [plugin]);
      else if (!list.includes(plugin)) list.push(plugin);
    };
    const startLengths = new Set<number>();
    const endLengths = new Set<number>();
    for (const { selector, plugin } of entries) {
      for (const path of selector.paths ?? []) add(this.#byPath, path, plugin);
      for (const name of selector.basenames ?? []) add(this.#byName, name, plugin);
      for (const suffix of selector.suffixes ?? []) {
        if (suffix === '') throw new Error('a file selector suffix must not be empty');
        addTo(this.#suffixes, suffix.slice(-1), { suffix, plugin });
      }
      for (const glob of selector.globs ?? []) {
        const name = anywhereName(glob);
        if (name !== null) {
          add(this.#byName, name, plugin);
          continue;
        }
        for (const expanded of expandPrefixBraces(glob)) {
          const compiled = compileGlob(expanded);
          const entry = { glob: compiled, plugin };
          const segments = compiled.base.split('/').filter((segment) => segment !== '');
          if (compiled.base.startsWith('/') && segments.length > 0) {
            let node = this.#prefixes;
            for (const segment of segments) {
              let child = node.children.get(segment);
              if (child === undefined) node.children.set(segment, (child = newPrefixNode()));
              node = child;
            }
            node.globs.push(entry);
          } else if (compiled.namePrefix !== '') {
            const length = Math.min(KEY_CHARS, compiled.namePrefix.length);
            startLengths.add(length);
            addTo(this.#anywhereByStart, charsKey(compiled.namePrefix, 0, length), entry);
          } else if (compiled.nameSuffix !== '') {
            const length = Math.min(KEY_CHARS, compiled.nameSuffix.length);
            endLengths.add(length);
            addTo(this.#anywhereByEnd, charsKey(compiled.nameSuffix, compiled.nameSuffix.length - length, length), entry);
          } else this.#globsAnyName.push(entry);
        }
      }
    }
    this.#startLengths = [...startLengths].sort((a, b) => a - b);
    this.#endLengths = [...endLengths].sort((a, b) => a - b);
  }

  /** Plugins selecting `path`, in no particular order, each once (most paths: one shared empty list). */
  select(path: string): readonly T[] {
    const name = path.slice(path.lastIndexOf('/') + 1);
    let out: T[] | null = null;
    const exact = this.#byPath.get(path);
    if (exact !== undefined) out = pushAll(out, exact);
    const named = this.#byName.get(name);
    if (named !== undefined) out = pushAll(out, named);
    // Indexed loops: select runs for every entry, often in the interpreter, where iterating an
    // array allocates an iterator and a result per step.
    const suffixes = this.#suffixes.get(path.slice(-1));
    if (suffixes !== undefined) {
      for (let i = 0; i < suffixes.length; i += 1) {
        const { suffix, plugin } = suffixes[i] as { suffix: string; plugin: T };
        if (path.endsWith(suffix)) out = pushOne(out, plugin);
      }
    }
    if (path.charCodeAt(0) === SLASH) {
      // Down the prefix tree, one segment at a time, while a child names the next segment.
      let node: PrefixNode<T> | undefined = this.#prefixes;
      let start = 1;
      while (node !== undefined) {
        if (node.globs.length > 0) out = this.#matching(node.globs, path, name, out);
        if (start > path.length || node.children.size === 0) break;
        const end = path.indexOf('/', start);
        node = node.children.get(end === -1 ? path.slice(start) : path.slice(start, end));
        start = end === -1 ? path.length + 1 : end + 1;
      }
    }
    for (let i = 0; i < this.#startLengths.length; i += 1) {
      const length = this.#startLengths[i] as number;
      if (name.length < length) break;
      const globs = this.#anywhereByStart.get(charsKey(name, 0, length));
      if (globs !== undefined) out = this.#matching(globs, path, name, out);
    }
    for (let i = 0; i < this.#endLengths.length; i += 1) {
      const length = this.#endLengths[i] as number;
      if (name.length < length) break;
      const globs = this.#anywhereByEnd.get(charsKey(name, name.length - length, length));
      if (globs !== undefined) out = this.#matching(globs, path, name, out);
    }
    if (this.#globsAnyName.length > 0) out = this.#matching(this.#globsAnyName, path, name, out);
    return out ?? NONE_SELECTED;
  }

  #matching(globs: readonly IndexedGlob<T>[], path: string, name: string, found: T[] | null): T[] | null {
    let out = found;
    for (let i = 0; i < globs.length; i += 1) {
      const { glob, plugin } = globs[i] as IndexedGlob<T>;
      if (!mayMatch(glob, path, name)) continue;
      if (out !== null && out.includes(plugin)) continue;
      if (glob.test(path)) out = pushOne(out, plugin);
    }
    return out;
  }
}

const SLASH = 0x2f;
const NONE_SELECTED: readonly never[] = Object.freeze([]);

function pushOne<T>(out: T[] | null, plugin: T): T[] {
  if (out === null) return [plugin];
  if (!out.includes(plugin)) out.push(plugin);
  return out;
}

function pushAll<T>(out: T[] | null, plugins: readonly T[]): T[] | null {
  let result = out;
  for (let i = 0; i < plugins.length; i += 1) result = pushOne(result, plugins[i] as T);
  return result;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Compile a selector into a predicate: sets for exact rules, pre-checked regexes for globs. */
export function compileSelector(selector: FileSelector): PathMatcher {
  const paths = new Set(selector.paths ?? []);
  const basenames = new Set(selector.basenames ?? []);
  const suffixes = [...(selector.suffixes ?? [])];
  const globs = (selector.globs ?? []).flatMap(expandPrefixBraces).map(compileGlob);
  return (path) => {
    if (paths.has(path)) return true;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (basenames.has(name)) return true;
    for (const suffix of suffixes) if (path.endsWith(suffix)) return true;
    for (const glob of globs) if (mayMatch(glob, path, name) && glob.test(path)) return true;
    return false;
  };
}

/** The literal checks a match must pass, cheaper than the glob's regex: most paths fail one. */
function mayMatch(glob: CompiledGlob, path: string, name: string): boolean {
  if (glob.base !== '' && !path.startsWith(glob.base)) return false;
  if (glob.noDotInName && name.includes('.')) return false;
  if (!name.startsWith(glob.namePrefix) || !name.endsWith(glob.nameSuffix)) return false;
  if (glob.slashes !== -1 && !hasSlashes(path, glob.slashes)) return false;
  for (let i = 0; i < glob.segments.length; i += 1) {
    const segment = glob.segments[i] as RequiredSegment;
    if (!path.includes(segment.inner) && (segment.last === null || !path.endsWith(segment.last))) return false;
  }
  return true;
}
