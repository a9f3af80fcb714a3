import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { dpkgCataloger } from './index.js';

const STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6236
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.15-1~deb12u1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation.
 .
 It provides the libssl and libcrypto shared libraries.

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc (2.36-9+deb12u8)
Version: 2.36-9+deb12u8
Installed-Size: 12000

Package: old-thing
Status: deinstall ok config-files
Architecture: all
Version: 1.0-1

Package: curl
Status: install ok installed
Architecture: amd64
Version: 7.88.1-10+deb12u8
Pre-Depends: libc6
Depends: libcurl4 (= 7.88.1-10+deb12u8) | libcurl-alt, libssl3 (>= 3.0.0), zlib1g
`;

describe('dpkg-db-cataloger', () => {
  it('reads installed packages with source, metadata and dependencies', async () => {
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status', STATUS);
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['libssl3@3.0.15-1~deb12u1', 'libc6@2.36-9+deb12u8', 'curl@7.88.1-10+deb12u8']);
    expect(out.packages[0]).toMatchObject({
      type: 'deb',
      source: { name: 'openssl', version: '3.0.15-1~deb12u1' },
      metadata: { type: 'dpkg-db-entry', architecture: 'amd64', installedSize: 6236, status: 'install ok installed' },
      paths: ['/var/lib/dpkg/status'],
    });
    expect(out.packages[1]?.source).toEqual({ name: 'glibc', version: '2.36-9+deb12u8' });
    expect(out.packages[2]?.source).toBeNull();
    expect(out.relationships).toEqual(
      expect.arrayContaining([
        { fromRef: 'libssl3:amd64', toRef: 'libc6:amd64', type: 'depends-on' },
        { fromRef: 'curl:amd64', toRef: 'libc6:amd64', type: 'depends-on' },
        { fromRef: 'curl:amd64', toRef: 'libssl3:amd64', type: 'depends-on' },
      ]),
    );
    expect(out.relationships).toHaveLength(3);
  });

  it('reads distroless status.d files, and their md5sums as the files each package owns', async () => {
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status.d/tzdata', 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n');
    expect(out.packages.map((p) => p.name)).toEqual(['tzdata']);
    const sums = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status.d/bash.md5sums', `${'a'.repeat(32)}  bin/bash\n${'b'.repeat(32)}  usr/share/doc/bash/copyright\nnot a line\n`);
    expect(sums.packages).toEqual([]);
    expect(sums.ownership).toEqual([{ path: '/var/lib/dpkg/status.d/bash.md5sums', packageType: 'deb', packageName: 'bash', files: ['/bin/bash', '/usr/share/doc/bash/copyright'] }]);
  });

  it('lists a status.d stanza without Version with an empty version and an unknown saying why', async () => {
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status.d/custom', 'Package: custom-tool\nArchitecture: amd64\n');
    expect(out.packages.map((p) => [p.name, p.version])).toEqual([['custom-tool', '']]);
    expect(out.unknowns).toEqual([{ path: '/var/lib/dpkg/status.d/custom', reason: 'custom-tool: no Version field; the package is listed without one and cannot be matched against advisories' }]);
  });

  it('reads the files a package owns from info/*.list', async () => {
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/info/libssl3:amd64.list', '/.\n/usr\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n');
    expect(out.ownership).toEqual([{ path: '/var/lib/dpkg/info/libssl3:amd64.list', packageType: 'deb', packageName: 'libssl3:amd64', files: ['/usr', '/usr/lib/x86_64-linux-gnu/libssl.so.3'] }]);
  });

  it('reads a status file that starts after a hole of zeros (stored sparse, or preallocated)', async () => {
    const content = Buffer.concat([Buffer.alloc(12288), Buffer.from(STATUS), Buffer.alloc(3000)]);
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status', content);
    expect(out.packages.map((p) => p.name)).toEqual(['libssl3', 'libc6', 'curl']);
  });

  it('survives garbage', async () => {
    const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status', Buffer.from([0, 1, 2, 255, 10, 58, 58, 10]));
    expect(out.packages).toEqual([]);
  });

  describe('limits never hide packages silently', () => {
    const installed = (name: string): string => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n`;
    const removed = (name: string): string => `Package: ${name}\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0\n\n`;
    const libssl = 'Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.15-1~deb12u1\n';

    it('does not count removed / config-files stanzas toward the package limit', async () => {
      const padding = Array.from({ length: 100_000 }, (_, i) => removed(`pad${i}`)).join('');
      const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status', padding + libssl);
      expect(out.packages.map((p) => p.name)).toEqual(['libssl3']);
      expect(out.unknowns).toEqual([]);
    });

    it('turns installed packages past the limit into an unknown that names the count', async () => {
      const padding = Array.from({ length: 100_000 }, (_, i) => installed(`pad${i}`)).join('');
      const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status', padding + libssl);
      expect(out.packages).toHaveLength(100_000);
      expect(out.unknowns).toHaveLength(1);
      expect(out.unknowns[0]?.path).toBe('/var/lib/dpkg/status');
      expect(out.unknowns[0]?.reason).toMatch(/1 installed package.* past the limit of 100000/);
    });

    it('turns owned files past the limit into an unknown (info/*.list and status.d/*.md5sums)', async () => {
      const list = Array.from({ length: 1_000_001 }, (_, i) => `/f${i}`).join('\n');
      const out = await catalogFile(dpkgCataloger, '/var/lib/dpkg/info/big.list', list);
      expect(out.ownership[0]?.files).toHaveLength(1_000_000);
      expect(out.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/1 file.* past the limit of 1000000/)]);
      const sums = Array.from({ length: 1_000_001 }, (_, i) => `${'a'.repeat(32)}  f${i}`).join('\n');
      const out2 = await catalogFile(dpkgCataloger, '/var/lib/dpkg/status.d/big.md5sums', sums);
      expect(out2.ownership[0]?.files).toHaveLength(1_000_000);
      expect(out2.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/1 file.* past the limit of 1000000/)]);
    });
  });
});
