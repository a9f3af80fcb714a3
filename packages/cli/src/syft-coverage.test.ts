import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { sharedDir } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';

/*
 * The installed command (bin/sekisho.js, the bundle `npm run build` writes) on Syft's whole-folder
 * integration fixture, as a user runs it: `sekisho sbom dir:… --format json`. Every package Syft's
 * directory scan expects, type by type, must be in the SBOM: this proves the catalogers reach the
 * shipped command (bundling, lazy chunks, registry), not only the unit harness.
 */
const MAIN = resolve(import.meta.dirname, '../bin/sekisho.js');
const built = existsSync(resolve(import.meta.dirname, '../dist/bundle/main.js'));
const syft = sharedDir('conformance', 'syft');
const FIXTURE = 'cmd/syft/internal/test/integration/testdata/image-pkg-coverage';

/** Syft type → Sekisho type, where they are spelled differently. */
const TYPES: Readonly<Record<string, string>> = {
  python: 'pypi',
  'php-composer': 'composer',
  pod: 'cocoapods',
  'dart-pub': 'pub',
  dotnet: 'nuget',
  'java-archive': 'maven',
  'go-module': 'golang',
  'rust-crate': 'cargo',
};
/** Expected packages whose input file was not copied into ../shared (source code, built binaries): see its README. */
const INPUT_NOT_COPIED = new Set(['mypy@v0.770 (pkgs/python/setup/setup.py)', 'example-java-app-maven@0.1.0 (a jar Syft builds)', 'joda-time@2.9.2 (inside that jar)']);

interface CoverageCase {
  readonly case: string;
  readonly type: string;
  readonly packages: readonly { readonly name: string; readonly version: string }[];
  readonly excluded_input?: string;
}

describe.skipIf(!built || syft === null)('sekisho sbom dir: on Syft’s integration fixture', () => {
  it('finds every package Syft’s directory scan expects, type by type', async () => {
    const root = syft ?? '';
    const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { fixtures: Record<string, { cases?: CoverageCase[] }[]> };
    const cases = expected.fixtures[FIXTURE]?.[0]?.cases ?? [];
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'sbom', `dir:${join(root, FIXTURE)}`, '--format', 'json', '--no-cache'], { maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as { packages: { type: string; name: string; version: string }[]; unknowns: unknown[] };
    const notCopied = [...INPUT_NOT_COPIED].map((entry) => entry.slice(0, entry.indexOf(' (')));
    const missing: string[] = [];
    let checked = 0;
    for (const c of cases) {
      if (c.excluded_input !== undefined) continue;
      const type = TYPES[c.type] ?? c.type;
      const found = new Set(report.packages.filter((p) => p.type === type).map((p) => `${p.name}@${p.version}`));
      for (const p of c.packages) {
        const key = `${p.name}@${p.version}`;
        if (notCopied.includes(key)) continue;
        checked += 1;
        if (!found.has(key)) missing.push(`${c.type} ${key}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(150);
    expect(report.unknowns).toEqual([]);
  }, 120_000);
});
