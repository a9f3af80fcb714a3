import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../util/file-selector.js';
import { catalogFile } from '../../testing/catalog-tester.js';
import { condaMetaCataloger } from './conda-meta.js';

const ZLIB = {
  build: 'h90dfc92_1014',
  build_number: 1014,
  channel: 'https://conda.anaconda.org/conda-forge/',
  depends: ['libzlib 1.2.11 h90dfc92_1014'],
  files: ['include/zlib.h', 'lib/libz.a', '../escape', '/etc/passwd'],
  fn: 'zlib-1.2.11-h90dfc92_1014.tar.bz2',
  license: 'Zlib',
  name: 'zlib',
  sha256: 'a70c028fd3b9af1d7ea3d7099d810f3d2588096237bb472db331a51a36f931c0',
  subdir: 'linux-64',
  url: 'https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.11-h90dfc92_1014.tar.bz2',
  version: '1.2.11',
};

describe('conda-meta-cataloger', () => {
  it('reads an installed package: name, version, licence, a conda purl and its files under the prefix', async () => {
    const out = await catalogFile(condaMetaCataloger, '/opt/conda/conda-meta/zlib-1.2.11-h90dfc92_1014.json', JSON.stringify(ZLIB));
    expect(out.unknowns).toEqual([]);
    expect(out.packages).toEqual([
      expect.objectContaining({
        name: 'zlib',
        version: '1.2.11',
        type: 'conda',
        evidence: 'installed',
        licenses: ['Zlib'],
        purl: 'pkg:conda/zlib@1.2.11?build=h90dfc92_1014&channel=conda-forge&subdir=linux-64&type=tar.bz2',
        // Paths that leave the prefix are not the package's files.
        files: ['/opt/conda/include/zlib.h', '/opt/conda/lib/libz.a'],
      }),
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { prefix: '/opt/conda', channel: 'https://conda.anaconda.org/conda-forge/', build: 'h90dfc92_1014' } });
  });

  it('an environment below envs/ has its own prefix; a .conda archive and another channel show in the purl', async () => {
    const record = {
      ...ZLIB,
      name: 'jupyterlab',
      version: '4.4.3',
      build: 'pyhd8ed1ab_0',
      fn: 'jupyterlab-4.4.3-pyhd8ed1ab_0.conda',
      channel: 'https://repo.example.com/internal',
      subdir: 'noarch',
      files: ['bin/jupyter-lab'],
    };
    const out = await catalogFile(condaMetaCataloger, '/opt/conda/envs/app/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json', JSON.stringify(record));
    expect(out.packages.map((p) => [p.purl, p.files])).toEqual([
      ['pkg:conda/jupyterlab@4.4.3?build=pyhd8ed1ab_0&channel=https%3A%2F%2Frepo.example.com%2Finternal&subdir=noarch&type=conda', ['/opt/conda/envs/app/bin/jupyter-lab']],
    ]);
  });

  it('bad JSON is an unknown; a JSON file that names no package is not a record', async () => {
    expect((await catalogFile(condaMetaCataloger, '/opt/conda/conda-meta/x.json', '{"name": ')).unknowns).toHaveLength(1);
    expect(await catalogFile(condaMetaCataloger, '/opt/conda/conda-meta/pinned.json', '{"pinned": []}')).toMatchObject({ packages: [], unknowns: [] });
  });

  it('selects records in any conda-meta folder, not other JSON', () => {
    const selects = compileSelector(condaMetaCataloger.selector);
    expect(selects('/opt/conda/conda-meta/zlib-1.2.11-0.json')).toBe(true);
    expect(selects('/root/miniforge3/envs/ml/conda-meta/numpy-1.26.4-py311_0.json')).toBe(true);
    expect(selects('/opt/conda/conda-meta/history')).toBe(false);
    expect(selects('/opt/conda/pkgs/zlib/info/index.json')).toBe(false);
  });
});
