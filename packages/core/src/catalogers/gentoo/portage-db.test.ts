import { describe, expect, it } from 'vitest';
import { catalogDirectory, TEST_CATALOG_CONTEXT } from '../../testing/catalog-tester.js';
import { sharedDir } from '../../testing/shared-data.js';
import type { CatalogOutput } from '../types.js';
import { portageCataloger } from './index.js';
import { cpvOfFolder, licenseNames, readContents } from './portage-db.js';
import { EntryBudget } from '../lang-common/output.js';

async function catalog(files: Record<string, string>): Promise<CatalogOutput> {
  const outputs: CatalogOutput[] = [];
  for (const [path, content] of Object.entries(files)) outputs.push(await portageCataloger.parse({ path, content: Buffer.from(content), mode: 0o644, layerIndex: 0 }, TEST_CATALOG_CONTEXT));
  return portageCataloger.finish?.(outputs, TEST_CATALOG_CONTEXT) ?? outputs[0]!;
}

describe('portage-cataloger', () => {
  it('names packages category/name and versions them from the folder, with suffixes and revisions', () => {
    expect(cpvOfFolder('/var/db/pkg/app-containers/skopeo-1.5.1')).toEqual({ name: 'app-containers/skopeo', version: '1.5.1' });
    expect(cpvOfFolder('/var/db/pkg/sys-libs/glibc-2.38-r10')).toEqual({ name: 'sys-libs/glibc', version: '2.38-r10' });
    expect(cpvOfFolder('/var/db/pkg/dev-lang/python-3.12.3_p1')).toEqual({ name: 'dev-lang/python', version: '3.12.3_p1' });
    expect(cpvOfFolder('/var/db/pkg/media-libs/libjpeg-turbo-3.0.1b_rc2_p3-r1')).toEqual({ name: 'media-libs/libjpeg-turbo', version: '3.0.1b_rc2_p3-r1' });
    expect(cpvOfFolder('/var/db/pkg/x11-libs/gtk+-3.24.41')).toEqual({ name: 'x11-libs/gtk+', version: '3.24.41' });
    expect(cpvOfFolder('/var/db/pkg/x/y')).toBeNull();
    expect(cpvOfFolder(`/var/db/pkg/a/${'b-'.repeat(20_000)}x`)).toBeNull();
  });

  it('reads installed objects and symlinks (paths with spaces), not directories', () => {
    const budget = new EntryBudget(10, 'CONTENTS entries');
    expect(readContents('dir /usr\nobj /usr/bin/skopeo 376c02bd 1649284374\nobj /usr/share/a b.txt d41d8cd9 1\nsym /usr/lib/libz.so -> libz.so.1 1\n', budget)).toEqual([
      '/usr/bin/skopeo',
      '/usr/share/a b.txt',
      '/usr/lib/libz.so',
    ]);
    expect(licenseNames('|| ( MIT Apache-2.0 ) ssl? ( OpenSSL ) GPL-2')).toEqual(['MIT', 'Apache-2.0', 'OpenSSL', 'GPL-2']);
  });

  it('joins CONTENTS, SIZE and LICENSE of each folder; a folder not named by a CPV is an unknown', async () => {
    const out = await catalog({
      '/var/db/pkg/sys-libs/zlib-1.3-r4/CONTENTS': 'obj /lib64/libz.so.1.3 aa 1\n',
      '/var/db/pkg/sys-libs/zlib-1.3-r4/SIZE': '163840\n',
      '/var/db/pkg/sys-libs/zlib-1.3-r4/LICENSE': 'ZLIB\n',
      '/var/db/pkg/sys-apps/only-size-1/SIZE': '1\n',
      '/var/db/pkg/x/y/CONTENTS': 'bogus contents',
    });
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.licenses, p.files, p.evidence])).toEqual([['sys-libs/zlib', '1.3-r4', 'portage', ['ZLIB'], ['/lib64/libz.so.1.3'], 'installed']]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { installedSize: '163840', license: 'ZLIB' } });
    expect(out.unknowns).toEqual([{ path: '/var/db/pkg/x/y/CONTENTS', reason: 'portage package folder not named category/name-version: not read' }]);
  });

  const layout = sharedDir('conformance', 'syft', 'syft', 'pkg', 'cataloger', 'gentoo', 'testdata', 'layout');
  it.skipIf(layout === null)('reads Syft’s Gentoo fixture: app-containers/skopeo 1.5.1 with its licences and files', async () => {
    const out = await catalogDirectory(portageCataloger, layout ?? '');
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.licenses])).toEqual([['app-containers/skopeo', '1.5.1', ['Apache-2.0', 'BSD', 'BSD-2', 'CC-BY-SA-4.0', 'ISC', 'MIT']]]);
    expect(out.packages[0]?.files).toContain('/usr/bin/skopeo');
  });
});
