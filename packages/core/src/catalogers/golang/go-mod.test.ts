import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { goModuleFileCataloger } from './go-mod-cataloger.js';
import { parseGoMod, parseGoSum } from './go-mod.js';

const GO_MOD = `module example.com/app

go 1.22
toolchain go1.22.5

require github.com/single/line v1.0.0

require (
	github.com/a/b v1.2.3
	"github.com/quoted/mod" v0.1.0 // indirect
	golang.org/x/text v0.3.0
	example.com/local v0.0.0
)

replace golang.org/x/text v0.3.0 => golang.org/x/text v0.3.8
replace example.com/local => ../local
exclude github.com/a/b v1.2.2
`;

describe('parseGoMod', () => {
  it('reads line and block requires, quoted paths, indirect markers and replacements', () => {
    const mod = parseGoMod(GO_MOD);
    if ('error' in mod) throw new Error(mod.error);
    expect(mod.module).toBe('example.com/app');
    expect(mod.toolchain).toBe('go1.22.5');
    expect(mod.requires.map((r) => [r.path, r.version, r.indirect, r.replace])).toEqual([
      ['github.com/single/line', 'v1.0.0', false, null],
      ['github.com/a/b', 'v1.2.3', false, null],
      ['github.com/quoted/mod', 'v0.1.0', true, null],
      ['golang.org/x/text', 'v0.3.0', false, { path: 'golang.org/x/text', version: 'v0.3.8' }],
      ['example.com/local', 'v0.0.0', false, { path: '../local', version: '' }],
    ]);
  });

  it('rejects unknown directives and unterminated blocks', () => {
    expect(parseGoMod('module x\nruire (\n)\n')).toHaveProperty('error');
    expect(parseGoMod('module x\nrequire (\n a v1\n')).toHaveProperty('error');
  });
});

describe('goModuleFileCataloger', () => {
  it('applies replacements and keeps local ones under the original name', async () => {
    const out = await catalogFile(goModuleFileCataloger, '/src/go.mod', GO_MOD);
    expect(out.packages.map((p) => p.purl)).toEqual([
      'pkg:golang/github.com/single/line@v1.0.0',
      'pkg:golang/github.com/a/b@v1.2.3',
      'pkg:golang/github.com/quoted/mod@v0.1.0',
      'pkg:golang/golang.org/x/text@v0.3.8',
      'pkg:golang/example.com/local@v0.0.0',
      null,
    ]);
    expect(out.packages.every((p) => p.evidence === 'declared')).toBe(true);
    // The local directory a relative replace points at is listed too (as Syft does), without a version.
    expect(out.packages.at(-1)).toMatchObject({ name: '../local', version: '' });
    expect(out.unknowns).toEqual([{ path: '/src/go.mod', reason: 'example.com/local is replaced by the local directory ../local: no version, cannot be matched against advisories' }]);
  });

  it('reads go.sum digests, skipping /go.mod lines', () => {
    const sums = parseGoSum('a v1 h1:zip=\na v1/go.mod h1:mod=\nbroken line\n');
    expect([...sums]).toEqual([['a@v1', 'h1:zip=']]);
  });
});

const fixtures = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'golang', 'testdata');
describe.skipIf(!fixtures)('Syft go.mod fixtures', () => {
  it('go-sum-hashes: replaced module and digests from go.sum', async () => {
    const out = await catalogDirectory(goModuleFileCataloger, resolve(fixtures ?? '', 'go-sum-hashes'));
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'github.com/CycloneDX/cyclonedx-go@v0.6.0',
      'github.com/acarl005/stripansi@v0.0.0-20180116102854-5a71ef0e047d',
      'github.com/mgutz/ansi@v0.0.0-20200706080929-d51e80ef957d',
    ]);
    const digest = (name: string) => {
      const m = out.packages.find((p) => p.name === name)?.metadata;
      return m?.type === 'language-package' ? m.fields.h1Digest : undefined;
    };
    expect(digest('github.com/acarl005/stripansi')).toMatch(/^h1:/);
  });

  it('corrupt go.mod becomes an unknown', async () => {
    const out = await catalogDirectory(goModuleFileCataloger, resolve(fixtures ?? '', 'corrupt'));
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
  });
});
