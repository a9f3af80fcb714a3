import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../util/file-selector.js';
import { catalogFile } from '../../testing/catalog-tester.js';
import { edges } from '../lang-common/test-helpers.js';
import { bitnamiCataloger } from './bitnami-spdx.js';

const SPDX = '/opt/bitnami/postgresql/.spdx-postgresql.spdx';

const spdxPackage = (name: string, version: string, purl: string | null, license = 'MIT') => ({
  SPDXID: `SPDXRef-${name}`,
  name,
  versionInfo: version,
  licenseConcluded: license,
  externalRefs: [
    { referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: `cpe:2.3:*:${name}:${name}:${version}:*:*:*:*:*:*:*` },
    ...(purl === null ? [] : [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }]),
  ],
});

const DOCUMENT = {
  spdxVersion: 'SPDX-2.3',
  packages: [
    spdxPackage('postgresql', '17.2.0-8', 'pkg:bitnami/postgresql@17.2.0-8?arch=amd64&distro=debian-12', 'PostgreSQL'),
    spdxPackage('geos', '3.13.0', 'pkg:bitnami/geos@3.13.0?arch=amd64&distro=debian-12', 'NOASSERTION'),
    spdxPackage('helper', '1.0', 'pkg:generic/helper@1.0'),
    spdxPackage('unnamed-version', '', 'pkg:bitnami/x@1?arch=amd64'),
  ],
  relationships: [
    { spdxElementId: 'SPDXRef-postgresql', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-geos' },
    { spdxElementId: 'SPDXRef-postgresql', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-helper' },
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-postgresql' },
  ],
};

describe('bitnami-cataloger', () => {
  it('reads the components a Bitnami image describes: Bitnami purls, CPEs, licences, contains edges', async () => {
    const out = await catalogFile(bitnamiCataloger, SPDX, JSON.stringify(DOCUMENT));
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.licenses, p.evidence])).toEqual([
      ['postgresql', '17.2.0-8', 'bitnami', 'pkg:bitnami/postgresql@17.2.0-8?arch=amd64&distro=debian-12', ['PostgreSQL'], 'installed'],
      ['geos', '3.13.0', 'bitnami', 'pkg:bitnami/geos@3.13.0?arch=amd64&distro=debian-12', [], 'installed'],
    ]);
    expect(out.packages[0]?.cpes).toEqual(['cpe:2.3:*:postgresql:postgresql:17.2.0-8:*:*:*:*:*:*:*']);
    expect(edges(out)).toEqual(['postgresql -> geos']);
  });

  it('a document that is not SPDX JSON with packages is an unknown', async () => {
    expect((await catalogFile(bitnamiCataloger, SPDX, 'SPDXVersion: SPDX-2.3')).unknowns).toHaveLength(1);
    expect((await catalogFile(bitnamiCataloger, SPDX, '{"spdxVersion": "SPDX-2.3"}')).unknowns[0]?.reason).toContain('no packages list');
  });

  it('selects the documents under /opt/bitnami only', () => {
    const selects = compileSelector(bitnamiCataloger.selector);
    expect(selects('/opt/bitnami/redis/.spdx-redis.spdx')).toBe(true);
    expect(selects('/opt/bitnami/common/lib/.spdx-common.spdx')).toBe(true);
    expect(selects('/app/opt/bitnami/redis/.spdx-redis.spdx')).toBe(false);
    expect(selects('/opt/bitnami/redis/redis.spdx')).toBe(false);
  });
});
