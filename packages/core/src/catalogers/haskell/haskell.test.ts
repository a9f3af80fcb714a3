import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { ids } from '../lang-common/test-helpers.js';
import { haskellCabalFreezeCataloger, haskellStackCataloger, haskellStackLockCataloger } from './index.js';

describe('haskell-stack-cataloger', () => {
  it('reads extra-deps with their pantry hashes; other deps (git, local) are counted', async () => {
    const stack = `resolver: lts-18.28
packages:
  - .
extra-deps:
  - ShellCheck-0.8.0@sha256:353c9322847b661e4c6f7c83c2acf8e5c08b682fbe516c7d46c29605937543df,3297
  - language-docker-11.0.0
  - git: https://github.com/example/lib.git
    commit: 0123456789abcdef
`;
    const out = await catalogFile(haskellStackCataloger, '/src/stack.yaml', stack);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl])).toEqual([
      ['ShellCheck', '0.8.0', 'hackage', 'pkg:hackage/ShellCheck@0.8.0'],
      ['language-docker', '11.0.0', 'hackage', 'pkg:hackage/language-docker@11.0.0'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { pkgHash: 'sha256:353c9322847b661e4c6f7c83c2acf8e5c08b682fbe516c7d46c29605937543df', size: '3297' } });
    expect(out.unknowns[0]?.reason).toContain('1 entr(ies) that name no Hackage package and version');
    expect((await catalogFile(haskellStackCataloger, '/stack.yaml', 'resolver: [\n')).unknowns).toHaveLength(1);
  });
});

describe('haskell-stack-lock-cataloger', () => {
  it('reads the completed Hackage identifiers and the snapshot', async () => {
    const lock = `packages:
- completed:
    hackage: hspec-2.9.4@sha256:658a6a74d5a70c040edd6df2a12228c6d9e63082adaad1ed4d0438ad082a0ef3,1709
    pantry-tree:
      size: 1093
      sha256: 7e9f3b0c6f4f9e4c6a3f2a2d9f6f1e4b5a6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e
  original:
    hackage: hspec-2.9.4
snapshots:
- completed:
    size: 586296
    url: https://raw.githubusercontent.com/commercialhaskell/stackage-snapshots/master/lts/18/28.yaml
  original: lts-18.28
`;
    const out = await catalogFile(haskellStackLockCataloger, '/src/stack.yaml.lock', lock);
    expect(ids(out)).toEqual(['hspec@2.9.4']);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { snapshot: 'https://raw.githubusercontent.com/commercialhaskell/stackage-snapshots/master/lts/18/28.yaml' } });
  });
});

describe('haskell-cabal-freeze-cataloger', () => {
  it('reads every pinned version; flag settings pin nothing; the field ends at the next one', async () => {
    const freeze = `active-repositories: hackage.haskell.org:merge
constraints: any.Cabal ==3.2.1.0,
             any.aeson ==2.0.3.0,
             aeson -cffi,
             any.text +integer-gmp,
             base ==4.14.3.0
index-state: hackage.haskell.org 2022-03-05T19:08:40Z
`;
    const out = await catalogFile(haskellCabalFreezeCataloger, '/src/cabal.project.freeze', freeze);
    expect(ids(out)).toEqual(['Cabal@3.2.1.0', 'aeson@2.0.3.0', 'base@4.14.3.0']);
    expect(out.unknowns).toEqual([]);
    expect((await catalogFile(haskellCabalFreezeCataloger, '/cabal.project.freeze', 'nothing here')).unknowns[0]?.reason).toContain('no constraints');
  });
});

describe('haskell catalogers on hostile input', () => {
  it('a huge identifier is not a package, and costs no quadratic split', async () => {
    const stack = `extra-deps:\n  - ${'a-1'.repeat(400_000)}x\n  - ok-1.0\n`;
    const out = await catalogFile(haskellStackCataloger, '/stack.yaml', stack);
    expect(ids(out)).toEqual(['ok@1.0']);
    expect(out.unknowns[0]?.reason).toContain('1 entr(ies)');
  });
});
