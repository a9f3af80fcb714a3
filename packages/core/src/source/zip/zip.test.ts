import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZip } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../../scan/scan-image.js';
import { openImage } from '../registry.js';
import { walkZip, zipEntryPath } from './index.js';

describe('zip: source', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-zip-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('maps member names into the archive root: backslashes are separators, a climb out of the root or a NUL is refused', () => {
    expect(zipEntryPath('nodejs\\node_modules\\a\\package.json')).toBe('/nodejs/node_modules/a/package.json');
    expect(zipEntryPath('./a/../b/c.js')).toBe('/b/c.js');
    expect(zipEntryPath('../../etc/passwd')).toBeNull();
    expect(zipEntryPath('a/\0b')).toBeNull();
  });

  it('is told by its first bytes, catalogues what it holds, and records refused members as unknowns', async () => {
    const zip = join(dir, 'fn.zip');
    await writeFile(
      zip,
      writeZip([
        { name: 'index.js', data: 'exports.handler = async () => 1;\n' },
        { name: 'node_modules/left-pad/package.json', data: JSON.stringify({ name: 'left-pad', version: '1.3.0' }) },
        { name: 'python/requests-2.31.0.dist-info/METADATA', data: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n' },
        { name: '../../escape.txt', data: 'x' },
      ]),
    );
    const handle = await openImage(zip, { tempDir: dir });
    expect(handle.sourceType).toBe('zip');
    await handle.close();
    const { report } = await scanImage(zip, { cacheDir: null });
    expect(report.packages.map((p) => `${p.type}:${p.name}@${p.version}`).sort()).toEqual(['npm:left-pad@1.3.0', 'pypi:requests@2.31.0']);
    expect(report.image).toBeNull();
    expect(report.unknowns.map((u) => u.reason)).toEqual([expect.stringMatching(/zip slip/)]);
  });

  it('inflates only members a visitor wants, and a damaged member is an unknown, not a crash', async () => {
    const zip = join(dir, 'damaged.zip');
    await writeFile(
      zip,
      writeZip([
        { name: 'a.txt', data: 'hello' },
        { name: 'b.txt', data: 'x'.repeat(1000), declaredSize: 10 },
      ]),
    );
    const seen: string[] = [];
    const unknowns: string[] = [];
    await walkZip(zip, {
      bodyBytes: (h) => (h.path === '/b.txt' ? 1 << 20 : 0),
      entry: (h, body) => void seen.push(`${h.path}:${body === null ? 'skipped' : body.length}`),
      unknown: (path, reason) => void unknowns.push(`${path}: ${reason}`),
    });
    expect(seen).toEqual(['/a.txt:skipped']);
    expect(unknowns).toEqual([expect.stringMatching(/^\/b\.txt: .*(declared|differs|beyond)/)]);
  });

  it('refuses what is not a ZIP archive under zip:', async () => {
    const notZip = join(dir, 'not.zip');
    await writeFile(notZip, 'plain text');
    await expect(scanImage(`zip:${notZip}`, { cacheDir: null })).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });
});
