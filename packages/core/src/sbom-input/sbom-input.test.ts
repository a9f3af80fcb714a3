import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { getReporter } from '../reporters/registry.js';
import { advisoryStoreFromYaml } from '../testing/advisory-store.js';
import { matchVulnerabilities } from '../findings/match-report.js';
import { reportFromSbom, SBOM_INPUT_LIMITS } from './sbom-input.js';

// Small CycloneDX documents written for these tests.
const component = (n: number, components: unknown[] = []): Record<string, unknown> => ({
  type: 'library',
  'bom-ref': `c${n}`,
  name: `pkg${n}`,
  version: '1.0.0',
  purl: `pkg:npm/pkg${n}@1.0.0`,
  ...(components.length > 0 ? { components } : {}),
});

/** A chain of `depth` components, each nested in the one before. */
function chain(depth: number): string {
  let inner: Record<string, unknown> | null = null;
  for (let n = depth - 1; n >= 0; n--) inner = component(n, inner === null ? [] : [inner]);
  return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: inner === null ? [] : [inner] });
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return isSekishoError(error) ? error.code : `not a SekishoError: ${String(error)}`;
  }
}

describe('CycloneDX nesting and size bounds', () => {
  it('reads components nested far deeper than 16 levels (no silent drop)', () => {
    const input = reportFromSbom(chain(200), 'deep.json');
    expect(input.report.packages).toHaveLength(200);
    expect(input.report.packages.map((p) => p.name)).toContain('pkg199');
  });

  it('walks without recursion: a chain deeper than the stack would allow fails with a limit, not a crash', () => {
    expect(codeOf(() => reportFromSbom(chain(SBOM_INPUT_LIMITS.maxDepth + 1), 'deeper.json'))).toBe('LIMIT_SBOM_DEPTH');
    expect(reportFromSbom(chain(SBOM_INPUT_LIMITS.maxDepth), 'at-bound.json').report.packages).toHaveLength(SBOM_INPUT_LIMITS.maxDepth);
  });

  it('refuses more components than the cap with a limit error instead of truncating', () => {
    const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [component(0, [component(1), component(2)]), component(3)] });
    expect(reportFromSbom(doc, 'four.json', { maxComponents: 4 }).report.packages).toHaveLength(4);
    expect(codeOf(() => reportFromSbom(doc, 'four.json', { maxComponents: 3 }))).toBe('LIMIT_SBOM_COMPONENTS');
    const sekisho = JSON.stringify({ schema: 'sekisho.report/v1', packages: [1, 2, 3, 4].map((n) => ({ id: `p${n}`, name: `p${n}`, version: '1', type: 'npm' })) });
    expect(codeOf(() => reportFromSbom(sekisho, 'report.json', { maxComponents: 3 }))).toBe('LIMIT_SBOM_COMPONENTS');
  });

  it('refuses a CycloneDX document over the cap before parsing it', () => {
    const purls = Array.from({ length: 4 }, (_, n) => `{"type":"library","name":"p${n}","purl":"pkg:npm/p${n}@1.0.0"}`).join(',');
    const broken = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${purls}, not json`;
    expect(codeOf(() => reportFromSbom(broken, 'broken.json', { maxComponents: 3 }))).toBe('LIMIT_SBOM_COMPONENTS');
    expect(codeOf(() => reportFromSbom(broken, 'broken.json', { maxComponents: 4 }))).toBe('CONFIG_INVALID');
  });

  it('reads 150,000 components, with OS ownership, in one linear pass', { timeout: 60_000 }, () => {
    const components: unknown[] = [{ type: 'operating-system', name: 'debian', version: '12' }];
    for (let i = 0; i < 150_000; i += 2) {
      components.push({ type: 'library', 'bom-ref': `d${i}`, name: `deb${i}`, version: '1.0-1', purl: `pkg:deb/debian/deb${i}@1.0-1?distro=debian-12` });
      components.push({ type: 'library', 'bom-ref': `p${i}`, name: `py${i}`, version: '1.0', purl: `pkg:pypi/py${i}@1.0`, properties: [{ name: 'sekisho:package:ownedBy', value: `d${i}` }] });
    }
    const input = reportFromSbom(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components }), 'large.json');
    expect(input.report.packages).toHaveLength(150_000);
    expect(input.report.relationships).toHaveLength(75_000);
    expect(input.skipped).toEqual([]);
  });

  it('documents the default bounds', () => {
    expect(SBOM_INPUT_LIMITS.maxComponents).toBe(500_000);
    expect(SBOM_INPUT_LIMITS.maxDepth).toBeGreaterThanOrEqual(1000);
  });
});

describe('OS ownership travels with the SBOM: the same inventory gives the same findings', () => {
  const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '../matchers/__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');
  const base = pkg('deb', 'libexample1', '1.2.3-1', {
    id: 'lib',
    purl: 'pkg:deb/debian/libexample1@1.2.3-1?arch=amd64&distro=debian-12&upstream=example-src',
    source: { name: 'example-src', version: '1.2.3-1' },
  });
  const os = pkg('deb', 'python3-urllib3', '1.26.12-1', {
    id: 'os-u3',
    purl: 'pkg:deb/debian/python3-urllib3@1.26.12-1?arch=all&distro=debian-12&upstream=python-urllib3',
    source: { name: 'python-urllib3', version: '1.26.12-1' },
  });
  const py = pkg('pypi', 'urllib3', '1.26.12', { id: 'py-u3', purl: 'pkg:pypi/urllib3@1.26.12' });
  const inventory = report([base, os, py], distro('debian', '12'), [{ from: 'os-u3', to: 'py-u3', type: 'contains' }]);
  const opts = { now: new Date('2025-01-01T00:00:00Z'), color: false };
  const key = (r: Report, matchOsOwned: boolean): string[] =>
    matchVulnerabilities(r, store, { matchOsOwned })
      .findings.map((f) => `${f.packageType ?? ''}:${f.packageName}@${f.installedVersion} ${f.vulnerabilityId}${f.osOwner ? ` owned-by ${f.osOwner.packageName}` : ''}`)
      .sort();

  it('the fixture has an OS-owned finding that only --match-os-owned reports', () => {
    expect(key(inventory, false).some((k) => k.startsWith('pypi:'))).toBe(false);
    expect(key(inventory, true)).toContain('pypi:urllib3@1.26.12 CVE-2023-43804 owned-by python3-urllib3');
  });

  for (const format of ['cyclonedx-json', 'spdx-json', 'json'] as const) {
    it(`${format} from \`sekisho sbom\` re-matches like the image`, () => {
      const text = getReporter(format)!.render(inventory, opts);
      const input = reportFromSbom(text, `sbom.${format}`);
      expect(key(input.report, false)).toEqual(key(inventory, false));
      expect(key(input.report, true)).toEqual(key(inventory, true));
    });
  }

  it('hand-written CycloneDX: the ownedBy property (bom-ref or purl) marks the OS owner', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { type: 'operating-system', name: 'debian', version: '12' },
        { type: 'library', 'bom-ref': 'deb-u3', name: 'python3-urllib3', version: '1.26.12-1', purl: 'pkg:deb/debian/python3-urllib3@1.26.12-1?upstream=python-urllib3' },
        { type: 'library', 'bom-ref': 'py-u3', name: 'urllib3', version: '1.26.12', purl: 'pkg:pypi/urllib3@1.26.12', properties: [{ name: 'sekisho:package:ownedBy', value: 'deb-u3' }] },
        {
          type: 'library',
          'bom-ref': 'py-u3b',
          name: 'urllib3',
          version: '1.26.12',
          purl: 'pkg:pypi/urllib3@1.26.12?x=1',
          properties: [{ name: 'sekisho:package:ownedBy', value: 'pkg:deb/debian/python3-urllib3@1.26.12-1?upstream=python-urllib3' }],
        },
      ],
    };
    const r = reportFromSbom(JSON.stringify(doc), 'hand.cdx.json').report;
    expect(r.relationships).toEqual([
      { from: 'deb-u3', to: 'py-u3', type: 'contains' },
      { from: 'deb-u3', to: 'py-u3b', type: 'contains' },
    ]);
    const plain = matchVulnerabilities(r, store);
    expect(plain.findings.map((f) => `${f.packageId} ${f.vulnerabilityId}`)).toEqual(['deb-u3 CVE-2023-43804']);
    expect(plain.stats.osOwnedSkipped).toBe(2);
    const all = matchVulnerabilities(r, store, { matchOsOwned: true });
    expect(all.findings.filter((f) => f.packageType === 'pypi').map((f) => [f.packageId, f.osOwner?.packageId, f.match?.searchedBy])).toEqual([
      ['py-u3', 'deb-u3', 'os-owned'],
      ['py-u3b', 'deb-u3', 'os-owned'],
    ]);
  });

  it('hand-written SPDX: `OS package CONTAINS language package` marks the OS owner; the OS package gives the distribution', () => {
    const p = (id: string, name: string, version: string, purl: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      SPDXID: id,
      name,
      versionInfo: version,
      downloadLocation: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }],
      ...extra,
    });
    const doc = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'hand',
      packages: [
        { SPDXID: 'SPDXRef-os', name: 'debian', versionInfo: '12', primaryPackagePurpose: 'OPERATING_SYSTEM' },
        p('SPDXRef-deb', 'python3-urllib3', '1.26.12-1', 'pkg:deb/debian/python3-urllib3@1.26.12-1', { sourceInfo: 'built from source package python-urllib3 1.26.12-1' }),
        p('SPDXRef-py', 'urllib3', '1.26.12', 'pkg:pypi/urllib3@1.26.12'),
        p('SPDXRef-py2', 'urllib3', '1.26.12', 'pkg:pypi/urllib3@1.26.12?x=2'),
      ],
      relationships: [
        { spdxElementId: 'SPDXRef-deb', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-py' },
        { spdxElementId: 'SPDXRef-py2', relationshipType: 'CONTAINED_BY', relatedSpdxElement: 'SPDXRef-deb' },
      ],
    };
    const input = reportFromSbom(JSON.stringify(doc), 'hand.spdx.json');
    expect(input.format).toBe('spdx-json');
    expect(input.report.distro).toMatchObject({ id: 'debian', versionId: '12' });
    const plain = matchVulnerabilities(input.report, store);
    expect(plain.findings.map((f) => `${f.packageId} ${f.vulnerabilityId}`)).toEqual(['SPDXRef-deb CVE-2023-43804']);
    expect(plain.stats.osOwnedSkipped).toBe(2);
    expect(matchVulnerabilities(input.report, store, { matchOsOwned: true }).findings.filter((f) => f.osOwner?.packageId === 'SPDXRef-deb')).toHaveLength(2);
  });

  it('Syft JSON: artifacts by purl, licences old and new, dependency-of and file-overlap ownership, the distro', () => {
    const doc = {
      artifacts: [
        {
          id: 'a1',
          name: 'python3-urllib3',
          version: '1.26.12-1',
          type: 'deb',
          foundBy: 'dpkg-db-cataloger',
          purl: 'pkg:deb/debian/python3-urllib3@1.26.12-1?upstream=python-urllib3',
          licenses: ['MIT'],
          cpes: ['cpe:2.3:a:x:y:1:*:*:*:*:*:*:*'],
          locations: [{ path: '/var/lib/dpkg/status', layerID: `sha256:${'a'.repeat(64)}` }],
        },
        {
          id: 'a2',
          name: 'urllib3',
          version: '1.26.12',
          type: 'python',
          purl: 'pkg:pypi/urllib3@1.26.12',
          licenses: [{ value: 'MIT', spdxExpression: 'MIT', type: 'declared' }],
          cpes: [{ cpe: 'cpe:2.3:a:python:urllib3:1.26.12:*:*:*:*:*:*:*', source: 'nvd-cpe-dictionary' }],
        },
        { id: 'a3', name: 'six', version: '1.16.0', type: 'python', purl: 'pkg:pypi/six@1.16.0' },
        { id: 'a4', name: 'local', version: '', type: 'python' },
      ],
      artifactRelationships: [
        { parent: 'a1', child: 'a2', type: 'ownership-by-file-overlap' },
        { parent: 'a3', child: 'a2', type: 'dependency-of' },
        { parent: 'a2', child: 'file-1', type: 'contains' },
      ],
      distro: { id: 'debian', versionID: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
      descriptor: { name: 'syft', version: '1.20.0' },
      schema: { version: '16.0.24', url: 'https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.0.24.json' },
    };
    const input = reportFromSbom(JSON.stringify(doc), 'image.syft.json');
    expect(input.format).toBe('syft-json');
    expect(input.skipped).toEqual(['artifact local: no purl']);
    expect(input.report.distro).toMatchObject({ id: 'debian', versionId: '12' });
    expect(input.report.packages.map((p) => [p.id, p.type, p.name, p.licenses, p.cpes.length, p.source?.name ?? null, p.locations[0]?.diffId ?? null])).toEqual([
      ['a1', 'deb', 'python3-urllib3', ['MIT'], 1, 'python-urllib3', `sha256:${'a'.repeat(64)}`],
      ['a3', 'pypi', 'six', [], 0, null, null],
      ['a2', 'pypi', 'urllib3', ['MIT'], 1, null, null],
    ]);
    expect(input.report.relationships).toEqual([
      { from: 'a1', to: 'a2', type: 'contains' },
      { from: 'a2', to: 'a3', type: 'depends-on' },
    ]);
    expect(codeOf(() => reportFromSbom(JSON.stringify({ artifacts: [] }), 'x.json'))).toBe('CONFIG_UNSUPPORTED');
  });
});
