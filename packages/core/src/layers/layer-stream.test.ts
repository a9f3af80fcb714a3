import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { lentChunks } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { SekishoError } from '../errors.js';
import { openLayerStream, sniffCompression } from './layer-stream.js';

const LIMITS = { maxBytes: 1 << 30, maxRatio: 1000, ratioFloorBytes: 1 << 20 };
const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function* chunks(data: Buffer, size = 1000): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function readAll(data: Buffer, limits = LIMITS) {
  const stream = openLayerStream(chunks(data), limits);
  const out: Buffer[] = [];
  for await (const c of stream.chunks) out.push(c);
  return { out: Buffer.concat(out), digests: stream.digests() };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

const payload = Buffer.from('hello layer '.repeat(10_000));

describe('openLayerStream', () => {
  it.each([
    ['none', payload],
    ['gzip', zlib.gzipSync(payload)],
    ['zstd', zlib.zstdCompressSync(payload)],
  ] as const)('decompresses %s and hashes both forms', async (compression, stored) => {
    expect(sniffCompression(stored)).toBe(compression);
    const { out, digests } = await readAll(stored);
    expect(out.equals(payload)).toBe(true);
    expect(digests).toEqual({
      compression,
      digest: sha(stored),
      diffId: sha(payload),
      compressedBytes: stored.length,
      uncompressedBytes: payload.length,
    });
  });

  it.each([
    ['none', (b: Buffer) => b],
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['zstd', (b: Buffer) => zlib.zstdCompressSync(b)],
  ] as const)('%s: reads a source that lends its chunks and reuses them', async (_, compress) => {
    // Barely compressible, so the stored blob is many chunks long.
    const chain = createHash('sha512');
    const parts = Array.from({ length: 4000 }, (_, i) => chain.update(String(i)).copy().digest());
    const plain = Buffer.concat(parts);
    const stored = compress(plain);
    for (const size of [1000, 65_536]) {
      const stream = openLayerStream(lentChunks(stored, size), LIMITS);
      const out: Buffer[] = [];
      // Output chunks may be lent too (an uncompressed blob is its own tar): kept ones are copied.
      for await (const chunk of stream.chunks) out.push(Buffer.from(chunk));
      expect(Buffer.concat(out).equals(plain)).toBe(true);
      expect(stream.digests()).toMatchObject({ digest: sha(stored), diffId: sha(plain) });
    }
  });

  it('handles an empty blob', async () => {
    const { digests } = await readAll(Buffer.alloc(0));
    expect(digests.diffId).toBe(sha(Buffer.alloc(0)));
  });

  it('reports truncated gzip', async () => {
    const gz = zlib.gzipSync(payload);
    expect(await codeOf(readAll(gz.subarray(0, gz.length - 20)))).toBe('LAYER_TRUNCATED');
  });

  it('reports truncated zstd', async () => {
    const zst = zlib.zstdCompressSync(payload);
    expect(await codeOf(readAll(zst.subarray(0, zst.length - 8)))).toBe('LAYER_TRUNCATED');
  });

  it('reports corrupt gzip', async () => {
    const gz = Buffer.from(zlib.gzipSync(payload));
    gz.fill(0x55, 20, 60);
    expect(await codeOf(readAll(gz))).toBe('LAYER_CORRUPT');
  });

  it('reports corrupt zstd', async () => {
    const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${(i * 7919) % 10007}\n`).join(''));
    const zst = Buffer.from(zlib.zstdCompressSync(text));
    zst.fill(0x55, Math.floor(zst.length / 2), Math.floor(zst.length / 2) + 64);
    expect(['LAYER_CORRUPT', 'LAYER_TRUNCATED']).toContain(await codeOf(readAll(zst)));
  });

  it('stops a decompression bomb by ratio', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 << 20));
    expect(await codeOf(readAll(bomb, { maxBytes: 1 << 40, maxRatio: 100, ratioFloorBytes: 1 << 20 }))).toBe('LIMIT_LAYER_SIZE');
  });

  it('stops at the size limit', async () => {
    expect(await codeOf(readAll(payload, { ...LIMITS, maxBytes: 1000 }))).toBe('LIMIT_LAYER_SIZE');
  });
});

describe('openLayerStream early stop', () => {
  it('closes the stored-bytes source when the consumer stops reading', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        const big = zlib.gzipSync(Buffer.alloc(32 << 20, 7));
        for (let i = 0; i < big.length; i += 4096) yield big.subarray(i, i + 4096);
      } finally {
        closed = true;
      }
    }
    const stream = openLayerStream(source(), LIMITS);
    for await (const chunk of stream.chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
  });
});

describe('integrity before decoding errors', () => {
  async function drain(data: Buffer, expected: string | null): Promise<string> {
    const stream = openLayerStream(chunks(data, 997), LIMITS, expected);
    return codeOf(
      (async () => {
        for await (const _ of stream.chunks) _;
      })(),
    );
  }
  const random = createHash('sha512');
  const noise = Buffer.concat(Array.from({ length: 400 }, (_, i) => random.copy().update(String(i)).digest()));
  const gz = zlib.gzipSync(Buffer.concat([payload, noise]));

  it('a blob that is not the one the manifest names is a digest mismatch, not a decoding error, wherever it breaks', async () => {
    const truncated = gz.subarray(0, gz.length - 500);
    expect(await drain(truncated, null)).toBe('LAYER_TRUNCATED');
    expect(await drain(truncated, sha(gz))).toBe('INTEGRITY_DIGEST_MISMATCH');
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 200, 260);
    expect(await drain(corrupt, null)).toBe('LAYER_CORRUPT');
    expect(await drain(corrupt, sha(gz))).toBe('INTEGRITY_DIGEST_MISMATCH');
  });

  it('a source that checks the digest itself: its INTEGRITY error wins over a decoding error, and its digest is the one reported', async () => {
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 200, 260);
    // A registry blob stream: it throws after the bytes when they are not those of the digest.
    async function* checking(data: Buffer, matches: boolean): AsyncIterable<Buffer> {
      yield* chunks(data, 997);
      if (!matches) throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', 'not the blob named');
    }
    const read = (data: Buffer, matches: boolean) => {
      const stream = openLayerStream(checking(data, matches), LIMITS, sha(gz), { sourceChecksDigest: true });
      return codeOf(
        (async () => {
          let bytes = 0;
          for await (const chunk of stream.chunks) bytes += chunk.length;
          return bytes;
        })(),
      );
    };
    expect(await read(corrupt, false)).toBe('INTEGRITY_DIGEST_MISMATCH');
    expect(await read(corrupt, true)).toBe('LAYER_CORRUPT');
    const stream = openLayerStream(checking(gz, true), LIMITS, sha(gz), { sourceChecksDigest: true });
    const out: Buffer[] = [];
    for await (const chunk of stream.chunks) out.push(chunk);
    expect(stream.digests()).toMatchObject({ digest: sha(gz), diffId: sha(Buffer.concat(out)), compressedBytes: gz.length });
  });

  it('a blob that matches its digest and still fails to decode stays a decoding error', async () => {
    const truncated = gz.subarray(0, gz.length - 500);
    expect(await drain(truncated, sha(truncated))).toBe('LAYER_TRUNCATED');
  });
});
