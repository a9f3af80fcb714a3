import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogedPackage } from '../catalogers/types.js';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { resolveInRoot } from '../overlay/apply-layers.js';
import { buildInventory, canonicalizer } from './finalize.js';

const npm = (name: string, dev: boolean): CatalogedPackage & { foundBy: string } => ({
  ref: name,
  name,
  version: '1.0.0',
  type: 'npm',
  purl: `pkg:npm/${name}@1.0.0`,
  licenses: [],
  evidence: 'declared',
  source: null,
  metadata: null,
  paths: ['/app/package-lock.json'],
  foundBy: 'javascript-lock-cataloger',
  ...(dev ? { dev: true } : {}),
});

const merged: MergedLayers = {
  packages: [npm('express', false), npm('vitest', true)].map((pkg) => ({ pkg, key: `0/lock/${pkg.ref}`, evidenceLayer: 0, introducedIn: 0 })),
  relationships: [{ from: '0/lock/express', to: '0/lock/vitest', type: 'depends-on' }],
  ownership: [],
  licenseFacts: [],
  unknowns: [],
  findings: [],
  facts: [],
  specialFiles: [],
  symlinks: new Map(),
};

describe('buildInventory: development dependencies', () => {
  it('drops dev packages and their edges by default', () => {
    const inventory = buildInventory(merged, null, []);
    expect(inventory.packages.map((p) => p.name)).toEqual(['express']);
    expect(inventory.packages[0]?.dev).toBeUndefined();
    expect(inventory.relationships).toEqual([]);
  });

  it('keeps them, marked dev, with includeDevDeps', () => {
    const inventory = buildInventory(merged, null, [], { includeDevDeps: true });
    expect(inventory.packages.map((p) => [p.name, p.dev === true])).toEqual([
      ['express', false],
      ['vitest', true],
    ]);
    expect(inventory.relationships).toHaveLength(1);
  });
});

describe('canonicalizer', () => {
  // The reference: every directory resolved from the root on its own, as before it was memoized.
  const reference =
    (symlinks: ReadonlyMap<string, string>) =>
    (path: string): string => {
      const slash = path.lastIndexOf('/');
      const dir = slash <= 0 ? '/' : path.slice(0, slash);
      const resolved = resolveInRoot(dir, symlinks) ?? dir;
      const joined = `${resolved === '/' ? '' : resolved}/${path.slice(slash + 1)}`;
      return symlinks.has(joined) ? (resolveInRoot(joined, symlinks) ?? joined) : joined;
    };

  it('resolves merged-/usr links and links to links', () => {
    const symlinks = new Map([
      ['/bin', 'usr/bin'],
      ['/lib', 'usr/lib'],
      ['/usr/lib/x86_64-linux-gnu/libz.so.1', 'libz.so.1.3'],
      ['/usr/share/doc/libssl-dev', 'libssl3'],
      ['/opt/app', '/srv/app'],
      ['/srv/app/current', '../releases/7'],
    ]);
    const canonical = canonicalizer(symlinks);
    expect(canonical('/bin/bash')).toBe('/usr/bin/bash');
    expect(canonical('/lib/x86_64-linux-gnu/libz.so.1')).toBe('/usr/lib/x86_64-linux-gnu/libz.so.1.3');
    expect(canonical('/usr/share/doc/libssl-dev/copyright')).toBe('/usr/share/doc/libssl3/copyright');
    expect(canonical('/opt/app/current/bin/run')).toBe('/srv/releases/7/bin/run');
    expect(canonical('/etc/passwd')).toBe('/etc/passwd');
  });

  it('keeps a path whose directories loop', () => {
    const canonical = canonicalizer(
      new Map([
        ['/a', '/b'],
        ['/b', '/a'],
      ]),
    );
    expect(canonical('/a/x')).toBe('/a/x');
    expect(canonical('/a/b/c/x')).toBe('/a/b/c/x');
  });

  it('survives a file list path thousands of directories deep', () => {
    const deep = `${'/d'.repeat(20_000)}/file`;
    expect(canonicalizer(new Map([['/x', '/y']]))(deep)).toBe(deep);
  });

  it('agrees with resolving every directory from the root', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'usr', 'lib', '.', '..', '.h');
    const path = fc.array(name, { minLength: 1, maxLength: 6 }).chain((parts) => fc.constantFrom(`/${parts.join('/')}`, `/${parts.join('//')}`, parts.join('/')));
    const target = fc.tuple(fc.boolean(), fc.array(name, { minLength: 0, maxLength: 4 })).map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`);
    const link = fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'usr', 'lib'), { minLength: 1, maxLength: 4 }), target).map(([parts, to]): [string, string] => [`/${parts.join('/')}`, to]);
    fc.assert(
      fc.property(fc.array(link, { maxLength: 8 }), fc.array(path, { minLength: 1, maxLength: 30 }), (links, paths) => {
        const symlinks = new Map(links);
        const canonical = canonicalizer(symlinks);
        const expected = reference(symlinks);
        // One canonicalizer across all paths: what one path memoized must not change another's answer.
        for (const p of paths) expect(canonical(p)).toBe(expected(p));
      }),
      { numRuns: 2000 },
    );
  });
});
