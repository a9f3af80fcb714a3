import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noiseBytes, readLentChunks, writeTar } from '@sekisho/testkit';
import { DirectoryBlobStore, TarBlobStore } from './blob-store.js';
import type { BlobStore } from './blob-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sekisho-blob-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Larger than one read buffer (1 MiB), not a multiple of it.
const BLOB = noiseBytes(2 * 1024 * 1024 + 12_345);
const SHA = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;

async function streamed(store: BlobStore, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // Chunks are lent: kept ones are copied.
  for await (const chunk of store.open(path)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function stores(blob = BLOB): Promise<[string, BlobStore, string][]> {
  const root = join(dir, `layout-${blob.length}`);
  const blobDir = join(root, 'blobs');
  mkdirSync(blobDir, { recursive: true });
  writeFileSync(join(blobDir, 'layer'), blob);
  const archive = join(dir, `archive-${blob.length}.tar`);
  writeFileSync(
    archive,
    writeTar([
      { name: 'first', content: 'x'.repeat(700) },
      { name: 'blobs/layer', content: blob },
      { name: 'last', content: 'y' },
    ]),
  );
  return [
    ['directory', new DirectoryBlobStore(root), 'blobs/layer'],
    ['tar archive', await TarBlobStore.open(archive, dir), 'blobs/layer'],
  ];
}

describe('BlobStore.hash', async () => {
  for (const [name, store, path] of await stores()) {
    it(`${name}: the digest and size of the bytes open() yields`, async () => {
      expect(await streamed(store, path)).toEqual(BLOB);
      expect(await store.hash?.(path, BLOB.length)).toEqual({ digest: SHA, size: BLOB.length });
    });

    it(`${name}: reads no more than maxBytes + 1 (a longer blob is not the one expected)`, async () => {
      const measured = await store.hash?.(path, 1000);
      expect(measured?.size).toBe(1001);
      expect(measured?.digest).toBe(`sha256:${createHash('sha256').update(BLOB.subarray(0, 1001)).digest('hex')}`);
    });

    it(`${name}: runs the check before each chunk and stops when it throws`, async () => {
      let calls = 0;
      const stop = new Error('deadline');
      await expect(
        store.hash?.(path, BLOB.length, () => {
          calls += 1;
          if (calls === 2) throw stop;
        }),
      ).rejects.toBe(stop);
      expect(calls).toBe(2);
    });
  }
});

describe('BlobStore.open', async () => {
  // Five read buffers' worth and a bit: every one of the three buffers is used again.
  const blob = noiseBytes(5 * 1024 * 1024 + 777);
  for (const [name, store, path] of await stores(blob)) {
    it(`${name}: lends each chunk until the second chunk after it is asked for, through three reused buffers`, async () => {
      expect(await readLentChunks(store.open(path), blob)).toEqual({ chunks: 6, bytes: blob.length, buffers: 3, reusedAfterThree: 3, firstMismatch: null });
    });
  }
});
