/**
 * Scores parseRpmDb against syft's expectations for its rpmdb fixtures
 * (../shared/conformance/syft: expected.json, see its README). Skipped when that folder is absent;
 * an error when SEKISHO_REQUIRE_FIXTURES=1.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../testing/shared-data.js';
import { detectRpmDbFormat, parseRpmDb, RPM_DB_PATHS } from './rpm-db.js';

const expectedFile = sharedFile('conformance', 'syft', 'expected.json');
const syftDir = path.dirname(expectedFile ?? '.');
/** The empty ndb placeholder of syft's Test_corruptRpmDbEntry. */
const EMPTY_NDB = 'syft/pkg/cataloger/redhat/testdata/glob-paths/usr/lib/sysimage/rpm/Packages.db';

interface ExpectedPackage {
  name: string;
  version: string;
  type: string;
}
interface Expectation {
  cataloger?: string;
  packages?: ExpectedPackage[];
  cases?: Array<{ type: string; packages: ExpectedPackage[]; duplicates?: number }>;
  notes?: string;
}

const DB_NAMES = new Set(RPM_DB_PATHS.map((p) => p.slice(p.lastIndexOf('/') + 1)));

function findRpmDbs(root: string): string[] {
  if (!statSync(root).isDirectory()) return DB_NAMES.has(path.basename(root)) ? [root] : [];
  const found: string[] = [];
  for (const rel of RPM_DB_PATHS) {
    // Directory scans look for the known locations below any sub-folder of the fixture.
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop() ?? root;
      const candidate = path.join(dir, rel);
      if (existsSync(candidate) && statSync(candidate).isFile()) found.push(candidate);
      for (const child of readdirSync(dir, { withFileTypes: true })) {
        if (child.isDirectory() && !child.isSymbolicLink()) stack.push(path.join(dir, child.name));
      }
    }
  }
  return [...new Set(found)].sort();
}

describe.skipIf(expectedFile === null)('rpmdb conformance with syft fixtures', () => {
  const fixtures = expectedFile === null ? {} : (JSON.parse(readFileSync(expectedFile, 'utf8')) as { fixtures: Record<string, Expectation[]> }).fixtures;
  const cases: Array<{ fixture: string; expected: string[] }> = [];
  for (const [fixture, expectations] of Object.entries(fixtures)) {
    for (const e of expectations) {
      const fromCases = e.cases?.filter((c) => c.type === 'rpm') ?? [];
      const isRpmDb = e.cataloger?.includes('rpm-db-cataloger') === true && e.packages !== undefined;
      if (fromCases.length === 0 && !isRpmDb) continue;
      const pkgs = [...fromCases.flatMap((c) => c.packages), ...(isRpmDb ? (e.packages ?? []) : [])];
      cases.push({ fixture, expected: pkgs.filter((p) => p.type === 'rpm').map((p) => `${p.name}@${p.version}`) });
    }
  }

  it('finds every rpm package syft expects from real rpmdb files, and nothing more', () => {
    let agreed = 0;
    let expectedTotal = 0;
    let extra = 0;
    let dbFiles = 0;
    const mismatches: string[] = [];
    for (const { fixture, expected } of cases) {
      const root = path.join(syftDir, fixture);
      expect(existsSync(root), `${fixture} is named in expected.json`).toBe(true);
      const dbs = findRpmDbs(root);
      // Manifest-only fixtures (CBL-Mariner container-manifest-2) belong to another parser.
      if (dbs.length === 0) continue;
      const got = new Set<string>();
      for (const db of dbs) {
        dbFiles++;
        const bytes = new Uint8Array(readFileSync(db));
        const format = detectRpmDbFormat(db, bytes);
        expect(format, db).not.toBeNull();
        const result = parseRpmDb(bytes, format ?? 'bdb');
        // syft's fixtures hold placeholders ("bogus", empty): those must be reported, not crash.
        if (result.entries.length === 0) expect(result.errors.length, db).toBeGreaterThan(0);
        for (const e of result.entries) {
          const version = `${e.epoch === null ? '' : `${e.epoch}:`}${e.version}-${e.release}`;
          got.add(`${e.name}@${version}`);
        }
      }
      expectedTotal += expected.length;
      for (const p of expected) {
        if (got.has(p)) agreed++;
        else mismatches.push(`${fixture}: missing ${p}`);
      }
      for (const p of got) {
        if (!expected.includes(p)) {
          extra++;
          mismatches.push(`${fixture}: extra ${p}`);
        }
      }
    }
    console.log(
      `rpmdb conformance: ${agreed}/${expectedTotal} expected packages found, ${extra} extra, ` +
        `${dbFiles} rpmdb files in ${cases.length} fixtures${mismatches.length > 0 ? `\n  ${mismatches.join('\n  ')}` : ''}`,
    );
    expect(expectedTotal).toBeGreaterThan(0);
    expect(dbFiles).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it('reports an error for the empty ndb placeholder, as syft does (Test_corruptRpmDbEntry)', () => {
    const file = path.join(syftDir, EMPTY_NDB);
    expect(existsSync(file), `${file} is part of the syft fixtures`).toBe(true);
    const result = parseRpmDb(new Uint8Array(readFileSync(file)), detectRpmDbFormat(file, new Uint8Array()) ?? 'ndb');
    expect(result.entries).toEqual([]);
    expect(result.errors.length).toBeGreaterThan(0);
  });
});
