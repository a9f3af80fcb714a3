import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirectoryBlobStore } from '../source/blob-store.js';
import type { LayerRef } from '../source/types.js';
import { VerifiedFiles, readUnchanged } from './verified-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-verified-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

async function layerAt(name: string, content: string): Promise<LayerRef> {
  await writeFile(join(dir, name), content);
  const store = new DirectoryBlobStore(dir);
  return { index: 0, digest: null, diffId: null, mediaType: null, size: null, createdBy: null, locateBlob: () => store.locate(name) };
}

function runAheadOfFiles(): void {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 3_600_000);
}

const BLOB = { digest: `sha256:${'a'.repeat(64)}`, size: 5 };

describe('readUnchanged', () => {
  it('gives no range for a file changed moments ago (a change in the same clock tick could not be told apart)', async () => {
    const layer = await layerAt('fresh', 'hello');
    const { value, range } = await readUnchanged(layer, () => Promise.resolve(42));
    expect(value).toBe(42);
    expect(range).toBeNull();
  });

  it('gives the range of a settled file, and none when the file changes while it is read', async () => {
    const layer = await layerAt('settled', 'hello');
    runAheadOfFiles();
    const { range } = await readUnchanged(layer, () => Promise.resolve(null));
    expect(range).toMatchObject({ offset: 0, length: 5 });
    const changed = await readUnchanged(layer, () => appendFile(join(dir, 'settled'), '!'));
    expect(changed.range).toBeNull();
  });

  it('gives no range for a layer that is not a local file', async () => {
    runAheadOfFiles();
    const layer: LayerRef = { index: 0, digest: null, diffId: null, mediaType: null, size: null, createdBy: null };
    expect((await readUnchanged(layer, () => Promise.resolve(1))).range).toBeNull();
  });
});

describe('VerifiedFiles', () => {
  it('vouches for a range only while its file is in the recorded state', async () => {
    const layer = await layerAt('proof', 'hello');
    runAheadOfFiles();
    const db = new DatabaseSync(':memory:');
    const files = new VerifiedFiles(db);
    const { range } = await readUnchanged(layer, () => Promise.resolve(null));
    if (range === null) throw new Error('expected a range');
    expect(files.lookup(range)).toBeNull();
    files.record(range, BLOB);
    expect(files.lookup(range)).toEqual(BLOB);
    // Same size, content rewritten: ctime moves, so the proof no longer applies.
    await writeFile(join(dir, 'proof'), 'jello');
    const now = await layer.locateBlob?.();
    expect(now?.length).toBe(5);
    expect(now && files.lookup(now)).toBeNull();
    db.close();
  });

  it('records nothing for a blob of another size than the range', async () => {
    const layer = await layerAt('sized', 'hello');
    runAheadOfFiles();
    const db = new DatabaseSync(':memory:');
    const files = new VerifiedFiles(db);
    const { range } = await readUnchanged(layer, () => Promise.resolve(null));
    if (range === null) throw new Error('expected a range');
    files.record(range, { ...BLOB, size: 6 });
    expect(files.lookup(range)).toBeNull();
    db.close();
  });
});
