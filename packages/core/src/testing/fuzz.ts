/**
 * Shared settings for the fuzz tests (`*.fuzz.test.ts`, fast-check). The normal test run does a
 * bounded number of runs per property; `npm run fuzz` sets SEKISHO_FUZZ_RUNS for a longer one.
 * SEKISHO_FUZZ_SEED replays a failure that fast-check reported (with its `path`, via
 * SEKISHO_FUZZ_PATH). Inputs that once broke a parser are kept in `__fixtures__/fuzz-corpus/`
 * beside the test and replayed by it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameters } from 'fast-check';
import { SekishoError } from '../errors.js';

/** Runs per property: SEKISHO_FUZZ_RUNS when set (the long run), else `normal`. */
export function fuzzRuns(normal: number): number {
  const text = process.env['SEKISHO_FUZZ_RUNS'];
  if (text === undefined || text === '') return normal;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`SEKISHO_FUZZ_RUNS must be a positive integer, not ${JSON.stringify(text)}`);
  return n;
}

/** fast-check parameters for one property: runs, and the seed/path to replay when given. */
export function fuzzParameters<T>(normal: number): Parameters<T> {
  const seed = process.env['SEKISHO_FUZZ_SEED'];
  const path = process.env['SEKISHO_FUZZ_PATH'];
  return {
    numRuns: fuzzRuns(normal),
    ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
  };
}

export interface CorpusCase {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * The kept inputs in `dir`: `*.hex` (hexadecimal, whitespace and `#` comment lines ignored) and
 * `*.b64` (base64) files, sorted by name.
 */
export function readFuzzCorpus(dir: string): CorpusCase[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.hex') || name.endsWith('.b64'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('#'))
        .join('');
      const bytes = name.endsWith('.hex') ? Buffer.from(text.replace(/\s+/g, ''), 'hex') : Buffer.from(text.replace(/\s+/g, ''), 'base64');
      return { name, bytes };
    });
}

/**
 * The outcome a hostile input may have: `null` for success, the SekishoError code when one was
 * thrown with a code of an allowed family; any other exception is re-thrown, failing the property.
 */
export async function outcome(run: () => unknown, families: readonly string[]): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof SekishoError && families.some((family) => error.code.startsWith(family))) return error.code;
    throw error;
  }
}
