import { describe, expect, it } from 'vitest';
import { memoryFile, runImporter } from '../util/test-feed.js';
import { alpineSecdbImporter } from './index.js';

// Hand-written in the shapes of secdb.alpinelinux.org JSON, the old alpine-secdb YAML and Wolfi's security.json.
const yaml = `---
distroversion: v3.11
reponame: main
urlprefix: http://dl-cdn.alpinelinux.org/alpine
packages:
  - pkg:
      name: libexample
      secfixes:
        1.10.2-r0:
          - CVE-2099-0001
          - CVE-2099-0002 XSA-999
        1.9.1-r0:
          - CVE-2099-0001
        0:
          - CVE-2099-0003
  - pkg:
      name: broken
`;

describe('Alpine/Wolfi secdb importer', () => {
  it('reads YAML: one advisory per package and CVE, lowest fix, 0 = not affected', async () => {
    const { advisories, skipped, detected } = await runImporter(alpineSecdbImporter, memoryFile('v3.11/main.yaml', yaml));
    expect(detected).toBe(true);
    expect(skipped).toEqual([{ source: 'alpine-secdb', record: 'v3.11/main.yaml: packages[1]', reason: 'no pkg.name or pkg.secfixes' }]);
    const byId = Object.fromEntries(advisories.map((a) => [a.id, a]));
    expect(byId['CVE-2099-0001']?.affected[0]).toMatchObject({
      namespace: 'alpine:3.11',
      packageName: 'libexample',
      fixedVersions: ['1.9.1-r0', '1.10.2-r0'],
      ranges: [{ scheme: 'apk', events: [{ introduced: '0' }, { fixed: '1.9.1-r0' }] }],
    });
    expect(byId['CVE-2099-0002']?.aliases).toEqual(['XSA-999']);
    expect(byId['CVE-2099-0003']?.affected[0]).toMatchObject({ status: 'not-affected', ranges: [] });
  });

  it('reads secdb JSON and recognizes Wolfi', async () => {
    const json = JSON.stringify({
      apkurl: '{{urlprefix}}/…',
      archs: ['x86_64'],
      reponame: 'os',
      urlprefix: 'https://packages.wolfi.dev',
      packages: [{ pkg: { name: 'curl', secfixes: { '8.0.0-r0': ['CVE-2099-0004'] } } }],
    });
    const { advisories, detected } = await runImporter(alpineSecdbImporter, memoryFile('wolfi/security.json', json));
    expect(detected).toBe(true);
    expect(advisories[0]).toMatchObject({ id: 'CVE-2099-0004', source: 'wolfi-secdb', affected: [{ namespace: 'wolfi:rolling', fixedVersions: ['8.0.0-r0'] }] });
  });
});
