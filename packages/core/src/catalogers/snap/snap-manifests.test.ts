import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { snapCataloger } from './index.js';

describe('snap-cataloger', () => {
  const fixture = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'snap', 'testdata');
  it.skipIf(fixture === null)('reads a base snap’s dpkg.yaml (Syft’s fixture): Ubuntu packages, the architecture when stated', async () => {
    const out = await catalogFile(snapCataloger, '/snap/core20/current/usr/share/snappy/dpkg.yaml', readFileSync(`${fixture ?? ''}/dpkg.yaml`));
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl])).toEqual([
      ['adduser', '3.118ubuntu2', 'deb', 'pkg:deb/ubuntu/adduser@3.118ubuntu2'],
      ['apparmor', '2.13.3-7ubuntu5.3', 'deb', 'pkg:deb/ubuntu/apparmor@2.13.3-7ubuntu5.3'],
      ['gcc-10-base', '10.5.0-1ubuntu1~20.04', 'deb', 'pkg:deb/ubuntu/gcc-10-base@10.5.0-1ubuntu1~20.04?arch=amd64'],
    ]);
  });

  it('reads an application snap’s primed stage packages; entries it cannot read are counted, broken YAML is an unknown', async () => {
    const manifest = 'name: hello\nversion: "2.10"\nprimed-stage-packages:\n- libssl3=3.0.2-0ubuntu1.15\n- "libc6:amd64=2.35-0ubuntu3.6"\n- not a package\n';
    const out = await catalogFile(snapCataloger, '/snap/hello/current/snap/manifest.yaml', manifest);
    expect(out.packages.map((p) => p.purl)).toEqual(['pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15', 'pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64']);
    expect(out.unknowns.map((u) => u.reason)).toEqual(['1 package entry is not of the form name[:arch]=version']);
    expect((await catalogFile(snapCataloger, '/x/snap/manifest.yaml', 'a: [')).unknowns[0]?.reason).toContain('snap manifest not read');
    expect(await catalogFile(snapCataloger, '/x/snap/manifest.yaml', 'name: x\n')).toMatchObject({ packages: [], unknowns: [] });
  });
});
