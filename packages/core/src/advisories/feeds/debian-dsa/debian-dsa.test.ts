import { describe, expect, it } from 'vitest';
import { memoryFile, runImporter } from '../util/test-feed.js';
import { debianDsaImporter } from './index.js';

// Hand-written in the format of the security tracker's data/DSA/list.
const list = [
  '[29 Mar 2099] DSA-9999-1 libexample - security update',
  '\t{CVE-2099-0001 CVE-2099-0002}',
  '\t[bookworm] - libexample 1.2-2+deb12u1',
  '\t[bullseye] - libexample <not-affected> (Vulnerable code not present)',
  '\tNOTE: a note',
  '[01 Jan 2099] DSA-9998-1 bullseye end-of-life',
  '        NOTE: end of security support',
  '[02 Jan 2098] DSA-9997-2 other - regression update',
  '        [squeeze-lts] - other 1.0-1+deb6u2',
  '\tgarbage line',
  '',
].join('\n');

describe('Debian DSA/DLA list importer', () => {
  it('reads advisories with CVE aliases and per-release fixed versions', async () => {
    const { advisories, skipped, detected } = await runImporter(debianDsaImporter, memoryFile('DSA/list', list));
    expect(detected).toBe(true);
    expect(advisories.map((a) => a.id)).toEqual(['DSA-9999-1', 'DSA-9997-2']); // the end-of-life notice has no packages
    expect(advisories[0]).toMatchObject({ source: 'debian-dsa', aliases: ['CVE-2099-0001', 'CVE-2099-0002'], published: '2099-03-29', summary: 'libexample: security update' });
    expect(advisories[0]!.affected).toMatchObject([
      { namespace: 'debian:12', packageName: 'libexample', status: 'fixed', fixedVersions: ['1.2-2+deb12u1'] },
      { namespace: 'debian:11', status: 'not-affected', ranges: [] },
    ]);
    expect(advisories[1]!.affected[0]).toMatchObject({ namespace: 'debian:6', fixedVersions: ['1.0-1+deb6u2'] });
    expect(skipped).toEqual([{ source: 'debian-dsa', record: 'DSA/list:10 (DSA-9997-2)', reason: 'unrecognized line' }]);
  });
});
