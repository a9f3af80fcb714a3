import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, liveTempDirs, removeTempDir, removeTempDirsSync } from './temp-dirs.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'temp-dirs-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the temp directory registry', () => {
  it('registers what it makes until removed', async () => {
    const dir = await createTempDir(root);
    expect(dir.startsWith(join(root, 'sekisho-'))).toBe(true);
    expect(liveTempDirs()).toContain(dir);
    await removeTempDir(dir);
    expect(liveTempDirs()).not.toContain(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('removes every live directory synchronously (signal and exit paths)', async () => {
    const a = await createTempDir(root);
    const b = await createTempDir(root);
    await writeFile(join(a, 'archive.tar'), Buffer.alloc(1024));
    removeTempDirsSync();
    expect(liveTempDirs()).toEqual([]);
    expect(await readdir(root)).toEqual([]);
    expect(existsSync(b)).toBe(false);
  });
});
