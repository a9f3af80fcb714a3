import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges, ids } from '../lang-common/test-helpers.js';
import { pythonPackageCataloger } from './declared.js';

const run = (path: string, text: string) => catalogFile(pythonPackageCataloger, path, text);

describe('python-package-cataloger', () => {
  it('poetry.lock: packages and dependency edges, names normalized', async () => {
    const out = await run(
      '/src/poetry.lock',
      '[[package]]\nname = "Requests"\nversion = "2.32.2"\n\n[package.dependencies]\ncertifi = ">=2017"\nidna = "*"\n\n[[package]]\nname = "certifi"\nversion = "2024.2.2"\n\n[[package]]\nname = "IDNA"\nversion = "3.7"\n',
    );
    expect(ids(out)).toEqual(['certifi@2024.2.2', 'idna@3.7', 'requests@2.32.2']);
    expect(out.packages.find((p) => p.name === 'requests')).toMatchObject({ purl: 'pkg:pypi/requests@2.32.2', evidence: 'declared', type: 'pypi' });
    expect(edges(out)).toEqual(['requests -> certifi', 'requests -> idna']);
  });

  it('uv.lock and pdm.lock', async () => {
    const uv = await run(
      '/src/uv.lock',
      'version = 1\n[[package]]\nname = "testpkg"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "requests" }]\n\n[[package]]\nname = "requests"\nversion = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }\n',
    );
    expect(ids(uv)).toEqual(['requests@2.32.3', 'testpkg@0.1.0']);
    expect(edges(uv)).toEqual(['testpkg -> requests']);
    const pdm = await run(
      '/src/pdm.lock',
      '[[package]]\nname = "flask"\nversion = "3.0.0"\ngroups = ["default"]\ndependencies = ["werkzeug>=3.0.0", "click>=8.1.3; python_version >= \\"3.8\\""]\n\n[[package]]\nname = "click"\nversion = "8.1.7"\n',
    );
    expect(ids(pdm)).toEqual(['click@8.1.7', 'flask@3.0.0']);
    expect(edges(pdm)).toEqual(['flask -> click']);
  });

  it('Pipfile.lock: exact pins of default and develop', async () => {
    const out = await run('/src/Pipfile.lock', JSON.stringify({ default: { django: { version: '==4.2.0' }, vcs: { git: 'https://x' } }, develop: { pytest: { version: '==7.4.0' } } }));
    expect(ids(out)).toEqual(['django@4.2.0', 'pytest@7.4.0']);
  });

  it('requirements files: only == pins are versions', async () => {
    const out = await run(
      '/src/requirements-dev.txt',
      [
        'flask==3.0.0  # web',
        'Requests[socks] == 2.31.0 ; python_version > "3.7"',
        'numpy>=1.0',
        'pandas==2.*',
        '-e git+https://x#egg=y',
        '--index-url https://pypi',
        'pytz==2019.3 \\',
        '    --hash=sha256:abc',
        '# comment',
      ].join('\n'),
    );
    expect(ids(out)).toEqual(['flask@3.0.0', 'pytz@2019.3', 'requests@2.31.0']);
  });

  it('requirements files: a VCS requirement pinned to a ref is that version (pip #egg= and PEP 508 forms); the URL and its credentials are not kept', async () => {
    const out = await run(
      '/src/requirements.txt',
      [
        'git+https://github.com/python/mypy.git@v0.770#egg=mypy',
        '-e git+https://user:s3cret@git.example.com/org/tool@1.4.2#egg=tool&subdirectory=py',
        'lib @ git+https://github.com/org/lib@2.0.1',
        'git+https://github.com/org/unpinned#egg=unpinned',
        'hg+https://hg.example.com/repo#egg=nover',
      ].join('\n'),
    );
    expect(ids(out)).toEqual(['lib@2.0.1', 'mypy@v0.770', 'tool@1.4.2']);
    expect(JSON.stringify(out)).not.toContain('s3cret');
  });

  it('invalid lockfiles become unknowns; other files are not selected', async () => {
    for (const path of ['/src/poetry.lock', '/src/uv.lock', '/src/pdm.lock']) {
      const out = await run(path, 'this is not toml = = =');
      expect(out.unknowns).toHaveLength(1);
    }
    expect((await run('/src/Pipfile.lock', '{]')).unknowns).toHaveLength(1);
    expect((await run('/src/Pipfile.lock', '[]')).unknowns).toHaveLength(1);
  });

  it('setup.py: exact pins in string literals, read line by line, never run', async () => {
    const setup = [
      'from setuptools import setup',
      'setup(',
      "    name='example',",
      '    install_requires=[\'pathlib3==2.2.0;python_version<"3.6"\', "mypy==v0.770", " mypy2 == v0.770", \' mypy3== v0.770\',',
      "        'requests>=2.0', 'six', f'{name}==1.0', VERSION_PIN],",
      ')',
      '',
    ].join('\n');
    const out = await catalogFile(pythonPackageCataloger, '/src/app/setup.py', setup);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.purl, p.evidence])).toEqual([
      ['pathlib3', '2.2.0', 'pkg:pypi/pathlib3@2.2.0', 'declared'],
      ['mypy', 'v0.770', 'pkg:pypi/mypy@v0.770', 'declared'],
      ['mypy2', 'v0.770', 'pkg:pypi/mypy2@v0.770', 'declared'],
      ['mypy3', 'v0.770', 'pkg:pypi/mypy3@v0.770', 'declared'],
    ]);
    expect((await catalogFile(pythonPackageCataloger, '/setup.py', '\u0001\u0002binary')).unknowns[0]?.reason).toBe('setup.py is binary');
    const hostile = `'${'a'.repeat(200_000)}${"'a".repeat(100_000)}`;
    expect((await catalogFile(pythonPackageCataloger, '/setup.py', hostile)).packages).toEqual([]);
  });
});
