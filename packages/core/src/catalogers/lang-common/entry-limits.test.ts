import { describe, expect, it } from 'vitest';
import { parseDepsJson, parsePackagesLock } from '../dotnet/dotnet.js';
import { parseComposerLock } from '../php/composer.js';
import { parseRequirements } from '../python/declared.js';
import { parseGemfileLock } from '../ruby/gemfile-lock.js';

/** Every language cataloger limit turns what it leaves out into an unknown that names the count. */
const N = 100_000;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const buf = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const reasons = (out: { unknowns: readonly { reason: string }[] }): string[] => out.unknowns.map((u) => u.reason);
const overLimit = [expect.stringMatching(/^1 package\(s\) past the limit of 100000 per file were not read$/)];

describe('language cataloger entry limits', () => {
  it('requirements.txt', () => {
    const out = parseRequirements(
      '/app/requirements.txt',
      buf(
        range(N + 1)
          .map((i) => `p${i}==1.0`)
          .join('\n'),
      ),
    );
    expect(out.packages).toHaveLength(N);
    expect(reasons(out)).toEqual(overLimit);
  });

  it('Gemfile.lock', () => {
    const specs = range(N + 1)
      .map((i) => `    g${i} (1.0)`)
      .join('\n');
    const out = parseGemfileLock('/app/Gemfile.lock', buf(`GEM\n  remote: https://rubygems.org/\n  specs:\n${specs}\n`));
    expect(out.packages).toHaveLength(N);
    expect(reasons(out)).toEqual(overLimit);
  });

  it('composer.lock', () => {
    const out = parseComposerLock('/app/composer.lock', buf({ packages: range(N + 1).map((i) => ({ name: `v/p${i}`, version: '1.0.0' })) }));
    expect(out.packages).toHaveLength(N);
    expect(reasons(out)).toEqual(overLimit);
  });

  it('NuGet packages.lock.json and deps.json', () => {
    const deps = Object.fromEntries(range(N + 1).map((i) => [`P${i}`, { type: 'Direct', resolved: '1.0.0' }]));
    const lock = parsePackagesLock('/app/packages.lock.json', buf({ version: 1, dependencies: { 'net8.0': deps } }));
    expect(lock.packages).toHaveLength(N);
    expect(reasons(lock)).toEqual(overLimit);
    const keys = range(N + 1).map((i) => `P${i}/1.0.0`);
    const target = Object.fromEntries(keys.map((k) => [k, { runtime: { 'lib/p.dll': {} } }]));
    const libraries = Object.fromEntries(keys.map((k) => [k, { type: 'package' }]));
    const depsJson = parseDepsJson('/app/app.deps.json', buf({ targets: { 'net8.0': target }, libraries }));
    expect(depsJson.packages).toHaveLength(N);
    expect(reasons(depsJson)).toEqual(overLimit);
  });
});
