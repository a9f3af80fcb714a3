/**
 * Where tests find data they do not carry themselves: the peer suites and feeds in `../shared`
 * beside the repository (see its READMEs), and the built fixture images.
 *
 * Required mode: with SEKISHO_REQUIRE_FIXTURES=1 (set by CI) every piece of test data is
 * required, so a missing folder or file throws while the test file is collected and the suite
 * fails. Without it the lookups return null and the suites that need the data skip, so the core
 * suite passes on a machine without `../shared`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `1` makes every piece of test data required (missing data fails, never skips). */
export const REQUIRE_TEST_DATA_VARIABLE = 'SEKISHO_REQUIRE_FIXTURES';
/** Overrides the location of `../shared` (the peer suites and feeds). */
export const SHARED_DIR_VARIABLE = 'SEKISHO_SHARED_DIR';

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

/** True when SEKISHO_REQUIRE_FIXTURES=1: missing test data is an error, not a skip. */
export function testDataRequired(): boolean {
  return process.env[REQUIRE_TEST_DATA_VARIABLE] === '1';
}

/** The shared data folder: $SEKISHO_SHARED_DIR, else `../shared` beside the repository. */
export function sharedRoot(): string {
  const override = process.env[SHARED_DIR_VARIABLE];
  return override !== undefined && override !== '' ? resolve(override) : resolve(repoRoot(), '..', 'shared');
}

/** The error thrown, in required mode, for test data that is absent. */
export class MissingTestDataError extends Error {
  override readonly name = 'MissingTestDataError';
}

/**
 * `path` when it exists as the given kind; otherwise null, or in required mode a
 * MissingTestDataError that names the path and how to provide it.
 */
export function requiredTestData(path: string, kind: 'folder' | 'file' | 'path', howToProvide: string): string | null {
  if (existsSync(path)) {
    const stat = statSync(path);
    if (kind === 'path' || (kind === 'folder' ? stat.isDirectory() : stat.isFile())) return path;
  }
  if (testDataRequired()) {
    throw new MissingTestDataError(`required test data is missing: ${kind} ${path} (${REQUIRE_TEST_DATA_VARIABLE}=1 makes it an error, not a skip; ${howToProvide})`);
  }
  return null;
}

const SHARED_HINT = `point ${SHARED_DIR_VARIABLE} at the shared data folder, or unset ${REQUIRE_TEST_DATA_VARIABLE} to skip`;

/** A folder under the shared data folder, or null when absent (an error in required mode). */
export function sharedDir(...parts: string[]): string | null {
  return requiredTestData(resolve(sharedRoot(), ...parts), 'folder', SHARED_HINT);
}

/** A file under the shared data folder, or null when absent (an error in required mode). */
export function sharedFile(...parts: string[]): string | null {
  return requiredTestData(resolve(sharedRoot(), ...parts), 'file', SHARED_HINT);
}

/**
 * Tools that .ci/run installs (docker-registry, skopeo, htpasswd, clamd): `found` when present;
 * when absent, false (suites skip), or in required mode a MissingTestDataError, because CI is
 * supposed to have them and their suites must run there.
 */
export function requiredTool(found: boolean, name: string, howToInstall: string): boolean {
  if (found || !testDataRequired()) return found;
  throw new MissingTestDataError(`required tool is missing: ${name} (${REQUIRE_TEST_DATA_VARIABLE}=1 makes it an error, not a skip; ${howToInstall})`);
}
