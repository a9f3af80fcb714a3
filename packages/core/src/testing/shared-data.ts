import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The repository root: the nearest folder above `from` that holds tsconfig.base.json. */
export function repoRoot(from: string = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'tsconfig.base.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * `../shared` beside the repository (peer test suites and feeds), or `$SEKISHO_SHARED_DIR` when set
 * (a git worktree checked out elsewhere), or null when absent.
 */
export function sharedDir(...parts: string[]): string | null {
  const dir = resolve(process.env['SEKISHO_SHARED_DIR'] ?? resolve(repoRoot(), '..', 'shared'), ...parts);
  return existsSync(dir) ? dir : null;
}
