import { describe, expect, it } from 'vitest';
import { catalogDirectory, TEST_CATALOG_CONTEXT } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import type { CatalogOutput } from '../types.js';
import { nixStoreCataloger } from './index.js';
import { derivationOutputs, parseStorePathName } from './nix-store.js';

const HASH = 'h0cnbmfcn93xm5dg2x27ixhag1cwndga';

async function catalog(files: Record<string, string>): Promise<CatalogOutput> {
  const outputs: CatalogOutput[] = [];
  for (const [path, content] of Object.entries(files)) {
    const read = nixStoreCataloger.readsContent?.(path) ?? true;
    outputs.push(await nixStoreCataloger.parse({ path, content: Buffer.from(read ? content : ''), mode: 0o644, layerIndex: 0 }, TEST_CATALOG_CONTEXT));
  }
  return nixStoreCataloger.finish ? nixStoreCataloger.finish(outputs, TEST_CATALOG_CONTEXT) : { packages: [], relationships: [], ownership: [], unknowns: [] };
}

describe('nix-store-cataloger', () => {
  it.each([
    [`${HASH}-glibc-2.34-210-bin`, { name: 'glibc', version: '2.34-210', output: 'bin' }],
    [`${HASH}-glibc-2.34-210`, { name: 'glibc', version: '2.34', output: '' }],
    [`${HASH}-python3-3.11.4`, { name: 'python3', version: '3.11.4', output: '' }],
    [`${HASH}-openssl-3.0.7-dev`, { name: 'openssl', version: '3.0.7', output: 'dev' }],
    [`${HASH}-gcc-wrapper-12.2.0`, { name: 'gcc-wrapper', version: '12.2.0', output: '' }],
    [`${HASH}-nix-index-unstable-2023-01-02`, { name: 'nix-index', version: 'unstable-2023-01-02', output: '' }],
    [`${HASH}-source`, null],
    [`${HASH}-glibc-2.34-210.drv`, null],
  ])('splits the store path %s as Syft does', (base, expected) => {
    const parsed = parseStorePathName(base);
    expect(parsed === null ? null : { name: parsed.name, version: parsed.version, output: parsed.output }).toEqual(expected);
    if (parsed !== null) expect(parsed.outputHash).toBe(HASH);
  });

  it('reads the outputs a derivation builds, and nothing from text that is not one', () => {
    expect([...derivationOutputs('Derive([("bin","/nix/store/a-x-1-bin","",""),("out","/nix/store/b-x-1","","")],[("/nix/store/c.drv",["out"])])')]).toEqual([
      ['bin', '/nix/store/a-x-1-bin'],
      ['out', '/nix/store/b-x-1'],
    ]);
    expect(derivationOutputs('not a derivation').size).toBe(0);
  });

  it('makes one package per versioned store path from file paths alone, with its files; the derivation adds drvpath', async () => {
    expect(nixStoreCataloger.readsContent?.(`/nix/store/${HASH}-glibc-2.34-210-bin/lib/libc.so.6`)).toBe(false);
    expect(nixStoreCataloger.readsContent?.('/nix/store/5av-glibc-2.34-210.drv')).toBe(true);
    const out = await catalog({
      [`/nix/store/${HASH}-glibc-2.34-210-bin/lib/libc.so.6`]: '',
      [`/nix/store/${HASH}-glibc-2.34-210-bin/bin/ldd`]: '',
      '/nix/store/5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv': `Derive([("bin","/nix/store/${HASH}-glibc-2.34-210-bin","","")],[])`,
      '/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-source/README': '',
      '/nix/store/bad.drv': 'garbage',
    });
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.paths, p.files])).toEqual([
      [
        'glibc',
        '2.34-210',
        'nix',
        `pkg:nix/glibc@2.34-210?drvpath=5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv&output=bin&outputhash=${HASH}`,
        [`/nix/store/${HASH}-glibc-2.34-210-bin`],
        [`/nix/store/${HASH}-glibc-2.34-210-bin/bin/ldd`, `/nix/store/${HASH}-glibc-2.34-210-bin/lib/libc.so.6`],
      ],
    ]);
    expect(out.unknowns).toEqual([{ path: '/nix/store/bad.drv', reason: 'Nix derivation not read: not an ATerm Derive(...) with outputs' }]);
  });

  const fixture = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'nix', 'testdata', 'fixture-1');
  it.skipIf(fixture === null)('reads Syft’s Nix store fixture', async () => {
    const out = await catalogDirectory(nixStoreCataloger, fixture ?? '');
    expect(out.packages.map((p) => p.purl)).toEqual([`pkg:nix/glibc@2.34-210?drvpath=5av396z8xa13jg89g9jws145c0k26k2x-glibc-2.34-210.drv&output=bin&outputhash=${HASH}`]);
  });
});
