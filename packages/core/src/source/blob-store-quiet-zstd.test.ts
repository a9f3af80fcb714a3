/**
 * A zstd-compressed archive read through a decoder that ends quietly when its input stops inside a
 * frame, as Node 22's does (testkit's withQuietZstd): an archive cut short is refused, not read as
 * the shorter archive the decoder hands on.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { writeTar } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TarBlobStore } from './blob-store.js';

vi.mock('node:zlib', async (importOriginal) => {
  const { withQuietZstd } = await import('@sekisho/testkit');
  return { default: withQuietZstd((await importOriginal<{ default: typeof zlib }>()).default) };
});

describe('a zstd-compressed archive on a decoder that ends quietly', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-quiet-zstd-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const archive = writeTar([
    { name: 'index.json', content: Buffer.from('{}') },
    { name: 'blobs/layer', content: Buffer.from('layer bytes '.repeat(5000)) },
  ]);
  const zst = zlib.zstdCompressSync(archive, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } });

  async function open(bytes: Buffer, name: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, bytes);
    const temp = await mkdtemp(join(dir, 'temp-'));
    try {
      await TarBlobStore.open(file, temp);
      return 'opened';
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  }

  it('opens a whole one', async () => {
    expect(await open(zst, 'whole.tar.zst')).toBe('opened');
  });

  it('refuses one cut short, even where every byte of the tar was decoded', async () => {
    expect(await open(zst.subarray(0, zst.length - 4), 'no-checksum.tar.zst')).toMatch(/^SOURCE_INVALID: cannot decompress archive: zstd stream is truncated/);
    expect(await open(zst.subarray(0, Math.floor(zst.length / 2)), 'half.tar.zst')).toMatch(/^SOURCE_INVALID: cannot decompress archive: zstd stream is truncated/);
  });
});
