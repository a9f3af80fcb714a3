/**
 * The environment every test runs in (wired by vitest.config.ts): cache folders point into a
 * temporary folder made for the run, so a cache or advisory database on the machine running the
 * tests (`~/.cache/sekisho`, `$XDG_CACHE_HOME`, `$SEKISHO_CACHE_DIR`, `$SEKISHO_DB`) can never
 * change a result. Only test tooling imports this module.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temporary root (vitest-global-setup.ts). */
    sekishoTestRoot: string;
  }
}

/** The variable that carries the run's temporary root from the global setup to every worker. */
export const TEST_ROOT_VARIABLE = 'SEKISHO_TEST_ROOT';

/** Variables from the machine that would select a cache or database; cleared for tests. */
export const CLEARED_VARIABLES = ['SEKISHO_DB'] as const;

/**
 * Points the cache variables at fresh folders under `root` (one per test file, so files running
 * in parallel never see each other's caches) and clears the variables in CLEARED_VARIABLES.
 * Returns the folder made for this caller.
 */
export function isolateCacheEnvironment(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(root, 'file-'));
  const xdg = join(dir, 'xdg-cache');
  const sekisho = join(dir, 'sekisho-cache');
  mkdirSync(xdg);
  mkdirSync(sekisho);
  env['XDG_CACHE_HOME'] = xdg;
  env['SEKISHO_CACHE_DIR'] = sekisho;
  // a scan without a database downloads one (db update); in tests that goes to a closed local port
  // (discard, 9): it fails at once and never reaches the network. Tests of the download set their own server.
  env['SEKISHO_DB_MIRROR'] = 'http://127.0.0.1:9/';
  for (const name of CLEARED_VARIABLES) delete env[name];
  return dir;
}
