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

/** Compile a selector into a predicate: sets for exact rules, one regex per glob. */
export function compileSelector(selector: FileSelector): PathMatcher {
  const paths = new Set(selector.paths ?? []);
  const basenames = new Set(selector.basenames ?? []);
  const suffixes = [...(selector.suffixes ?? [])];
  const globs = (selector.globs ?? []).map((glob) => picomatch(glob, { dot: true }));
  return (path) => {
    if (paths.has(path)) return true;
    const slash = path.lastIndexOf('/');
    if (basenames.size > 0 && basenames.has(path.slice(slash + 1))) return true;
    for (const suffix of suffixes) if (path.endsWith(suffix)) return true;
    for (const glob of globs) if (glob(path)) return true;
    return false;
  };
}
