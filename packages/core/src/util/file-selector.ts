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
  readonly test: (path: string) => boolean;
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
  return { base: base.startsWith('/') || base === '' ? base : `/${base}`.replace(/^\/\*\*$/, ''), namePrefix, nameSuffix, test: picomatch(glob, { dot: true }) };
}

/** Compile a selector into a predicate: sets for exact rules, pre-checked regexes for globs. */
export function compileSelector(selector: FileSelector): PathMatcher {
  const paths = new Set(selector.paths ?? []);
  const basenames = new Set(selector.basenames ?? []);
  const suffixes = [...(selector.suffixes ?? [])];
  const globs = (selector.globs ?? []).map(compileGlob);
  return (path) => {
    if (paths.has(path)) return true;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (basenames.has(name)) return true;
    for (const suffix of suffixes) if (path.endsWith(suffix)) return true;
    for (const glob of globs) {
      if (glob.base !== '' && !path.startsWith(glob.base)) continue;
      if (!name.startsWith(glob.namePrefix) || !name.endsWith(glob.nameSuffix)) continue;
      if (glob.test(path)) return true;
    }
    return false;
  };
}
