import { describe, expect, it } from 'vitest';
import { getVersionScheme, isAffectedByEvents } from '../../../versioning/index.js';
import { writeZip } from '@sekisho/testkit';
import { diskFile, memoryFile, runImporter } from '../util/test-feed.js';
import { normalizeOsvRecord, osvImporter } from './index.js';

// Hand-written OSV records in the shapes of PyPA, Go vulndb, GHSA and Ubuntu records.
const pysec = `id: PYSEC-2099-1
modified: '2024-01-02T00:00:00Z'
published: '2023-12-30T00:00:00Z'
aliases:
- CVE-2099-0001
- GHSA-xxxx-yyyy-zzzz
details: A made-up flaw.
affected:
- package:
    name: Example_Pkg
    ecosystem: PyPI
  ranges:
  - type: GIT
    repo: https://example.invalid/repo
    events:
    - introduced: 0123abc
  - type: ECOSYSTEM
    events:
    - introduced: '1.0'
    - fixed: '1.10'
  versions:
  - '1.0'
  - '1.9'
`;

const goRecord = {
  schema_version: '1.3.1',
  id: 'GO-2099-0001',
  modified: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2099-0002'],
  summary: 'made up',
  affected: [
    {
      package: { name: 'example.com/mod', ecosystem: 'Go' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.23.0' }, { introduced: '1.0.0' }, { last_affected: '1.2.0' }] }],
      ecosystem_specific: { imports: [{ path: 'example.com/mod/pkg', symbols: ['F'] }] },
    },
  ],
  database_specific: { url: 'https://pkg.go.dev/vuln/GO-2099-0001' },
};

describe('OSV importer', () => {
  it('normalizes a YAML record: PEP 503 name, ECOSYSTEM range kept, GIT range dropped', async () => {
    const { advisories, skipped, detected } = await runImporter(osvImporter, memoryFile('osv-pypi/example-pkg/PYSEC-2099-1.yaml', pysec));
    expect(detected).toBe(true);
    expect(skipped).toEqual([]);
    const [advisory] = advisories;
    expect(advisory).toMatchObject({ id: 'PYSEC-2099-1', source: 'osv-pypi', aliases: ['CVE-2099-0001', 'GHSA-xxxx-yyyy-zzzz'] });
    const affected = advisory!.affected[0]!;
    expect(affected).toMatchObject({ namespace: 'PyPI', packageName: 'example-pkg', fixedVersions: ['1.10'], versions: ['1.0', '1.9'], status: 'fixed' });
    // '1.10' stayed a string (not the number 1.1): 1.9 is affected, 1.10 is not.
    const pep440 = getVersionScheme('pep440');
    expect(affected.ranges).toHaveLength(1);
    expect(isAffectedByEvents(pep440, '1.9', affected.ranges[0]!.events)).toBe(true);
    expect(isAffectedByEvents(pep440, '1.10', affected.ranges[0]!.events)).toBe(false);
  });

  it('prefixes Go versions with v and keeps last_affected', () => {
    const advisory = normalizeOsvRecord(goRecord);
    expect(advisory.source).toBe('osv-go');
    expect(advisory.affected[0]?.ranges[0]).toEqual({
      scheme: 'golang',
      events: [{ introduced: '0' }, { fixed: 'v0.23.0' }, { introduced: 'v1.0.0' }, { last_affected: 'v1.2.0' }],
    });
  });

  it('maps distro ecosystems, vendor severity and Ubuntu upstream CVEs', () => {
    const advisory = normalizeOsvRecord({
      id: 'USN-9999-1',
      upstream: ['UBUNTU-CVE-2099-1234'],
      affected: [
        {
          package: { ecosystem: 'Ubuntu:Pro:20.04:LTS', name: 'openssl' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1f-1ubuntu2.99' }] }],
          ecosystem_specific: { priority: 'medium' },
        },
        { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [] },
        { package: { ecosystem: 'Alpine:v3.20', name: 'openssl' }, ranges: [] },
        { package: { ecosystem: 'NotAnEcosystem', name: 'x' } },
      ],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    });
    expect(advisory.aliases).toEqual(['CVE-2099-1234']);
    expect(advisory.affected.map((a) => a.namespace)).toEqual(['ubuntu:20.04:pro', 'debian:12', 'alpine:3.20']);
    expect(advisory.affected[0]).toMatchObject({ vendorSeverity: 'medium', ranges: [{ scheme: 'deb' }] });
    expect(advisory.severity).toEqual([{ source: 'osv-ubuntu', type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]);
  });

  it('normalizes npm and Maven names and keeps withdrawn', () => {
    const advisory = normalizeOsvRecord({
      id: 'GHSA-aaaa-bbbb-cccc',
      withdrawn: '2024-05-01T00:00:00Z',
      database_specific: { severity: 'MODERATE' },
      affected: [
        { package: { ecosystem: 'npm', name: 'Left-Pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] },
        { package: { ecosystem: 'Maven', name: 'org.example:lib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] },
      ],
    });
    expect(advisory).toMatchObject({ source: 'ghsa', withdrawn: '2024-05-01T00:00:00Z' });
    expect(advisory.affected.map((a) => [a.packageName, a.ranges[0]?.scheme, a.status, a.vendorSeverity])).toEqual([
      ['left-pad', 'npm', 'not-fixed', 'medium'],
      ['org.example:lib', 'maven', 'fixed', 'medium'],
    ]);
    expect(advisory.severity).toContainEqual({ source: 'ghsa', type: 'vendor', score: 'MODERATE' });
  });

  it("keeps ECOSYSTEM ranges of the ecosystems Sekisho matches with semantic versions (Bitnami's among them)", () => {
    const advisory = normalizeOsvRecord({
      id: 'BIT-redis-2024-31449',
      affected: [
        { package: { ecosystem: 'Bitnami', name: 'redis' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '7.0.0' }, { fixed: '7.2.6' }] }] },
        { package: { ecosystem: 'Hex', name: 'plug' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.14.2' }] }] },
      ],
    });
    expect(advisory.affected.map((a) => [a.namespace, a.packageName, a.ranges[0]?.scheme, a.fixedVersions])).toEqual([
      ['Bitnami', 'redis', 'semver', ['7.2.6']],
      ['Hex', 'plug', 'semver', ['1.14.2']],
    ]);
  });

  it('skips malformed records with a reason', async () => {
    for (const [name, text, reason] of [
      ['bad.json', '{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{}]}]}], "modified": ""}', /no introduced/],
      ['trunc.json', '{"id": "X-2", "modified": "2024', /JSON/],
      ['noid.yaml', 'id:\n  nested: 1\nmodified: x\naffected: []\n', /invalid id/],
    ] as const) {
      const { advisories, skipped } = await runImporter(osvImporter, memoryFile(name, text));
      expect(advisories).toEqual([]);
      expect(skipped).toEqual([{ source: 'osv', record: name, reason: expect.stringMatching(reason) }]);
    }
  });

  it('reads all.zip archives entry by entry, skipping bad entries', async () => {
    const zip = writeZip([
      { name: 'GO-2099-0001.json', data: JSON.stringify(goRecord) },
      { name: 'broken.json', data: '{"id": ' },
      { name: 'README.txt', data: 'not a record' },
      // declares 10 bytes but inflates to 100 kB: the reader's size check stops it
      { name: 'bomb.json', data: `{"id":"B-1","x":"${'a'.repeat(100_000)}"}`, declaredSize: 10 },
    ]);
    const { file, cleanup } = await diskFile('all.zip', zip);
    try {
      const { advisories, skipped, detected } = await runImporter(osvImporter, file);
      expect(detected).toBe(true);
      expect(advisories.map((a) => a.id)).toEqual(['GO-2099-0001']);
      expect(skipped.map((s) => s.record)).toEqual(['all.zip!broken.json', 'all.zip!bomb.json']);
    } finally {
      cleanup();
    }
  });

  it('refuses archives with escaping names', async () => {
    const { file, cleanup } = await diskFile('all.zip', writeZip([{ name: '../../evil.json', data: JSON.stringify(goRecord), store: true }]));
    try {
      await expect(runImporter(osvImporter, file)).rejects.toThrow(/invalid relative path|\.\./);
    } finally {
      cleanup();
    }
  });
});
