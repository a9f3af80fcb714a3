import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { compileSelector } from '../../util/file-selector.js';
import { devIds, edges, ids } from '../lang-common/test-helpers.js';
import type { CatalogOutput } from '../types.js';
import { parseConanRef } from './conan-ref.js';
import { conanCataloger, conanInfoCataloger } from './index.js';

const rows = (out: CatalogOutput): string[][] => out.packages.map((p) => [p.name, p.version, p.purl ?? '', p.evidence]);

const syftCpp = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'cpp', 'testdata');
const coverage = sharedDir('conformance', 'syft', 'cmd', 'syft', 'internal', 'test', 'integration', 'testdata', 'image-pkg-coverage', 'conan');

describe('conan references', () => {
  it('splits name/version@user/channel#rrev:pkgid#prev%timestamp as Conan does', () => {
    expect(parseConanRef('zlib/1.2.13@user/stable#rrev1:abc#prev2%1675278904.07')).toEqual({
      name: 'zlib',
      version: '1.2.13',
      user: 'user',
      channel: 'stable',
      recipeRevision: 'rrev1',
      packageId: 'abc',
      packageRevision: 'prev2',
      timestamp: '1675278904.07',
    });
    expect(parseConanRef('boost/1.75.0:dc8aedd23a0f0a773a5fcdcfe1ae3e89c4205978')).toMatchObject({ name: 'boost', version: '1.75.0', packageId: 'dc8aedd23a0f0a773a5fcdcfe1ae3e89c4205978' });
    // A user without a channel, and Conan's `_` placeholders, give no namespace.
    expect(parseConanRef('a/1@user')).toMatchObject({ user: '', channel: '' });
    expect(parseConanRef('a/1@_/_')).toMatchObject({ user: '', channel: '' });
    for (const consumer of ['conanfile.txt', '/1.0', 'name/', '']) expect(parseConanRef(consumer)).toBeNull();
  });
});

describe('conan-cataloger: conan.lock', () => {
  it.skipIf(syftCpp === null)('lockfile 0.4: every node with a ref, user/channel purls, requires edges (Syft’s fixture)', async () => {
    const out = await catalogFile(conanCataloger, '/src/conan.lock', readFileSync(`${syftCpp ?? ''}/conan.lock`));
    expect(out.unknowns).toEqual([]);
    expect(rows(out)).toEqual([
      ['mfast', '1.2.2', 'pkg:conan/my_user/mfast@1.2.2?channel=my_channel', 'declared'],
      ['boost', '1.75.0', 'pkg:conan/boost@1.75.0', 'declared'],
      ['zlib', '1.2.12', 'pkg:conan/zlib@1.2.12', 'declared'],
      ['bzip2', '1.0.8', 'pkg:conan/bzip2@1.0.8', 'declared'],
      ['libbacktrace', 'cci.20210118', 'pkg:conan/libbacktrace@cci.20210118', 'declared'],
      ['tinyxml2', '9.0.0', 'pkg:conan/tinyxml2@9.0.0', 'declared'],
    ]);
    expect(edges(out)).toEqual(['boost -> bzip2', 'boost -> libbacktrace', 'boost -> zlib', 'mfast -> boost', 'mfast -> tinyxml2']);
    expect(out.packages[0]?.metadata).toMatchObject({
      fields: {
        ref: 'mfast/1.2.2@my_user/my_channel#c6f6387c9b99780f0ee05e25f99d0f39',
        context: 'host',
        packageId: '9d1f076b471417647c2022a78d5e2c1f834289ac',
        prev: '0ca9799450422cc55a92ccc6ffd57fba',
        recipeRevision: 'c6f6387c9b99780f0ee05e25f99d0f39',
      },
    });
  });

  it.skipIf(syftCpp === null)('lockfile 0.5: requires with revisions and timestamps (Syft’s fixture)', async () => {
    const out = await catalogFile(conanCataloger, '/src/conan.lock', readFileSync(`${syftCpp ?? ''}/conanlock-v2/conan.lock`));
    expect(out.unknowns).toEqual([]);
    expect(rows(out).sort()).toEqual([
      ['matrix', '1.1', 'pkg:conan/matrix@1.1', 'declared'],
      ['sound32', '1.0', 'pkg:conan/sound32@1.0', 'declared'],
    ]);
    expect(out.packages.find((p) => p.name === 'matrix')?.metadata).toMatchObject({ fields: { recipeRevision: '905c3f0babc520684c84127378fefdd0', timestamp: '1675278901.7527816' } });
  });

  it.skipIf(syftCpp === null)('a corrupt lockfile is an unknown, not a crash (Syft expects an error)', async () => {
    const out = await catalogFile(conanCataloger, '/src/conan.lock', readFileSync(`${syftCpp ?? ''}/corrupt/conan.lock`));
    expect(out.packages).toEqual([]);
    expect(out.unknowns[0]?.reason).toContain('conan.lock not read: invalid JSON');
  });

  it('lockfile 0.5: build, python and config requires are development-only; a package in both lists stays production', async () => {
    const lock = JSON.stringify({
      version: '0.5',
      requires: ['fmt/10.2.1@acme/stable#rrev%1700000000.1', 'zlib/1.3.1'],
      build_requires: ['cmake/3.28.1#abc%1.0', 'zlib/1.3.1'],
      python_requires: ['pyreq/0.1'],
      config_requires: ['myconf/1.0'],
    });
    const out = await catalogFile(conanCataloger, '/src/conan.lock', lock);
    expect(ids(out)).toEqual(['fmt@10.2.1', 'zlib@1.3.1']);
    expect(devIds(out)).toEqual(['cmake@3.28.1', 'myconf@1.0', 'pyreq@0.1']);
    expect(out.packages.find((p) => p.name === 'fmt')?.purl).toBe('pkg:conan/acme/fmt@10.2.1?channel=stable');
  });

  it('lockfile 0.4: build_requires edges, pref of older lockfiles, nodes without a ref skipped', async () => {
    const lock = JSON.stringify({
      version: '0.4',
      graph_lock: {
        nodes: {
          '0': { path: 'conanfile.txt', requires: ['1'], build_requires: ['2'] },
          '1': { pref: 'openssl/3.0.0@_/_#r1:pkg1#p1', requires: ['9'] },
          '2': { ref: 'cmake/3.25.0', context: 'build' },
          '3': { ref: 'noversion' },
        },
      },
    });
    const out = await catalogFile(conanCataloger, '/src/conan.lock', lock);
    expect(ids(out)).toEqual(['cmake@3.25.0', 'openssl@3.0.0']);
    expect(out.packages.find((p) => p.name === 'openssl')?.purl).toBe('pkg:conan/openssl@3.0.0');
    expect(out.relationships).toEqual([]);
    expect(out.unknowns.map((u) => u.reason)).toEqual(['1 reference(s) that name no package and version were not read']);
    const withEdges = await catalogFile(
      conanCataloger,
      '/src/conan.lock',
      JSON.stringify({ graph_lock: { nodes: { '1': { ref: 'app/1.0', requires: ['2'], build_requires: ['3', 3, '1'] }, '2': { ref: 'a/1' }, '3': { ref: 'b/2' } } } }),
    );
    expect(edges(withEdges)).toEqual(['app -> a', 'app -> b']);
  });

  it('valid but empty lockfiles yield nothing; other JSON is an unknown', async () => {
    for (const empty of ['', '  \n', '{"version":"0.5","requires":[],"build_requires":[],"python_requires":[]}', '{"graph_lock":{"nodes":{"0":{"path":"conanfile.py"}}},"version":"0.4"}']) {
      expect(await catalogFile(conanCataloger, '/src/conan.lock', empty)).toMatchObject({ packages: [], unknowns: [] });
    }
    expect((await catalogFile(conanCataloger, '/src/conan.lock', '[1,2]')).unknowns[0]?.reason).toBe('conan.lock is not a JSON object');
    expect((await catalogFile(conanCataloger, '/src/conan.lock', '{"other":1}')).unknowns[0]?.reason).toContain('neither graph_lock.nodes');
    expect((await catalogFile(conanCataloger, '/src/conan.lock', '{"requires":[1,"x/1"]}')).unknowns[0]?.reason).toContain('1 reference(s)');
  });

  it('hostile input: deep nesting and many entries stay bounded', async () => {
    const deep = `{"requires":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect((await catalogFile(conanCataloger, '/src/conan.lock', deep)).unknowns[0]?.reason).toContain('nested deeper');
    const many = JSON.stringify({ requires: Array.from({ length: 100_005 }, (_, i) => `p${i}/1.0`) });
    const out = await catalogFile(conanCataloger, '/src/conan.lock', many);
    expect(out.packages).toHaveLength(100_000);
    expect(out.unknowns[0]?.reason).toBe('5 package(s) past the limit of 100000 per file were not read');
  });
});

describe('conan-cataloger: conanfile.txt', () => {
  it.skipIf(syftCpp === null)('a comment inside [requires] is skipped (Syft’s fixture)', async () => {
    const out = await catalogFile(conanCataloger, '/src/conanfile.txt', readFileSync(`${syftCpp ?? ''}/conanfile-comment-in-requires.txt`));
    expect(out.unknowns).toEqual([]);
    expect(rows(out)).toEqual([
      ['catch2', '2.13.8', 'pkg:conan/catch2@2.13.8', 'declared'],
      ['docopt.cpp', '0.6.3', 'pkg:conan/docopt.cpp@0.6.3', 'declared'],
    ]);
  });

  it.skipIf(coverage === null)('the image-pkg-coverage project: six requirements, nothing from [generators]', async () => {
    const out = await catalogDirectory(conanCataloger, coverage ?? '');
    expect(out.selectedPaths).toEqual(['/conanfile.txt']);
    expect(ids(out)).toEqual(['catch2@2.13.8', 'docopt.cpp@0.6.3', 'fltk@1.3.8', 'fmt@8.1.1', 'sdl@2.0.20', 'spdlog@1.9.2']);
    expect(out.unknowns).toEqual([]);
  });

  it('reads every reference form; tool, build and test requirements are development-only', async () => {
    const text = `# comment
[requires]
catch2/2.13.8   # trailing comment
spdlog/1.9.2@my_user/my_channel#1234567%%987654
sdl/2.0.20#1234567%%987654
fltk/1.3.8@my_user/my_channel
  # indented comment

[tool_requires]
cmake/3.27.7
[build_requires]
ninja/1.11.1
[test_requires]
gtest/1.14.0
[generators]
CMakeDeps
[options]
fmt/*:shared=True
[layout]
cmake_layout
`;
    const out = await catalogFile(conanCataloger, '/src/conanfile.txt', text.replace(/\n/g, '\r\n'));
    expect(out.unknowns).toEqual([]);
    expect(rows({ ...out, packages: out.packages.filter((p) => p.dev !== true) })).toEqual([
      ['catch2', '2.13.8', 'pkg:conan/catch2@2.13.8', 'declared'],
      ['spdlog', '1.9.2', 'pkg:conan/my_user/spdlog@1.9.2?channel=my_channel', 'declared'],
      ['sdl', '2.0.20', 'pkg:conan/sdl@2.0.20', 'declared'],
      ['fltk', '1.3.8', 'pkg:conan/my_user/fltk@1.3.8?channel=my_channel', 'declared'],
    ]);
    expect(devIds(out)).toEqual(['cmake@3.27.7', 'gtest@1.14.0', 'ninja@1.11.1']);
    expect(out.packages[1]?.metadata).toMatchObject({ fields: { ref: 'spdlog/1.9.2@my_user/my_channel#1234567%%987654', recipeRevision: '1234567' } });
  });

  it('a version range is listed without a version and said to be unmatchable; the requirements after it are still read', async () => {
    const out = await catalogFile(conanCataloger, '/src/conanfile.txt', '[requires]\nzlib/[>=1.2 <2]\nboost/[~1.80]@acme/stable\nfmt/10.0.0\nnot-a-reference\n');
    expect(rows(out)).toEqual([
      ['zlib', '', '', 'declared'],
      ['boost', '', '', 'declared'],
      ['fmt', '10.0.0', 'pkg:conan/fmt@10.0.0', 'declared'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { versionRange: '[>=1.2 <2]' } });
    expect(out.unknowns.map((u) => u.reason)).toEqual([
      '2 requirement(s) state a version range, not a version (zlib/[>=1.2 <2], boost/[~1.80]): listed without a version, they cannot be matched against advisories',
      '1 requirement line(s) that name no package and version (name/version) were not read',
    ]);
  });

  it('an empty file or one without requirements yields nothing; a huge line costs linear time', async () => {
    for (const empty of ['', '[generators]\nCMakeDeps\n', '[requires]\n# nothing yet\n'])
      expect(await catalogFile(conanCataloger, '/src/conanfile.txt', empty)).toMatchObject({ packages: [], unknowns: [] });
    const started = Date.now();
    const out = await catalogFile(conanCataloger, '/src/conanfile.txt', `[requires]\n${'x'.repeat(4_000_000)}\n${' #'.repeat(1_000_000)}\n${'[a'.repeat(1_000_000)}\nok/1\n`);
    expect(ids(out)).toEqual(['ok@1']);
    expect(out.unknowns.map((u) => u.reason)).toEqual(['2 requirement line(s) that name no package and version (name/version) were not read']);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('conan-info-cataloger', () => {
  const info = `[settings]
    arch=x86_64
    os=Linux

[requires]
    boost/1.Y.Z

[full_requires]
    boost/1.75.0:dc8aedd23a0f0a773a5fcdcfe1ae3e89c4205978
    bzip2/1.0.8:c32092bf4d4bb47cf962af898e02823f499b017e
    tinyxml2/9.0.0@acme/stable#rr:6557f18ca99c0b6a233f43db00e30efaa525e27e#pr

[full_options]
    fPIC=True

[recipe_hash]
    c6f6387c9b99780f0ee05e25f99d0f39

[env]
`;
  const cachePath = '/root/.conan/data/mfast/1.2.2/my_user/my_channel/package/9d1f076b471417647c2022a78d5e2c1f834289ac/conaninfo.txt';

  it('the package is named by its cache folder, with its recipe hash; [full_requires] are its dependencies', async () => {
    const out = await catalogFile(conanInfoCataloger, cachePath, info);
    expect(out.unknowns).toEqual([]);
    expect(rows(out)).toEqual([
      ['mfast', '1.2.2', 'pkg:conan/my_user/mfast@1.2.2?channel=my_channel', 'installed'],
      ['boost', '1.75.0', 'pkg:conan/boost@1.75.0', 'declared'],
      ['bzip2', '1.0.8', 'pkg:conan/bzip2@1.0.8', 'declared'],
      ['tinyxml2', '9.0.0', 'pkg:conan/acme/tinyxml2@9.0.0?channel=stable', 'declared'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { ref: 'mfast/1.2.2@my_user/my_channel#c6f6387c9b99780f0ee05e25f99d0f39', packageId: '9d1f076b471417647c2022a78d5e2c1f834289ac' } });
    expect(out.packages[1]?.metadata).toMatchObject({ fields: { packageId: 'dc8aedd23a0f0a773a5fcdcfe1ae3e89c4205978' } });
    expect(out.packages[3]?.metadata).toMatchObject({ fields: { recipeRevision: 'rr', packageRevision: 'pr' } });
    expect(edges(out)).toEqual(['mfast -> boost', 'mfast -> bzip2', 'mfast -> tinyxml2']);
  });

  it('`_` user and channel give no namespace; the build-folder copy is skipped; a project’s own conaninfo.txt lists its requirements', async () => {
    const noUser = await catalogFile(conanInfoCataloger, '/root/.conan/data/zlib/1.3/_/_/package/dfbe50feef7f3c6223a476cd5aeadb687084a646/conaninfo.txt', '[settings]\n    os=Linux\n');
    expect(rows(noUser)).toEqual([['zlib', '1.3', 'pkg:conan/zlib@1.3', 'installed']]);
    expect(await catalogFile(conanInfoCataloger, cachePath.replace('/package/', '/build/'), info)).toMatchObject({ packages: [], unknowns: [] });
    const project = await catalogFile(conanInfoCataloger, '/app/build/conaninfo.txt', info);
    expect(ids(project)).toEqual(['boost@1.75.0', 'bzip2@1.0.8', 'tinyxml2@9.0.0']);
    expect(project.relationships).toEqual([]);
    const odd = await catalogFile(conanInfoCataloger, '/app/build/conaninfo.txt', '[full_requires]\n    nothing-here\n');
    expect(odd.unknowns[0]?.reason).toBe('1 [full_requires] line(s) that name no package and version were not read');
  });
});

describe('conan selectors', () => {
  it('select conan.lock and conanfile.txt anywhere, conaninfo.txt for the info cataloger', () => {
    const conan = compileSelector(conanCataloger.selector);
    const info = compileSelector(conanInfoCataloger.selector);
    expect(['/src/conan.lock', '/a/b/conanfile.txt', '/conanfile.py'].map(conan)).toEqual([true, true, false]);
    expect(['/x/conaninfo.txt', '/x/conanfile.txt'].map(info)).toEqual([true, false]);
  });
});
