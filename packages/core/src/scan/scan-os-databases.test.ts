import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerArchive } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from './scan-image.js';

/* Arch (pacman), Gentoo (portage) and Nix store images, end to end: OS detection, purls, layers and whiteouts. */

const HASH = 'h0cnbmfcn93xm5dg2x27ixhag1cwndga';
const desc = (name: string, version: string) => `%NAME%\n${name}\n\n%VERSION%\n${version}\n\n%BASE%\n${name}\n\n%ARCH%\nx86_64\n\n%LICENSE%\nGPL\n\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-os-db-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scan = (path: string) => scanImage(path, { cacheDir: null, now: new Date('2026-12-01') });

describe('scans of Arch, Gentoo and Nix images', () => {
  it('Arch: pacman packages with distro purls, the layer that added each, a removed package gone', async () => {
    const spec: ImageSpec = {
      layers: [
        {
          createdBy: 'ADD rootfs /',
          entries: [
            { name: 'etc/os-release', content: 'NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n' },
            { name: 'var/lib/pacman/local/glibc-2.39-1/desc', content: desc('glibc', '2.39-1') },
            { name: 'var/lib/pacman/local/glibc-2.39-1/files', content: '%FILES%\nusr/\nusr/lib/libc.so.6\n\n' },
            { name: 'var/lib/pacman/local/nano-8.0-1/desc', content: desc('nano', '8.0-1') },
          ],
        },
        {
          createdBy: 'RUN pacman -Sy --noconfirm curl && pacman -R --noconfirm nano',
          entries: [
            { name: 'var/lib/pacman/local/curl-8.8.0-1/desc', content: desc('curl', '8.8.0-1') },
            { name: 'var/lib/pacman/local/.wh.nano-8.0-1', content: '' },
          ],
        },
      ],
    };
    await writeDockerArchive(join(dir, 'arch.tar'), spec);
    const { report } = await scan(join(dir, 'arch.tar'));
    expect(report.distro?.id).toBe('arch');
    expect(report.packages.map((p) => [p.name, p.purl, p.locations[0]?.layerIndex])).toEqual([
      ['curl', 'pkg:alpm/arch/curl@8.8.0-1?arch=x86_64&distro=arch&upstream=curl', 1],
      ['glibc', 'pkg:alpm/arch/glibc@2.39-1?arch=x86_64&distro=arch&upstream=glibc', 0],
    ]);
  });

  it('Gentoo: portage packages as ebuild purls; Nix: store paths, deleted with their folder', async () => {
    const spec: ImageSpec = {
      layers: [
        {
          entries: [
            { name: 'etc/os-release', content: 'NAME=Gentoo\nID=gentoo\nVERSION_ID=2.15\n' },
            { name: 'var/db/pkg/sys-libs/zlib-1.3-r4/CONTENTS', content: 'obj /lib64/libz.so.1.3 aa 1\n' },
            { name: 'var/db/pkg/sys-libs/zlib-1.3-r4/LICENSE', content: 'ZLIB\n' },
            { name: `nix/store/${HASH}-glibc-2.34-210-bin/lib/libc.so.6`, content: 'elf' },
            { name: `nix/store/aaaabbbbccccddddeeeeffffgggghhhh-hello-2.12.1/bin/hello`, content: 'elf' },
          ],
        },
        { entries: [{ name: 'nix/store/.wh.aaaabbbbccccddddeeeeffffgggghhhh-hello-2.12.1', content: '' }] },
      ],
    };
    await writeDockerArchive(join(dir, 'gentoo.tar'), spec);
    const { report } = await scan(join(dir, 'gentoo.tar'));
    expect(report.distro?.id).toBe('gentoo');
    expect(report.packages.map((p) => [p.type, p.name, p.version, p.purl])).toEqual([
      ['nix', 'glibc', '2.34-210', `pkg:nix/glibc@2.34-210?output=bin&outputhash=${HASH}`],
      ['portage', 'sys-libs/zlib', '1.3-r4', 'pkg:ebuild/sys-libs%2Fzlib@1.3-r4'],
    ]);
  });

  it('Wolfi: the SPDX document kept per apk package is a second location of that package, not a second package', async () => {
    const spdx = (name: string, version: string): string =>
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: `apk-${name}-${version}`,
        packages: [
          {
            SPDXID: `SPDXRef-Package-${name}`,
            name,
            versionInfo: version,
            externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:apk/wolfi/${name}@${version}?arch=x86_64` }],
          },
        ],
      });
    const spec: ImageSpec = {
      layers: [
        {
          entries: [
            { name: 'etc/os-release', content: 'ID=wolfi\nNAME="Wolfi"\nVERSION_ID=20230201\n' },
            { name: 'lib/apk/db/installed', content: 'P:zlib\nV:1.3.1-r0\nA:x86_64\n\nP:libssl3\nV:3.3.0-r1\nA:x86_64\n\n' },
            { name: 'var/lib/db/sbom/zlib-1.3.1-r0.spdx.json', content: spdx('zlib', '1.3.1-r0') },
            { name: 'var/lib/db/sbom/libssl3-3.3.0-r1.spdx.json', content: spdx('libssl3', '3.3.0-r1') },
            { name: 'var/lib/db/sbom/only-in-sbom-1.0-r0.spdx.json', content: spdx('only-in-sbom', '1.0-r0') },
          ],
        },
      ],
    };
    await writeDockerArchive(join(dir, 'wolfi.tar'), spec);
    const { report } = await scan(join(dir, 'wolfi.tar'));
    expect(report.packages.map((p) => [p.name, p.foundBy, p.locations.map((l) => l.path)])).toEqual([
      ['libssl3', 'apk-db-cataloger', ['/lib/apk/db/installed', '/var/lib/db/sbom/libssl3-3.3.0-r1.spdx.json']],
      ['only-in-sbom', 'sbom-cataloger', ['/var/lib/db/sbom/only-in-sbom-1.0-r0.spdx.json']],
      ['zlib', 'apk-db-cataloger', ['/lib/apk/db/installed', '/var/lib/db/sbom/zlib-1.3.1-r0.spdx.json']],
    ]);
  });
});
