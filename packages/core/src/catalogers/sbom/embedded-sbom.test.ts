import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { sbomCataloger } from './index.js';

const CDX = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  components: [
    { type: 'library', 'bom-ref': 'a', name: 'express', version: '4.18.2', purl: 'pkg:npm/express@4.18.2', licenses: [{ license: { id: 'MIT' } }] },
    { type: 'library', 'bom-ref': 'b', name: 'qs', version: '6.11.0', purl: 'pkg:npm/qs@6.11.0' },
    { type: 'library', 'bom-ref': 'c', name: 'vendored', version: '1.0' },
  ],
  dependencies: [{ ref: 'a', dependsOn: ['b'] }],
});

describe('sbom-cataloger', () => {
  it('lists the packages an SBOM shipped in the image states, with the SBOM as evidence; entries without a purl are unknowns', async () => {
    const out = await catalogFile(sbomCataloger, '/usr/share/sbom/app.cdx.json', CDX);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.licenses, p.evidence, p.paths])).toEqual([
      ['express', '4.18.2', 'npm', 'pkg:npm/express@4.18.2', ['MIT'], 'declared', ['/usr/share/sbom/app.cdx.json']],
      ['qs', '6.11.0', 'npm', 'pkg:npm/qs@6.11.0', [], 'declared', ['/usr/share/sbom/app.cdx.json']],
    ]);
    expect(out.unknowns).toEqual([{ path: '/usr/share/sbom/app.cdx.json', reason: '1 SBOM entry not read (component vendored: no purl)' }]);
  });

  it('reads Syft JSON too; says which formats it does not read; leaves Bitnami’s documents to their cataloger', async () => {
    const syft = JSON.stringify({ artifacts: [{ id: 'x', name: 'zlib', version: '1.3.1-r0', type: 'apk', purl: 'pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64' }], descriptor: { name: 'syft' } });
    expect((await catalogFile(sbomCataloger, '/app.syft.json', syft)).packages.map((p) => [p.type, p.name])).toEqual([['apk', 'zlib']]);
    expect((await catalogFile(sbomCataloger, '/bom.cdx', '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>')).unknowns[0]?.reason).toBe(
      'SBOM not read: an XML SBOM (CycloneDX XML or SPDX RDF) is not read; only JSON SBOMs are',
    );
    expect((await catalogFile(sbomCataloger, '/x.spdx', 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n')).unknowns[0]?.reason).toContain('SPDX tag-value');
    expect((await catalogFile(sbomCataloger, '/sbom', 'bogus')).unknowns[0]?.reason).toBe('SBOM not read: not an SBOM Sekisho reads (CycloneDX, SPDX 2, Syft or Sekisho JSON)');
    expect((await catalogFile(sbomCataloger, '/sbom', '{"hello": 1}')).unknowns[0]?.reason).toContain('SBOM not read: not a CycloneDX JSON document');
    expect(await catalogFile(sbomCataloger, '/opt/bitnami/redis/.spdx-redis.spdx', CDX)).toMatchObject({ packages: [], unknowns: [] });
    expect(await catalogFile(sbomCataloger, '/empty.cdx.json', '')).toMatchObject({ packages: [], unknowns: [] });
  });

  const globs = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'sbom', 'testdata', 'glob-paths');
  it.skipIf(globs === null)('selects the file names Syft’s sbom cataloger reads', async () => {
    const out = await catalogDirectory(sbomCataloger, globs ?? '');
    expect([...out.selectedPaths].sort()).toEqual([
      '/app.bom',
      '/app.bom.json',
      '/app.cdx',
      '/app.cdx.json',
      '/app.sbom',
      '/app.sbom.json',
      '/app.spdx',
      '/app.spdx.json',
      '/app.syft.json',
      '/bom',
      '/sbom',
    ]);
    expect(out.packages).toEqual([]);
  });
});
