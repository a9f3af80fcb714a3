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
