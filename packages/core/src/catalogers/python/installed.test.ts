import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { catalogFiles, edges, ids } from '../lang-common/test-helpers.js';
import { pythonInstalledPackageCataloger } from './installed.js';

const SITE = '/usr/lib/python3/site-packages';

describe('python-installed-package-cataloger', () => {
  it('reads METADATA and RECORD stored sparse (zeros of a hole before the text)', async () => {
    const hole = '\0'.repeat(8192);
    const out = await catalogFiles(pythonInstalledPackageCataloger, {
      [`${SITE}/six-1.16.0.dist-info/METADATA`]: `${hole}Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n`,
      [`${SITE}/six-1.16.0.dist-info/RECORD`]: `${hole}six.py,sha256=x,1\n`,
    });
    expect(out.packages.map((p) => [`${p.name}@${p.version}`, p.files])).toEqual([['six@1.16.0', [`${SITE}/six.py`]]]);
  });

  it('joins METADATA, RECORD and direct_url.json of one dist-info folder', async () => {
    const out = await catalogFiles(pythonInstalledPackageCataloger, {
      [`${SITE}/Foo_Bar-1.0.dist-info/METADATA`]:
        'Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\nLicense: BSD License\nRequires-Dist: requests (>=2)\nRequires-Dist: pytest ; extra == "test"\n\nLong description\nName: not-a-header\n',
      [`${SITE}/Foo_Bar-1.0.dist-info/RECORD`]: 'foo_bar/__init__.py,sha256=abc,10\n"foo_bar/a,b.py",sha256=def,5\n../../../bin/foo,,\n<<<<<<< HEAD\nFoo_Bar-1.0.dist-info/RECORD,,\n',
      [`${SITE}/Foo_Bar-1.0.dist-info/direct_url.json`]: JSON.stringify({ url: 'https://github.com/x/y.git', vcs_info: { vcs: 'git', commit_id: 'aaaa' } }),
      [`${SITE}/requests-2.22.0.dist-info/METADATA`]: 'Name: requests\nVersion: 2.22.0\nClassifier: License :: OSI Approved :: Apache Software License\n',
      [`${SITE}/pytest-7.0.dist-info/METADATA`]: 'Name: pytest\nVersion: 7.0\n',
    });
    expect(ids(out)).toEqual(['foo-bar@1.0', 'pytest@7.0', 'requests@2.22.0']);
    const foo = out.packages.find((p) => p.name === 'foo-bar')!;
    expect(foo).toMatchObject({
      type: 'pypi',
      evidence: 'installed',
      purl: 'pkg:pypi/foo-bar@1.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fx%2Fy.git%40aaaa',
      licenses: ['BSD License'],
    });
    expect(foo.paths[0]).toBe(`${SITE}/Foo_Bar-1.0.dist-info/METADATA`);
    expect(foo.files).toEqual([`${SITE}/foo_bar/__init__.py`, `${SITE}/foo_bar/a,b.py`, '/usr/bin/foo', `${SITE}/Foo_Bar-1.0.dist-info/RECORD`]);
    expect(out.packages.find((p) => p.name === 'requests')?.licenses).toEqual(['Apache Software License']);
    expect(edges(out)).toEqual(['foo-bar -> requests']);
  });

  it('reads egg-info as a file or a folder (upper-case EGG-INFO in .egg dirs too), with installed-files.txt', async () => {
    const out = await catalogFiles(pythonInstalledPackageCataloger, {
      [`${SITE}/six-1.16.0-py3.8.egg-info`]: 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\nDescription: a\n        multi-line\n',
      [`${SITE}/attrs-21.egg-info/PKG-INFO`]: 'Name: attrs\nVersion: 21.4.0\n',
      [`${SITE}/attrs-21.egg-info/installed-files.txt`]: '../attr/__init__.py\nPKG-INFO\n',
      [`${SITE}/x-1.0-py3.8.egg/EGG-INFO/PKG-INFO`]: 'Name: x\nVersion: 1.0\n',
      [`${SITE}/not-metadata/PKG-INFO`]: 'Name: ignored\nVersion: 1\n',
    });
    expect(ids(out)).toEqual(['attrs@21.4.0', 'six@1.16.0', 'x@1.0']);
    expect(out.packages.find((p) => p.name === 'attrs')?.files).toEqual([`${SITE}/attr/__init__.py`, `${SITE}/attrs-21.egg-info/PKG-INFO`]);
  });

  it('metadata without Name is an unknown; RECORD alone is no package', async () => {
    const out = await catalogFiles(pythonInstalledPackageCataloger, {
      [`${SITE}/broken.dist-info/METADATA`]: 'Summary: nothing\n',
      [`${SITE}/orphan.dist-info/RECORD`]: 'a.py,,\n',
    });
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toEqual([{ path: `${SITE}/broken.dist-info/METADATA`, reason: 'core metadata without Name' }]);
    const single = await catalogFile(pythonInstalledPackageCataloger, `${SITE}/a.dist-info/METADATA`, 'Name: A\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\n');
    expect(single.packages[0]?.licenses).toEqual(['MIT OR Apache-2.0']);
  });

  it('an installed distribution without a Version is listed with an empty version and an unknown saying why', async () => {
    const out = await catalogFiles(pythonInstalledPackageCataloger, { [`${SITE}/localpkg.egg-info/PKG-INFO`]: 'Metadata-Version: 1.0\nName: localpkg\n' });
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([['localpkg', '', null]]);
    expect(out.unknowns).toEqual([
      { path: `${SITE}/localpkg.egg-info/PKG-INFO`, reason: 'localpkg: core metadata states no Version; the package is listed without one and cannot be matched against advisories' },
    ]);
  });

  it('merges the egg-info and dist-info folders of one distribution (Debian python3-cryptography)', async () => {
    const dist = '/usr/lib/python3/dist-packages';
    const out = await catalogFiles(pythonInstalledPackageCataloger, {
      [`${dist}/cryptography.egg-info/PKG-INFO`]: 'Name: cryptography\nVersion: 38.0.4\n',
      [`${dist}/cryptography-38.0.4.dist-info/METADATA`]: 'Name: cryptography\nVersion: 38.0.4\nLicense: Apache-2.0 OR BSD-3-Clause\nRequires-Dist: cffi\n',
      [`${dist}/cryptography-38.0.4.dist-info/RECORD`]: 'cryptography/__init__.py,,\n',
      [`${dist}/cffi-1.15.1.egg-info`]: 'Name: cffi\nVersion: 1.15.1\n',
      [`/opt/venv/lib/python3.11/site-packages/cryptography-38.0.4.dist-info/METADATA`]: 'Name: cryptography\nVersion: 38.0.4\n',
    });
    expect(ids(out)).toEqual(['cffi@1.15.1', 'cryptography@38.0.4', 'cryptography@38.0.4']);
    const debian = out.packages.find((p) => p.name === 'cryptography' && p.paths[0]!.startsWith(dist))!;
    expect(debian.paths).toEqual([`${dist}/cryptography-38.0.4.dist-info/METADATA`, `${dist}/cryptography-38.0.4.dist-info/RECORD`, `${dist}/cryptography.egg-info/PKG-INFO`]);
    expect(edges(out)).toEqual(['cryptography -> cffi']);
  });
});
