import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { catalogDirectory } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import { mergeOutputs } from '../types.js';
import type { CatalogOutput } from '../types.js';
import { alpmDbCataloger } from './index.js';

const DB = '/var/lib/pacman/local';

const desc = (name: string, version: string, extra = ''): string =>
  `%NAME%\n${name}\n\n%VERSION%\n${version}\n\n%BASE%\n${name}\n\n%ARCH%\nx86_64\n\n%SIZE%\n1234\n\n%REASON%\n1\n\n%LICENSE%\nGPL-2.0-or-later\nLGPL-2.1-or-later\n\n${extra}`;

async function catalog(files: Record<string, string | Buffer>): Promise<CatalogOutput> {
  const outputs: CatalogOutput[] = [];
  for (const [path, content] of Object.entries(files)) {
    outputs.push(
      await alpmDbCataloger.parse(
        { path, content: Buffer.isBuffer(content) ? content : Buffer.from(content), mode: 0o644, layerIndex: 0 },
        { limits: { maxNestedDepth: 4, maxExpandedBytes: 1 << 30 } },
      ),
    );
  }
  return alpmDbCataloger.finish ? alpmDbCataloger.finish(outputs, { limits: { maxNestedDepth: 4, maxExpandedBytes: 1 << 30 } }) : mergeOutputs(outputs);
}

describe('alpm-db-cataloger', () => {
  it('joins desc, files and mtree of each folder: name, version, licences, base, files, dependencies through provides', async () => {
    const out = await catalog({
      [`${DB}/bash-5.2.026-2/desc`]: desc('bash', '5.2.026-2', '%PROVIDES%\nsh\n\n%DEPENDS%\nglibc>=2.38\nreadline\n'),
      [`${DB}/bash-5.2.026-2/files`]: '%FILES%\nusr/\nusr/bin/\nusr/bin/bash\nusr/bin/sh\n\n%BACKUP%\netc/bash.bashrc\t027d6bd8f5f6a06b75bb7698cb478089\n\n',
      [`${DB}/glibc-2.39-1/desc`]: desc('glibc', '2.39-1'),
      [`${DB}/glibc-2.39-1/mtree`]: gzipSync(
        '#mtree\n/set type=file uid=0 gid=0 mode=644\n./.PKGINFO size=5\n./usr time=1 mode=755 type=dir\n./usr/lib/libc.so.6 size=9 sha256digest=ab\n./usr/share/a\\040b size=1\n',
      ),
      [`${DB}/pacman-6.1.0-3/desc`]: desc('pacman', '6.1.0-3', '%DEPENDS%\nsh\nglibc\nmissing-lib\n'),
    });
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.licenses, p.evidence, p.source?.name])).toEqual([
      ['bash', '5.2.026-2', 'alpm', ['GPL-2.0-or-later', 'LGPL-2.1-or-later'], 'installed', 'bash'],
      ['glibc', '2.39-1', 'alpm', ['GPL-2.0-or-later', 'LGPL-2.1-or-later'], 'installed', 'glibc'],
      ['pacman', '6.1.0-3', 'alpm', ['GPL-2.0-or-later', 'LGPL-2.1-or-later'], 'installed', 'pacman'],
    ]);
    const [bash, glibc] = out.packages;
    expect(bash?.files).toEqual(['/usr/bin/bash', '/usr/bin/sh']);
    expect(bash?.paths).toEqual([`${DB}/bash-5.2.026-2/desc`, `${DB}/bash-5.2.026-2/files`]);
    expect(glibc?.files).toEqual(['/usr/lib/libc.so.6', '/usr/share/a b']);
    expect(bash?.metadata).toEqual({ type: 'alpm-db-entry', architecture: 'x86_64', packager: null, installedSize: 1234, basePackage: 'bash', url: null, validation: null, reason: 1 });
    const edges = out.relationships.map((r) => `${r.fromRef.split('/')[5]} -> ${r.toRef.split('/')[5]}`);
    expect(edges).toEqual(['bash-5.2.026-2 -> glibc-2.39-1', 'pacman-6.1.0-3 -> bash-5.2.026-2', 'pacman-6.1.0-3 -> glibc-2.39-1']);
  });

  it('reports what it could not read: a desc without a name or version, a broken mtree', async () => {
    const out = await catalog({
      [`${DB}/x-1-1/desc`]: '%VERSION%\n1-1\n',
      [`${DB}/y-1-1/desc`]: desc('y', '1-1'),
      [`${DB}/y-1-1/mtree`]: 'not gzip',
    });
    expect(out.packages.map((p) => p.name)).toEqual(['y']);
    expect(out.unknowns.map((u) => u.reason)).toEqual([expect.stringContaining('mtree is not gzip-compressed'), 'pacman desc without %NAME%: not a package record']);
    const empty = await catalog({ [`${DB}/z-1-1/files`]: '%FILES%\nusr/bin/z\n' });
    expect(empty).toMatchObject({ packages: [], unknowns: [] });
  });

  it('bounds the values it keeps per file and says how many it dropped', async () => {
    const many = `%NAME%\nbig\n\n%VERSION%\n1-1\n\n%DEPENDS%\n${'d\n'.repeat(500_010)}`;
    const out = await catalog({ [`${DB}/big-1-1/desc`]: many });
    expect(out.packages.map((p) => p.name)).toEqual(['big']);
    expect(out.unknowns[0]?.reason).toBe('12 values past the limit of 500000 per file were not read');
  });

  const syftArch = sharedDir('conformance', 'syft', 'cmd', 'syft', 'internal', 'test', 'integration', 'testdata', 'image-pkg-coverage', 'pkgs');
  it.skipIf(syftArch === null)('reads a real Arch database entry (pacman, from Syft’s fixtures) with its files from the files list', async () => {
    const out = await catalogDirectory(alpmDbCataloger, syftArch ?? '');
    expect(out.unknowns).toEqual([]);
    expect(out.packages).toHaveLength(1);
    const [pacman] = out.packages;
    expect([pacman?.name, pacman?.version, pacman?.licenses]).toEqual(['pacman', '6.0.1-5', ['GPL']]);
    expect(pacman?.files).toContain('/usr/bin/pacman');
    expect(pacman?.files?.some((f) => f.endsWith('/'))).toBe(false);
    expect(pacman?.metadata).toMatchObject({ architecture: 'x86_64', validation: 'pgp', packager: 'Morten Linderud <foxboron@archlinux.org>', basePackage: 'pacman' });
  });
});
