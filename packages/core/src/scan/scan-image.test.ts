import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { writeDockerArchive, writeOciArchive, writeOciLayout, writeTar, sha256 } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from './scan-image.js';

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
const stanza = (name: string, version: string, extra = '') => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n${extra}\n`;

const SPEC: ImageSpec = {
  layers: [
    {
      createdBy: 'ADD rootfs.tar.xz / # buildkit',
      entries: [
        { name: 'usr/lib/os-release', content: OS_RELEASE },
        { name: 'etc/os-release', type: 'symlink', linkTarget: '../usr/lib/os-release' },
        { name: 'var/lib/dpkg/status', content: stanza('libc6', '2.36-9+deb12u8', 'Source: glibc\n') + stanza('bash', '5.2.15-2+b7') },
        { name: 'var/lib/dpkg/info/bash.list', content: '/bin/bash\n/usr/share/doc/bash/copyright\n' },
        { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
        { name: 'opt/old/secret.txt', content: 'to be removed' },
      ],
    },
    {
      createdBy: 'RUN apt-get install -y curl',
      compression: 'zstd',
      entries: [
        { name: 'var/lib/dpkg/status', content: stanza('libc6', '2.36-9+deb12u8', 'Source: glibc\n') + stanza('bash', '5.2.15-2+b7') + stanza('curl', '7.88.1-10+deb12u8', 'Depends: libc6\n') },
      ],
    },
    {
      createdBy: 'RUN rm -rf /opt/old && apt-get purge bash',
      entries: [
        { name: 'opt/.wh.old', content: '' },
        { name: 'var/lib/dpkg/status', content: stanza('libc6', '2.36-9+deb12u8', 'Source: glibc\n') + stanza('curl', '7.88.1-10+deb12u8', 'Depends: libc6\n') },
        { name: 'var/lib/dpkg/info/.wh.bash.list', content: '' },
      ],
    },
  ],
  config: { User: 'app', Env: ['PATH=/usr/bin'], ExposedPorts: { '8080/tcp': {} } },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-scan-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

const scan = (ref: string, extra: Partial<Parameters<typeof scanImage>[1]> = {}) => scanImage(ref, { cacheDir: null, now: new Date('2026-01-01'), ...extra });

describe('scanImage', () => {
  it('reads every source format to the same inventory', async () => {
    await writeOciLayout(join(dir, 'layout'), SPEC, { tag: 'v1' });
    await writeOciArchive(join(dir, 'image.oci.tar'), SPEC, { tag: 'v1' });
    await writeDockerArchive(join(dir, 'legacy.tar'), SPEC, { form: 'legacy' });
    await writeDockerArchive(join(dir, 'current.tar'), SPEC, { form: 'oci' });
    await writeFile(join(dir, 'legacy.tar.gz'), zlib.gzipSync(await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'legacy.tar')))));
    const refs = [
      `oci:${join(dir, 'layout')}:v1`,
      join(dir, 'layout'),
      `oci-archive:${join(dir, 'image.oci.tar')}`,
      join(dir, 'legacy.tar'),
      `docker-archive:${join(dir, 'current.tar')}`,
      join(dir, 'legacy.tar.gz'),
    ];
    for (const ref of refs) {
      const { report } = await scan(ref);
      expect(report.distro, ref).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm' });
      expect(
        report.packages.map((p) => `${p.name}@${p.version}`),
        ref,
      ).toEqual(['curl@7.88.1-10+deb12u8', 'libc6@2.36-9+deb12u8']);
    }
  });

  it('knows which layer and build step added each package', async () => {
    const { report } = await scan(`oci:${join(dir, 'layout')}:v1`);
    const curl = report.packages.find((p) => p.name === 'curl');
    const libc = report.packages.find((p) => p.name === 'libc6');
    expect(curl?.locations[0]).toMatchObject({ path: '/var/lib/dpkg/status', layerIndex: 1 });
    expect(libc?.locations[0]).toMatchObject({ path: '/var/lib/dpkg/status', layerIndex: 0 });
    expect(report.image?.layers[1]?.createdBy).toBe('RUN apt-get install -y curl');
    expect(libc?.purl).toBe('pkg:deb/debian/libc6@2.36-9+deb12u8?arch=amd64&distro=debian-12&upstream=glibc');
    expect(report.relationships).toContainEqual({ from: curl?.id, to: libc?.id, type: 'depends-on' });
    expect(report.image?.config).toMatchObject({ user: 'app', exposedPorts: ['8080/tcp'] });
    expect(report.target).toMatchObject({ sourceType: 'oci-layout', platform: { os: 'linux', architecture: 'amd64' } });
  });

  it('reads a root file system directory', async () => {
    const root = join(dir, 'rootfs');
    const { writeFiles } = await import('@sekisho/testkit');
    await writeFiles(
      root,
      new Map([
        ['etc/os-release', Buffer.from(OS_RELEASE)],
        ['var/lib/dpkg/status', Buffer.from(stanza('zlib1g', '1:1.2.13.dfsg-1'))],
      ]),
    );
    const { report } = await scan(`dir:${root}`);
    expect(report.target.sourceType).toBe('rootfs');
    expect(report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['zlib1g@1:1.2.13.dfsg-1']);
    expect(report.packages[0]?.locations[0]).toMatchObject({ path: '/var/lib/dpkg/status', layerIndex: null });
  });

  it('drops binary-classifier hits on files a distroless package lists in its md5sums (merged /usr)', async () => {
    const bash = '\x7fELF....@(#)Bash version 5.2.15(1) release GNU....';
    const spec: ImageSpec = {
      layers: [
        {
          entries: [
            { name: 'etc/os-release', content: OS_RELEASE },
            { name: 'bin', type: 'symlink', linkTarget: 'usr/bin' },
            { name: 'usr/bin/bash', content: bash, mode: 0o755 },
            { name: 'opt/tools/bash', content: bash, mode: 0o755 },
            { name: 'var/lib/dpkg/status.d/bash', content: 'Package: bash\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n' },
            { name: 'var/lib/dpkg/status.d/bash.md5sums', content: `${'a'.repeat(32)}  bin/bash\n` },
          ],
        },
      ],
    };
    await writeOciLayout(join(dir, 'distroless-bash'), spec);
    const { report } = await scan(join(dir, 'distroless-bash'));
    expect(report.distro?.distroless).toBe(true);
    // /usr/bin/bash is dpkg's /bin/bash through the /bin symlink; the copy under /opt is nobody's
    expect(report.packages.map((p) => `${p.type}:${p.name}:${p.locations[0]?.path}`)).toEqual(['binary:bash:/opt/tools/bash', 'deb:bash:/var/lib/dpkg/status.d/bash']);
  });

  it('picks a platform from a multi-platform index', async () => {
    const arm: ImageSpec = { ...SPEC, architecture: 'arm64', layers: [{ entries: [{ name: 'etc/alpine-release', content: '3.20.3\n' }] }] };
    await writeOciLayout(join(dir, 'multi'), SPEC, { platforms: [SPEC, arm] });
    expect((await scan(join(dir, 'multi'), { platform: 'linux/arm64' })).report.distro?.id).toBe('alpine');
    expect((await scan(join(dir, 'multi'), { platform: 'linux/amd64' })).report.distro?.id).toBe('debian');
    expect(await codeOf(scan(join(dir, 'multi'), { platform: 'linux/s390x' }))).toBe('SOURCE_NO_MATCHING_PLATFORM');
  });

  it('refuses a single-platform image when --platform asks for another one, instead of scanning it in its place', async () => {
    await writeOciLayout(join(dir, 'single'), SPEC);
    expect(await codeOf(scan(join(dir, 'single'), { platform: 'linux/arm64' }))).toBe('SOURCE_NO_MATCHING_PLATFORM');
    expect((await scan(join(dir, 'single'), { platform: 'linux/amd64' })).report.distro?.id).toBe('debian');
  });

  it('re-reads only new layers when base layers are cached', async () => {
    const cacheDir = join(dir, 'cache');
    const progress: boolean[] = [];
    await scan(`oci:${join(dir, 'layout')}:v1`, { cacheDir });
    const extended: ImageSpec = { ...SPEC, layers: [...SPEC.layers, { entries: [{ name: 'app/x', content: 'x' }] }] };
    await writeOciLayout(join(dir, 'extended'), extended);
    const { report } = await scan(join(dir, 'extended'), { cacheDir, onProgress: (e) => e.type === 'layer-done' && progress.push(e.cached) });
    expect(progress.filter((c) => c)).toHaveLength(3);
    expect(progress.filter((c) => !c)).toHaveLength(1);
    expect(report.packages).toHaveLength(2);
  });

  it('shares one cache between concurrent scans (SQLite WAL, no single-writer lock)', async () => {
    const cacheDir = join(dir, 'shared-cache');
    const variants = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const spec: ImageSpec = { ...SPEC, layers: [...SPEC.layers, { entries: [{ name: `app/${i}`, content: String(i) }] }] };
        await writeOciLayout(join(dir, `concurrent-${i}`), spec);
        return join(dir, `concurrent-${i}`);
      }),
    );
    const reports = await Promise.all(variants.map((ref) => scan(ref, { cacheDir })));
    for (const { report } of reports) expect(report.packages).toHaveLength(2);
    const cached: boolean[] = [];
    await scan(variants[2] ?? '', { cacheDir, onProgress: (e) => e.type === 'layer-done' && cached.push(e.cached) });
    expect(cached).toEqual([true, true, true, true]);
  });

  it('removes its private temp directory', async () => {
    const tempRoot = join(dir, 'tmp-root');
    await import('node:fs/promises').then((fs) => fs.mkdir(tempRoot));
    await scan(join(dir, 'legacy.tar.gz'), { tempRoot });
    await codeOf(scan(join(dir, 'nope.tar'), { tempRoot }));
    expect(await readdir(tempRoot)).toEqual([]);
  });

  describe('hostile images', () => {
    const hostile = async (name: string, spec: ImageSpec, options: Parameters<typeof writeOciLayout>[2] = {}) => {
      await writeOciLayout(join(dir, name), spec, options);
      return codeOf(scan(join(dir, name)));
    };

    it.each<[string, ImageSpec, string]>([
      ['dotdot', { layers: [{ entries: [{ name: '../../etc/cron.d/evil', content: 'x' }] }] }, 'LAYER_PATH_ESCAPE'],
      ['absolute', { layers: [{ entries: [{ name: '/etc/passwd', content: 'x' }] }] }, 'LAYER_PATH_ESCAPE'],
      ['hardlink-out', { layers: [{ entries: [{ name: 'x', type: 'hardlink', linkTarget: '../../../etc/shadow' }] }] }, 'LAYER_LINK_ESCAPE'],
      ['huge-header', { layers: [{ compression: 'none', raw: writeTar([{ name: 'big', content: 'x', declaredSize: 10 * 1024 ** 4 }], { endBlocks: false }), entries: [] }] }, 'LIMIT_LAYER_SIZE'],
      ['truncated-gzip', { layers: [{ raw: zlib.gzipSync(writeTar([{ name: 'a', content: 'x'.repeat(10000) }])).subarray(0, 60), entries: [] }] }, 'LAYER_TRUNCATED'],
      ['corrupt-zstd', { layers: [{ raw: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64, 0x55)]), entries: [] }] }, 'LAYER_CORRUPT'],
      ['empty', { layers: [] }, 'SOURCE_EMPTY'],
    ])('%s → %s', async (name, spec, code) => {
      expect(await hostile(name, spec)).toBe(code);
    });

    it('refuses a layer whose content does not match its digest', async () => {
      const code = await hostile('wrong-digest', SPEC, {
        tamper: (files) => {
          for (const [path, bytes] of files) if (bytes.length > 100 && bytes[0] === 0x1f) files.set(path, zlib.gzipSync(writeTar([{ name: 'evil', content: 'x' }])));
        },
      });
      expect(code).toBe('INTEGRITY_DIGEST_MISMATCH');
    });

    it('refuses a config whose digest does not match', async () => {
      const code = await hostile('wrong-config', SPEC, {
        tamper: (files) => {
          for (const [path, bytes] of files) {
            const text = bytes.toString();
            if (text.includes('"rootfs"')) files.set(path, Buffer.from(text.replace('"app"', '"ap0"')));
          }
        },
      });
      expect(code).toBe('INTEGRITY_DIGEST_MISMATCH');
    });

    it('refuses a diffID that does not match the content', async () => {
      const spec: ImageSpec = { layers: [{ compression: 'gzip', entries: [{ name: 'a', content: 'a' }] }] };
      const code = await hostile('wrong-diffid', spec, {
        tamper: (files) => {
          const good = sha256(writeTar([{ name: 'a', content: 'a' }]));
          for (const [path, bytes] of [...files]) {
            const text = bytes.toString();
            if (!text.includes(good)) continue;
            const fixed = Buffer.from(text.replace(good, sha256(Buffer.from('other'))));
            files.delete(path);
            files.set(`blobs/${sha256(fixed).replace(':', '/')}`, fixed);
            for (const [p2, b2] of [...files]) {
              const t2 = b2.toString();
              if (t2.includes(path.split('/')[2] ?? '@@')) {
                const m2 = Buffer.from(t2.replace(`sha256:${path.split('/')[2]}`, sha256(fixed)).replace(`"size":${bytes.length}`, `"size":${fixed.length}`));
                files.delete(p2);
                files.set(p2 === 'index.json' ? p2 : `blobs/${sha256(m2).replace(':', '/')}`, m2);
                for (const [p3, b3] of [...files]) {
                  if (p3 !== 'index.json') continue;
                  files.set(
                    p3,
                    Buffer.from(
                      b3
                        .toString()
                        .replace(`sha256:${p2.split('/')[2]}`, sha256(m2))
                        .replace(`"size":${b2.length}`, `"size":${m2.length}`),
                    ),
                  );
                }
              }
            }
          }
        },
      });
      expect(code).toBe('INTEGRITY_DIFFID_MISMATCH');
    });

    it('reports a missing blob', async () => {
      const code = await hostile('missing-blob', SPEC, {
        tamper: (files) => {
          for (const [path, bytes] of files) if (bytes[0] === 0x1f) files.delete(path);
        },
      });
      expect(code).toBe('SOURCE_MISSING_BLOB');
    });

    it('reports invalid JSON in the index', async () => {
      expect(await hostile('bad-json', SPEC, { tamper: (files) => files.set('index.json', Buffer.from('{"manifests": [')) })).toBe('SOURCE_INVALID');
    });

    it('refuses schema 1 manifests', async () => {
      const code = await hostile('schema1', SPEC, {
        tamper: (files) => files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', fsLayers: [] }))),
      });
      expect(code).toBe('SOURCE_SCHEMA1');
    });

    it('stops a decompression bomb', async () => {
      await writeOciLayout(join(dir, 'bomb'), { layers: [{ raw: zlib.gzipSync(writeTar([{ name: 'zeros', content: Buffer.alloc(8 << 20) }])), entries: [] }] });
      expect(await codeOf(scan(join(dir, 'bomb'), { limits: { maxRatio: 50, ratioFloorBytes: 1 << 20 } }))).toBe('LIMIT_LAYER_SIZE');
    });

    it.each<['gzip' | 'zstd', Partial<Parameters<typeof scanImage>[1]['limits'] & object>]>([
      ['gzip', { maxBytes: 4 << 20 }],
      ['gzip', { maxRatio: 50, ratioFloorBytes: 1 << 20 }],
      ['zstd', { maxBytes: 4 << 20 }],
      ['zstd', { maxRatio: 50, ratioFloorBytes: 1 << 20 }],
    ])('bounds a %s-compressed archive inflated to a temp file like a layer (%o)', async (compression, limits) => {
      const tempRoot = join(dir, `inflate-root-${compression}-${Object.keys(limits).join('-')}`);
      await import('node:fs/promises').then((fs) => fs.mkdir(tempRoot));
      const tar = await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'legacy.tar')));
      // A valid docker archive followed by 16 MiB of zeros: tiny compressed, large inflated.
      const padded = Buffer.concat([tar.subarray(0, tar.length - 1024), writeTar([{ name: 'zeros', content: Buffer.alloc(16 << 20) }])]);
      const file = join(dir, `inflate-${compression}-${Object.keys(limits).join('-')}.tar`);
      await writeFile(file, compression === 'gzip' ? zlib.gzipSync(padded) : zlib.zstdCompressSync(padded));
      expect((await scan(file, { tempRoot })).report.packages).toHaveLength(2);
      expect(await codeOf(scan(file, { tempRoot, limits }))).toBe('LIMIT_IMAGE_SIZE');
      expect(await readdir(tempRoot)).toEqual([]);
    });

    it('keeps symlinks that point out of the root as data and never follows them', async () => {
      const { report } = await scan(
        await (async () => {
          await writeOciLayout(join(dir, 'symlink-out'), {
            layers: [
              {
                entries: [
                  { name: 'etc/os-release', type: 'symlink', linkTarget: '../../../../etc/os-release' },
                  { name: 'loop', type: 'symlink', linkTarget: 'loop' },
                ],
              },
            ],
          });
          return join(dir, 'symlink-out');
        })(),
      );
      expect(report.distro).toBeNull();
    });

    it('reports a missing file for an unknown path', async () => {
      expect(await codeOf(scan(join(dir, 'does-not-exist')))).toBe('SOURCE_NOT_FOUND');
    });
  });
});
