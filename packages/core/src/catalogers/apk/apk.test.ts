import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { apkCataloger } from './index.js';

const INSTALLED = `C:Q1ZEj3mC1gnt2ejVHkWFY/EXwa7Y4=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1696440400
c:d3de9dd7c8a2da7f5e2c04a0b8fd0ad9e4b71b10
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
R:libc.musl-x86_64.so.1

P:libcrypto3
V:3.1.4-r1
A:x86_64
L:Apache-2.0
o:openssl
D:so:libc.musl-x86_64.so.1
F:usr/lib
R:libcrypto.so.3
`;

describe('apk-db-cataloger', () => {
  it('reads packages, origin, files and dependencies', async () => {
    const out = await catalogFile(apkCataloger, '/lib/apk/db/installed', INSTALLED);
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['musl@1.2.4-r2', 'libcrypto3@3.1.4-r1']);
    expect(out.packages[0]).toMatchObject({
      licenses: ['MIT'],
      source: { name: 'musl', version: '1.2.4-r2' },
      metadata: { type: 'apk-db-entry', architecture: 'x86_64', installedSize: 622592, checksum: 'Q1ZEj3mC1gnt2ejVHkWFY/EXwa7Y4=' },
      files: ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1'],
    });
    expect(out.packages[1]?.source).toEqual({ name: 'openssl', version: '3.1.4-r1' });
    expect(out.relationships).toEqual([{ fromRef: 'libcrypto3', toRef: 'musl', type: 'depends-on' }]);
  });

  it('reads a database stored sparse: zeros of holes before and between records', async () => {
    const [first, second] = INSTALLED.split('\n\n');
    const content = Buffer.concat([Buffer.alloc(12288), Buffer.from(`${first}\n\n`), Buffer.alloc(4096), Buffer.from(`${second}\n`), Buffer.alloc(3000)]);
    const out = await catalogFile(apkCataloger, '/lib/apk/db/installed', content);
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['musl@1.2.4-r2', 'libcrypto3@3.1.4-r1']);
  });

  it('ignores malformed lines', async () => {
    const out = await catalogFile(apkCataloger, '/lib/apk/db/installed', 'garbage\nP\nP:x\n\n');
    expect(out.packages).toEqual([]);
  });

  it('turns packages and files past the limits into unknowns that name the count', async () => {
    const padding = Array.from({ length: 100_000 }, (_, i) => `P:pad${i}\nV:1.0-r0\n\n`).join('');
    const out = await catalogFile(apkCataloger, '/lib/apk/db/installed', `${padding}P:libssl3\nV:3.1.4-r0\n`);
    expect(out.packages).toHaveLength(100_000);
    expect(out.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/1 installed package.* past the limit of 100000/)]);

    const files = Array.from({ length: 2_000_001 }, (_, i) => `R:f${i}`).join('\n');
    const big = await catalogFile(apkCataloger, '/lib/apk/db/installed', `P:big\nV:1.0-r0\nF:usr\n${files}\n`);
    expect(big.packages[0]?.files).toHaveLength(2_000_000);
    expect(big.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/1 file.* past the limit of 2000000/)]);
  });
});
