/**
 * Layers read through a zstd decoder that ends quietly when its input stops inside a frame, as
 * Node 22's does (Node 24's, which the tests run on, reports the cut itself): the layer stream
 * must still call a cut-short layer truncated, and a blob the manifest does not name a mismatch.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { lentChunks } from '@sekisho/testkit';
import { describe, expect, it, vi } from 'vitest';
import { openLayerStream } from './layer-stream.js';

vi.mock('node:zlib', async (importOriginal) => {
  const { withQuietZstd } = await import('@sekisho/testkit');
  return { default: withQuietZstd((await importOriginal<{ default: typeof zlib }>()).default) };
});

const LIMITS = { maxBytes: 1 << 30, maxRatio: 1000, ratioFloorBytes: 1 << 20 };
const sha = (b: Uint8Array) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function read(data: Buffer, expected: string | null = null): Promise<{ code: string; bytes: number }> {
  const stream = openLayerStream(lentChunks(data, 997), LIMITS, expected);
  let bytes = 0;
  try {
    for await (const chunk of stream.chunks) bytes += chunk.length;
  } catch (error) {
    return { code: (error as { code?: string }).code ?? String(error), bytes };
  }
  return { code: 'no error', bytes };
}

const payload = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `line ${(i * 7919) % 10007}\n`).join(''));
const zst = zlib.zstdCompressSync(payload, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } });

describe('a zstd decoder that ends quietly where the stream is cut', () => {
  it('is the decoder under test: it hands on part of a cut-short stream and no error', async () => {
    const decoder = zlib.createZstdDecompress();
    const out: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => out.push(chunk));
    await new Promise((resolve, reject) => {
      decoder.on('end', resolve);
      decoder.on('error', reject);
      decoder.end(zst.subarray(0, zst.length - 4));
    });
    expect(Buffer.concat(out).equals(payload)).toBe(true);
  });

  it('reads a whole stream as before', async () => {
    expect(await read(zst, sha(zst))).toEqual({ code: 'no error', bytes: payload.length });
  });

  it('calls a stream cut short truncated, even when every decoded byte is there', async () => {
    // Only the checksum is missing: the decoder gave all of the payload.
    expect(await read(zst.subarray(0, zst.length - 4))).toMatchObject({ code: 'LAYER_TRUNCATED' });
    expect(await read(zst.subarray(0, zst.length - 4), sha(zst.subarray(0, zst.length - 4)))).toMatchObject({ code: 'LAYER_TRUNCATED' });
    expect(await read(zst.subarray(0, Math.floor(zst.length / 2)))).toMatchObject({ code: 'LAYER_TRUNCATED' });
  });

  it('calls a cut-short blob the manifest does not name a digest mismatch', async () => {
    expect(await read(zst.subarray(0, zst.length - 4), sha(zst))).toMatchObject({ code: 'INTEGRITY_DIGEST_MISMATCH' });
  });
});
