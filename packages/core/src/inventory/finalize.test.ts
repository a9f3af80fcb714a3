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

describe('buildInventory: files OS packages installed', () => {
  const pkg = (name: string, type: CatalogedPackage['type'], evidence: CatalogedPackage['evidence'], path: string): CatalogedPackage & { foundBy: string } => ({
    ref: name,
    name,
    version: '1.0',
    type,
    purl: type === 'deb' ? null : `pkg:${type}/${name}@1.0`,
    licenses: [],
    evidence,
    source: null,
    metadata: null,
    paths: [path],
    foundBy: `${type}-cataloger`,
  });
  const owning = (name: string, files: readonly string[]) => ({ path: `/var/lib/dpkg/info/${name}.list`, packageType: 'deb' as const, packageName: name, files, layer: 0 });
  const image = (packages: readonly (CatalogedPackage & { foundBy: string })[], ownership: MergedLayers['ownership']): MergedLayers => ({
    ...merged,
    packages: packages.map((p, i) => ({ pkg: p, key: `0/${i}`, evidenceLayer: 0, introducedIn: 0 })),
    relationships: [],
    ownership,
    symlinks: new Map([
      ['/bin', 'usr/bin'],
      ['/usr/bin/python3', 'python3.11'],
    ]),
  });
  const status = '/var/lib/dpkg/status';

  it.each(['/bin/python3.11', '/usr/bin/python3.11'])('drops a binary hit on an installed file, named through its links or as they resolve (%s)', (hit) => {
    const inventory = buildInventory(
      image(
        [pkg('python3.11-minimal', 'deb', 'installed', status), pkg('python', 'binary', 'binary', hit), pkg('busybox', 'binary', 'binary', '/opt/busybox')],
        // Listed the way a package built before merged /usr lists it: /bin/python3 → /usr/bin/python3.11.
        [owning('python3.11-minimal', ['/bin/python3'])],
      ),
      null,
      [],
    );
    expect(inventory.packages.map((p) => [p.type, p.name, p.locations[0]?.path])).toEqual([
      ['binary', 'busybox', '/opt/busybox'],
      ['deb', 'python3.11-minimal', status],
    ]);
  });

  it('drops a binary hit on the component a Bitnami SPDX document describes, inside that component’s folder only', () => {
    const spdx = '/opt/bitnami/redis/.spdx-redis.spdx';
    const inventory = buildInventory(
      image(
        [
          pkg('redis', 'bitnami', 'installed', spdx),
          pkg('redis', 'binary', 'binary', '/opt/bitnami/redis/bin/redis-server'),
          pkg('openssl', 'binary', 'binary', '/opt/bitnami/redis/bin/openssl'),
          pkg('redis', 'binary', 'binary', '/usr/local/bin/redis-server'),
        ],
        [],
      ),
      null,
      [],
    );
    expect(inventory.packages.map((p) => [p.type, p.name, p.locations[0]?.path])).toEqual([
      ['binary', 'openssl', '/opt/bitnami/redis/bin/openssl'],
      ['binary', 'redis', '/usr/local/bin/redis-server'],
      ['bitnami', 'redis', spdx],
    ]);
  });

  it('relates a language package to the OS package that installed its evidence; the last package listing a file owns it', () => {
    const metadata = '/usr/lib/python3/dist-packages/urllib3-1.26.dist-info/METADATA';
    const inventory = buildInventory(
      image(
        [
          pkg('python3-pip', 'deb', 'installed', status),
          pkg('python3-urllib3', 'deb', 'installed', status),
          pkg('urllib3', 'pypi', 'installed', metadata),
          pkg('requests', 'pypi', 'installed', '/srv/app/requests/METADATA'),
        ],
        [owning('python3-pip', [metadata]), owning('python3-urllib3', ['/usr/lib/python3/dist-packages', metadata])],
      ),
      null,
      [],
    );
    const id = (name: string) => inventory.packages.find((p) => p.name === name)?.id;
    expect(inventory.relationships).toEqual([{ from: id('python3-urllib3'), to: id('urllib3'), type: 'contains' }]);
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
