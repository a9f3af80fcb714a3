import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MissingTestDataError, REQUIRE_TEST_DATA_VARIABLE, SHARED_DIR_VARIABLE, sharedDir, sharedFile, sharedRoot } from './shared-data.js';

describe('shared test data lookups', () => {
  let dir: string;
  const saved = { require: process.env[REQUIRE_TEST_DATA_VARIABLE], shared: process.env[SHARED_DIR_VARIABLE] };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sekisho-shared-'));
    mkdirSync(join(dir, 'conformance', 'suite'), { recursive: true });
    writeFileSync(join(dir, 'conformance', 'suite', 'index.json'), '{}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const [name, value] of [
      [REQUIRE_TEST_DATA_VARIABLE, saved.require],
      [SHARED_DIR_VARIABLE, saved.shared],
    ] as const) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  });

  it('finds folders and files under SEKISHO_SHARED_DIR', () => {
    process.env[SHARED_DIR_VARIABLE] = dir;
    expect(sharedRoot()).toBe(dir);
    expect(sharedDir('conformance', 'suite')).toBe(join(dir, 'conformance', 'suite'));
    expect(sharedFile('conformance', 'suite', 'index.json')).toBe(join(dir, 'conformance', 'suite', 'index.json'));
  });

  it('returns null for absent data, and for a file where a folder is asked (or the reverse)', () => {
    process.env[SHARED_DIR_VARIABLE] = dir;
    Reflect.deleteProperty(process.env, REQUIRE_TEST_DATA_VARIABLE);
    expect(sharedDir('conformance', 'absent')).toBeNull();
    expect(sharedFile('conformance', 'suite')).toBeNull();
    expect(sharedDir('conformance', 'suite', 'index.json')).toBeNull();
  });

  it('throws for absent data when SEKISHO_REQUIRE_FIXTURES=1', () => {
    process.env[SHARED_DIR_VARIABLE] = join(dir, 'nonexistent');
    process.env[REQUIRE_TEST_DATA_VARIABLE] = '1';
    expect(() => sharedDir('conformance')).toThrow(MissingTestDataError);
    expect(() => sharedFile('conformance', 'suite', 'index.json')).toThrow(/required test data is missing: file .*index\.json/);
  });
});
