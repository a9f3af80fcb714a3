import picomatch from 'picomatch';

/**
 * Paths the user chose not to scan (`--skip-dirs`, `--skip-files`, a repository's `.gitignore`).
 * The directory walker asks `test` before it reads an entry: a skipped file is never opened and a
 * skipped directory is never listed. What was skipped is recorded (`skippedPaths`) so the report
 * can say so: a user's choice, not an unknown (the report stays complete).
 */
export interface PathSkip {
  /** `path` is the image path (`/src/app.js`, relative to the scanned root, with a leading slash). */
  test(path: string, isDir: boolean): boolean;
  /** The patterns as the user wrote them, for the report. */
  readonly patterns: readonly string[];
  /** Filled by the walk: every path skipped (a directory counts once, its contents are not listed). */
  readonly skippedPaths: string[];
}

export interface SkipGlobs {
  /** Directory globs: `node_modules`, `**\/testdata`, `./vendor`. */
  readonly dirs?: readonly string[];
  /** File globs: `*.min.js`, `docs/**\/*.md`, `./secrets.env`. */
  readonly files?: readonly string[];
}

/** `./x` and `/x` are rooted; a bare name (no slash) matches at any depth, as in Trivy. */
function normalise(glob: string): string {
  let g = glob.trim().replace(/\/+$/, '');
  if (g.startsWith('./')) g = g.slice(2);
  else if (g.startsWith('/')) g = g.slice(1);
  else if (!g.includes('/')) g = `**/${g}`;
  return g;
}

/** A PathSkip from Trivy-style `--skip-dirs` / `--skip-files` globs; null when there are none. */
export function skipGlobs(globs: SkipGlobs): PathSkip | null {
  const dirs = (globs.dirs ?? []).filter((g) => g.trim() !== '');
  const files = (globs.files ?? []).filter((g) => g.trim() !== '');
  if (dirs.length === 0 && files.length === 0) return null;
  const dirMatch = dirs.length === 0 ? null : picomatch(dirs.map(normalise), { dot: true });
  const fileMatch = files.length === 0 ? null : picomatch(files.map(normalise), { dot: true });
  return combineSkips([
    {
      test: (path, isDir) => {
        const rel = path.replace(/^\/+/, '');
        return isDir ? dirMatch?.(rel) === true : fileMatch?.(rel) === true;
      },
      patterns: [...dirs.map((d) => `dir:${d}`), ...files.map((f) => `file:${f}`)],
      skippedPaths: [],
    },
  ]);
}

/** One PathSkip that skips what any of `skips` skips. */
export function combineSkips(skips: readonly (PathSkip | null)[]): PathSkip | null {
  const list = skips.filter((s): s is PathSkip => s !== null);
  if (list.length === 0) return null;
  return {
    test: (path, isDir) => list.some((s) => s.test(path, isDir)),
    patterns: list.flatMap((s) => s.patterns),
    skippedPaths: [],
  };
}
