import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges, ids } from '../lang-common/test-helpers.js';
import { cocoapodsCataloger, swiftPackageManagerCataloger } from './index.js';
import { swiftPackageUrl } from './package-resolved.js';

const pin = (identity: string, location: string, state: Record<string, string>) => ({ identity, kind: 'remoteSourceControl', location, state });

describe('swift-package-manager-cataloger', () => {
  it('reads format 2 and 3 pins: identity, version, and a purl from the repository URL', async () => {
    for (const version of [2, 3]) {
      const out = await catalogFile(
        swiftPackageManagerCataloger,
        '/src/App/Package.resolved',
        JSON.stringify({
          originHash: 'abc',
          pins: [
            pin('swift-nio', 'https://github.com/apple/swift-nio.git', { revision: 'a1b2', version: '2.62.0' }),
            pin('swift-mmio', 'git@github.com:apple/swift-mmio.git', { branch: 'main', revision: '80c109b87511041338a4d8d88064088c8dfc079b' }),
          ],
          version,
        }),
      );
      expect(out.unknowns).toEqual([]);
      expect(out.packages.map((p) => [p.name, p.version, p.purl, p.evidence])).toEqual([
        ['swift-nio', '2.62.0', 'pkg:swift/github.com/apple/swift-nio@2.62.0', 'declared'],
        // Pinned to a branch: the commit it resolved to is the version.
        ['swift-mmio', '80c109b87511041338a4d8d88064088c8dfc079b', 'pkg:swift/github.com/apple/swift-mmio@80c109b87511041338a4d8d88064088c8dfc079b', 'declared'],
      ]);
      expect(out.packages[1]?.metadata).toMatchObject({ fields: { branch: 'main', location: 'git@github.com:apple/swift-mmio.git' } });
    }
  });

  it('reads format 1 (object.pins, package and repositoryURL)', async () => {
    const out = await catalogFile(
      swiftPackageManagerCataloger,
      '/src/Package.resolved',
      JSON.stringify({
        object: { pins: [{ package: 'Alamofire', repositoryURL: 'https://github.com/Alamofire/Alamofire', state: { branch: null, revision: 'f96b', version: '5.8.1' } }] },
        version: 1,
      }),
    );
    expect(out.packages.map((p) => p.purl)).toEqual(['pkg:swift/github.com/Alamofire/Alamofire@5.8.1']);
  });

  it('an empty file or object resolves nothing; another format, bad JSON or pins it cannot read are unknowns', async () => {
    for (const empty of ['', '{}']) expect(await catalogFile(swiftPackageManagerCataloger, '/Package.resolved', empty)).toMatchObject({ packages: [], unknowns: [] });
    const unknownFormat = await catalogFile(swiftPackageManagerCataloger, '/Package.resolved', JSON.stringify({ pins: [], version: 'two' }));
    expect(unknownFormat.unknowns[0]?.reason).toContain('format "two" is not one this reads');
    expect((await catalogFile(swiftPackageManagerCataloger, '/Package.resolved', '{"pins": [')).unknowns).toHaveLength(1);
    const noVersion = await catalogFile(
      swiftPackageManagerCataloger,
      '/Package.resolved',
      JSON.stringify({ pins: [pin('x', 'https://h/o/x', {}), pin('y', 'https://h/o/y', { version: '1.0.0' })], version: 2 }),
    );
    expect(ids(noVersion)).toEqual(['y@1.0.0']);
    expect(noVersion.unknowns[0]?.reason).toContain('1 pin(s) without an identity or a version and revision');
  });

  it.each([
    ['https://github.com/apple/swift-nio.git', 'github.com/apple/swift-nio'],
    ['https://user:token@gitlab.example.com/group/sub/lib/', 'gitlab.example.com/group/sub/lib'],
    ['ssh://git@github.com/o/r.git', 'github.com/o/r'],
    ['git@github.com:o/r.git', 'github.com/o/r'],
    ['/Users/me/local-package', null],
    ['https://example.com', null],
  ])('the package URL of %s is %s', (location, url) => {
    expect(swiftPackageUrl(location)).toBe(url);
  });
});

const PODFILE_LOCK = `PODS:
  - GlossButtonNode (3.1.2):
    - Texture/Core (~> 3)
    - TextureSwiftSupport (>= 3.10.0)
  - PINCache (3.0.3):
    - PINCache/Arc-exception-safe (= 3.0.3)
  - PINCache/Arc-exception-safe (3.0.3)
  - Reveal-SDK (33)
  - Texture/Core (3.1.0)
  - TextureSwiftSupport (3.13.0)

DEPENDENCIES:
  - GlossButtonNode
  - Reveal-SDK

SPEC CHECKSUMS:
  GlossButtonNode: 4ea1197a744f2fb5fb875fe31caf17ded4762e8f
  PINCache: 7a8fc1a691173d21dbddbf86cd515de6efa55086
  Texture: 2e8ab2519452515f7f5a520f5a8f7e0a413abfa3

PODFILE CHECKSUM: 8a9d4b5c
COCOAPODS: 1.11.3
`;

describe('cocoapods-cataloger', () => {
  it('reads every pod and subspec with its version, root checksum and dependency edges', async () => {
    const out = await catalogFile(cocoapodsCataloger, '/ios/Podfile.lock', PODFILE_LOCK);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['GlossButtonNode', '3.1.2', 'pkg:cocoapods/GlossButtonNode@3.1.2'],
      ['PINCache', '3.0.3', 'pkg:cocoapods/PINCache@3.0.3'],
      ['PINCache/Arc-exception-safe', '3.0.3', 'pkg:cocoapods/PINCache/Arc-exception-safe@3.0.3'],
      ['Reveal-SDK', '33', 'pkg:cocoapods/Reveal-SDK@33'],
      ['Texture/Core', '3.1.0', 'pkg:cocoapods/Texture/Core@3.1.0'],
      ['TextureSwiftSupport', '3.13.0', 'pkg:cocoapods/TextureSwiftSupport@3.13.0'],
    ]);
    expect(out.packages.find((p) => p.name === 'Texture/Core')?.metadata).toMatchObject({ fields: { checksum: '2e8ab2519452515f7f5a520f5a8f7e0a413abfa3' } });
    expect(edges(out)).toEqual(['GlossButtonNode -> Texture/Core', 'GlossButtonNode -> TextureSwiftSupport', 'PINCache -> PINCache/Arc-exception-safe']);
  });

  it('a file without PODS, or entries not of the form Name (version), are unknowns', async () => {
    expect((await catalogFile(cocoapodsCataloger, '/Podfile.lock', 'bogus')).unknowns[0]?.reason).toContain('no PODS list');
    const odd = await catalogFile(cocoapodsCataloger, '/Podfile.lock', 'PODS:\n  - Good (1.0)\n  - NoVersion\n  - 42\n');
    expect(ids(odd)).toEqual(['Good@1.0']);
    expect(odd.unknowns[0]?.reason).toContain("2 PODS entr(ies) not of the form 'Name (version)'");
  });
});
