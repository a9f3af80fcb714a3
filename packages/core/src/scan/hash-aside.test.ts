import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rename, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTar } from '@sekisho/testkit';
import type { AnalyzerOutput, LayerAnalyzer } from '../layers/layer-analyzer.js';
import { NO_OUTPUT } from '../layers/layer-analyzer.js';
import { DirectoryBlobStore } from '../source/blob-store.js';
import type { LayerRef } from '../source/types.js';
import { analyzeLayer } from './analyze-layer.js';
import { hashLayerAside } from './hash-aside.js';
import { DEFAULT_LIMITS } from './scan-image.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-hash-aside-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function layerAt(name: string, bytes: Uint8Array, digest: string | null = null): Promise<LayerRef> {
  await writeFile(join(dir, name), bytes);
  const store = new DirectoryBlobStore(dir);
  return {
    index: 0,
    digest,
    diffId: digest,
    mediaType: null,
    size: null,
    createdBy: null,
    openBlob: () => store.open(name),
    locateBlob: () => store.locate(name),
  };
}

/** The clock an hour ahead: files written now count as settled (verified-files.ts). */
function runAheadOfFiles(): void {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 3_600_000);
}

describe('hashLayerAside', () => {
  it('hashes a settled local file on the other thread, to the digest of its bytes', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 'x');
    const layer = await layerAt('settled', bytes);
    runAheadOfFiles();
    const aside = await hashLayerAside(layer, 1);
    expect(aside).not.toBeNull();
    expect(await aside?.digest).toBe(sha256(bytes));
    await expect(aside?.checkUnchanged()).resolves.toBeUndefined();
  });

  it('reads a file given through a symlink (an archive named by a link), bound to it by its inode', async () => {
    const bytes = Buffer.from('through a link');
    await writeFile(join(dir, 'target'), bytes);
    await symlink(join(dir, 'target'), join(dir, 'link'));
    const info = await stat(join(dir, 'target'), { bigint: true });
    const located = { path: join(dir, 'link'), file: { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs }, offset: 0, length: bytes.length };
    const layer: LayerRef = { index: 0, digest: null, diffId: null, mediaType: null, size: null, createdBy: null, locateBlob: () => Promise.resolve(located) };
    runAheadOfFiles();
    expect(await (await hashLayerAside(layer, 1))?.digest).toBe(sha256(bytes));
    // The link now leads to another file: refused, whatever its bytes.
    await writeFile(join(dir, 'other-target'), bytes);
    await rm(join(dir, 'link'));
    await symlink(join(dir, 'other-target'), join(dir, 'link'));
    await expect((await hashLayerAside(layer, 1))?.digest).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('leaves to the walk a file changed moments ago, a small file, and a blob that is no local file', async () => {
    const fresh = await layerAt('fresh', Buffer.from('hello'));
    expect(await hashLayerAside(fresh, 1)).toBeNull();
    runAheadOfFiles();
    expect(await hashLayerAside(fresh, 6)).toBeNull();
    const remote: LayerRef = { index: 0, digest: null, diffId: null, mediaType: null, size: null, createdBy: null };
    expect(await hashLayerAside(remote, 1)).toBeNull();
  });

  it('stops when cancelled: the digest of a file never finished is never given', async () => {
    const layer = await layerAt('huge', Buffer.alloc(0));
    await truncate(join(dir, 'huge'), 8 * 1024 ** 3); // sparse: seconds to hash, no disk used
    runAheadOfFiles();
    const aside = await hashLayerAside(layer, 1);
    aside?.cancel();
    await expect(aside?.digest).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('fails once the file has changed since the hash began', async () => {
    const layer = await layerAt('grows', Buffer.from('hello'));
    runAheadOfFiles();
    const aside = await hashLayerAside(layer, 1);
    await aside?.digest;
    await appendFile(join(dir, 'grows'), '!');
    await expect(aside?.checkUnchanged()).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('fails when the file was replaced by another', async () => {
    const layer = await layerAt('replaced', Buffer.from('hello'));
    runAheadOfFiles();
    await writeFile(join(dir, 'other'), 'HELLO');
    const aside = hashLayerAside(layer, 1);
    const started = await aside;
    await rename(join(dir, 'other'), join(dir, 'replaced'));
    const outcomes = await Promise.allSettled([started?.digest, started?.checkUnchanged()]);
    expect(outcomes.some((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'SOURCE_INVALID')).toBe(true);
  });
});

describe('analyzeLayer with the stored bytes hashed aside', () => {
  const tar = writeTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
    { name: 'usr/share/doc/a.txt', content: 'a'.repeat(10_000) },
  ]);
  const analyze = (layer: LayerRef, analyzers: LayerAnalyzer[] = []) =>
    analyzeLayer(layer, { catalogers: [], analyzers }, DEFAULT_LIMITS, { limits: { maxNestedDepth: 4, maxExpandedBytes: 1024 } }, 'test-image', { hashAsideMinBytes: 1 });

  it('verifies the layer against the digest measured aside', async () => {
    const layer = await layerAt('layer.tar', tar, sha256(tar));
    runAheadOfFiles();
    const { blob, result } = await analyze(layer);
    expect(blob).toEqual({ digest: sha256(tar), size: tar.length, diffId: sha256(tar) });
    expect(result.paths).toContain('/etc/os-release');
  });

  it('refuses a layer whose bytes are not the ones its digest names', async () => {
    const layer = await layerAt('other.tar', tar, `sha256:${'0'.repeat(64)}`);
    runAheadOfFiles();
    await expect(analyze(layer)).rejects.toMatchObject({ code: 'INTEGRITY_DIGEST_MISMATCH' });
  });

  it('a layer that fails to walk fails as it would without the hash aside', async () => {
    const broken = Buffer.concat([tar.subarray(0, 512), Buffer.alloc(100, 0x41)]);
    const layer = await layerAt('broken.tar', broken, sha256(broken));
    runAheadOfFiles();
    await expect(analyze(layer)).rejects.toMatchObject({ code: 'LAYER_TRUNCATED' });
  });

  it('fails a layer whose file is written to while it is walked', async () => {
    const layer = await layerAt('written.tar', tar, sha256(tar));
    runAheadOfFiles();
    let wrote = false;
    const writer: LayerAnalyzer = {
      id: 'writer',
      version: 1,
      maxBodySize: 0,
      selects: () => true,
      wantsBody: () => false,
      async analyze(): Promise<AnalyzerOutput> {
        if (!wrote) {
          wrote = true;
          // Same length, other bytes: only the file's ctime tells.
          await writeFile(join(dir, 'written.tar'), Buffer.from(tar).fill(0, 600, 700), { flag: 'r+' });
        }
        return NO_OUTPUT;
      },
    };
    await expect(analyze(layer, [writer])).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
    expect(wrote).toBe(true);
  });
});
