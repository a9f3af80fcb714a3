import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { rpmCataloger, sourceOf } from './index.js';

describe('rpm-db-cataloger', () => {
  it('reads the SQLite database rpm wrote, with epoch-qualified versions and source packages', async () => {
    const db = gunzipSync(readFileSync(new URL('./__fixtures__/rpmdb.sqlite.gz', import.meta.url)));
    const out = await catalogFile(rpmCataloger, '/var/lib/rpm/rpmdb.sqlite', db);
    const hello = out.packages.find((p) => p.name === 'sekisho-hello');
    expect(hello).toMatchObject({
      version: '2:1.2.3-4.fx1',
      type: 'rpm',
      licenses: ['MIT AND Apache-2.0'],
      source: { name: 'sekisho-hello', version: '1.2.3-4.fx1' },
      metadata: { type: 'rpm-db-entry', epoch: 2, version: '1.2.3', release: '4.fx1', architecture: 'noarch', vendor: 'Sekisho Fixtures' },
    });
    expect(hello?.files).toContain('/etc/sekisho-hello.conf');
    expect(out.unknowns).toEqual([]);
  });

  it('reads BerkeleyDB Packages', async () => {
    const db = readFileSync(new URL('./__fixtures__/Packages', import.meta.url));
    const out = await catalogFile(rpmCataloger, '/var/lib/rpm/Packages', db);
    expect(out.packages.map((p) => p.name).sort()).toEqual(['sekisho-hello', 'sekisho-many']);
  });

  it('turns a corrupt database into an unknown', async () => {
    const out = await catalogFile(rpmCataloger, '/var/lib/rpm/rpmdb.sqlite', Buffer.from('SQLite format 3\0garbage'));
    expect(out.packages).toEqual([]);
    expect(out.unknowns).toHaveLength(1);
  });

  it.each([
    ['openssl-3.0.7-27.el9.src.rpm', { name: 'openssl', version: '3.0.7-27.el9' }],
    ['python3.11-3.11.5-1.el9_3.src.rpm', { name: 'python3.11', version: '3.11.5-1.el9_3' }],
    ['garbage', null],
  ])('source of %s', (text, expected) => {
    expect(sourceOf(text)).toEqual(expected);
  });
});

describe('CBL-Mariner container manifest', () => {
  const line = (fields: string[]) => fields.join('\t');
  it('reads container-manifest-2: epochs, source RPMs, vendor; malformed lines counted in an unknown', async () => {
    const text = [
      line(['glibc', '2.35-2.cm2', '1653816591', '1653628955', 'Microsoft Corporation', '(none)', '10855265', 'x86_64', '0', 'glibc-2.35-2.cm2.src.rpm']),
      line(['vim', '9.0-1.cm2', '1653816591', '1653753130', 'Microsoft Corporation', '2', '45000', 'x86_64', '2', 'vim-9.0-1.cm2.src.rpm']),
      line(['broken', 'noversion']),
      '',
    ].join('\n');
    const out = await catalogFile(rpmCataloger, '/var/lib/rpmmanifest/container-manifest-2', text);
    expect(out.packages.map((p) => [p.name, p.version, p.source?.name, p.metadata])).toEqual([
      [
        'glibc',
        '2.35-2.cm2',
        'glibc',
        { type: 'rpm-db-entry', epoch: 0, version: '2.35', release: '2.cm2', architecture: 'x86_64', vendor: 'Microsoft Corporation', sourceRpm: 'glibc-2.35-2.cm2.src.rpm', modularityLabel: null },
      ],
      [
        'vim',
        '2:9.0-1.cm2',
        'vim',
        { type: 'rpm-db-entry', epoch: 2, version: '9.0', release: '1.cm2', architecture: 'x86_64', vendor: 'Microsoft Corporation', sourceRpm: 'vim-9.0-1.cm2.src.rpm', modularityLabel: null },
      ],
    ]);
    expect(out.unknowns.map((u) => u.reason)).toEqual(['1 manifest line(s) not of the form name, version-release, …, source RPM (10 tab-separated fields)']);
  });
});
