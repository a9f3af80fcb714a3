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
  readonly test: (path: string) => boolean;
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

/** `/{a,b}/rest` → `/a/rest`, `/b/rest`: a leading brace group otherwise hides the static prefix. */
function expandLeadingBraces(glob: string): string[] {
  const match = /^\/\{([^{}]+)\}(\/.*)?$/.exec(glob);
  if (!match?.[1]) return [glob];
  return match[1].split(',').map((alt) => `/${alt}${match[2] ?? ''}`);
}

/**
 * Plugins dispatched by path: exact paths and base names by map lookup, suffixes and globs by a
 * short scan. The walker asks this once per tar entry for all plugins together.
 */
export class SelectorIndex<T> {
  readonly #byPath = new Map<string, T[]>();
  readonly #byName = new Map<string, T[]>();
  /** Suffixes by their last character: a path is checked only against those ending as it does. */
  readonly #suffixes = new Map<string, { suffix: string; plugin: T }[]>();
  /** Globs by the first segment of their static prefix (`usr` for `/usr/bin/**`); a path is checked only against those of its own first segment and the globs below. */
  readonly #globsByTop = new Map<string, { glob: CompiledGlob; plugin: T }[]>();
  /**
   * Globs with no static prefix (`python[0-9]*` in any directory), by the first character of the
   * literal start of their base name, else by the last of its literal end; a name is checked only
   * against those it can fit, and `#globsAnyName`. The binary classifiers alone have dozens, and
   * every entry of every layer was checked against each (select of 200,000 node_modules paths:
   * 171-181 → 119-120 ms).
   */
  readonly #anywhereByFirst = new Map<string, { glob: CompiledGlob; plugin: T }[]>();
  readonly #anywhereByLast = new Map<string, { glob: CompiledGlob; plugin: T }[]>();
  readonly #globsAnyName: { glob: CompiledGlob; plugin: T }[] = [];

  constructor(entries: readonly { readonly selector: FileSelector; readonly plugin: T }[]) {
    const add = (map: Map<string, T[]>, key: string, plugin: T): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [plugin]);
      else if (!list.includes(plugin)) list.push(plugin);
    };
    for (const { selector, plugin } of entries) {
      for (const path of selector.paths ?? []) add(this.#byPath, path, plugin);
      for (const name of selector.basenames ?? []) add(this.#byName, name, plugin);
      for (const suffix of selector.suffixes ?? []) {
        if (suffix === '') throw new Error('a file selector suffix must not be empty');
        addTo(this.#suffixes, suffix.slice(-1), { suffix, plugin });
      }
      for (const glob of selector.globs ?? []) {
        const name = anywhereName(glob);
        if (name !== null) add(this.#byName, name, plugin);
        else {
          for (const expanded of expandLeadingBraces(glob)) {
            const compiled = compileGlob(expanded);
            const top = topSegment(compiled.base);
            const entry = { glob: compiled, plugin };
            if (top !== '') addTo(this.#globsByTop, top, entry);
            else if (compiled.namePrefix !== '') addTo(this.#anywhereByFirst, compiled.namePrefix.slice(0, 1), entry);
            else if (compiled.nameSuffix !== '') addTo(this.#anywhereByLast, compiled.nameSuffix.slice(-1), entry);
            else this.#globsAnyName.push(entry);
          }
        }
      }
    }
  }

  /** Plugins selecting `path`, in no particular order, each once. */
  select(path: string): T[] {
    const name = path.slice(path.lastIndexOf('/') + 1);
    let out: T[] | null = null;
    const push = (plugin: T): void => {
      if (out === null) out = [plugin];
      else if (!out.includes(plugin)) out.push(plugin);
    };
    for (const plugin of this.#byPath.get(path) ?? []) push(plugin);
    for (const plugin of this.#byName.get(name) ?? []) push(plugin);
    for (const { suffix, plugin } of this.#suffixes.get(path.slice(-1)) ?? []) if (path.endsWith(suffix)) push(plugin);
    for (const globs of [this.#globsByTop.get(topSegment(path)), this.#anywhereByFirst.get(name.slice(0, 1)), this.#anywhereByLast.get(name.slice(-1)), this.#globsAnyName]) {
      for (const { glob, plugin } of globs ?? []) {
        if (!mayMatch(glob, path, name)) continue;
        if (out !== null && (out as T[]).includes(plugin)) continue;
        if (glob.test(path)) push(plugin);
      }
    }
    return out ?? [];
  }
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
  const globs = (selector.globs ?? []).flatMap(expandLeadingBraces).map(compileGlob);
  return (path) => {
    if (paths.has(path)) return true;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (basenames.has(name)) return true;
    for (const suffix of suffixes) if (path.endsWith(suffix)) return true;
    for (const glob of globs) if (mayMatch(glob, path, name) && glob.test(path)) return true;
    return false;
  };
}

/** `usr` of `/usr/bin/x`; '' for `/`, '' and relative paths. */
function topSegment(path: string): string {
  if (!path.startsWith('/')) return '';
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

/** The literal checks a match must pass, cheaper than the glob's regex: most paths fail one. */
function mayMatch(glob: CompiledGlob, path: string, name: string): boolean {
  if (glob.base !== '' && !path.startsWith(glob.base)) return false;
  if (glob.noDotInName && name.includes('.')) return false;
  if (!name.startsWith(glob.namePrefix) || !name.endsWith(glob.nameSuffix)) return false;
  for (const segment of glob.segments) {
    if (!path.includes(segment.inner) && (segment.last === null || !path.endsWith(segment.last))) return false;
  }
  return true;
}
