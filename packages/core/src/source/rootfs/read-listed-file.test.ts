import { execFileSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdtemp, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeWalkFs, readListedFile } from './read-listed-file.js';
import type { WalkFs } from './read-listed-file.js';

/*
 * The race (a file swapped between listing and reading) is made deterministic: the test lists
 * the file, swaps it, then calls the primitive, exactly as a writer racing the walk would.
 */

let dir: string;
let host: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-listed-'));
  host = join(dir, 'host-secret'); // outside the scanned tree below
  await writeFile(host, 'HOST-ONLY CONTENT');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const listed = async (path: string) => lstat(path, { bigint: true });

/** Open a FIFO for writing if a reader is blocked on it (so a blocking implementation fails the test instead of hanging the run). */
function releaseBlockedReaderAfter(fifo: string, ms: number): { released: () => boolean; cancel: () => void } {
  let released = false;
  const timer = setTimeout(() => {
    void open(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK).then(
      (handle) => {
        released = true;
        return handle.close();
      },
      () => undefined, // ENXIO: nobody is reading, nothing to release
    );
  }, ms);
  return { released: () => released, cancel: () => clearTimeout(timer) };
}

describe('readListedFile', () => {
  it('reads a listed regular file, up to the asked length', async () => {
    const file = join(dir, 'status');
    await writeFile(file, 'Package: zlib1g\n');
    expect(await readListedFile(file, await listed(file), 7)).toEqual({ body: Buffer.from('Package') });
    expect(await readListedFile(file, await listed(file), 1000)).toEqual({ body: Buffer.from('Package: zlib1g\n') });
  });

  it('never reads through a symlink swapped in after listing (host content stays out)', async () => {
    const file = join(dir, 'passwd');
    await writeFile(file, 'root:x:0:0\n');
    const info = await listed(file);
    await rm(file);
    await symlink(host, file);
    const read = await readListedFile(file, info, 1000);
    expect(read).toEqual({ unknown: expect.stringMatching(/^changed during the scan/) });
    expect(JSON.stringify(read)).not.toContain('HOST-ONLY');
  });

  it.skipIf(!hasMkfifo())('returns at once for a FIFO swapped in after listing (no hang), as changed during the scan', async () => {
    const file = join(dir, 'status');
    await writeFile(file, 'Package: x\n');
    const info = await listed(file);
    await rm(file);
    execFileSync('mkfifo', [file]);
    const guard = releaseBlockedReaderAfter(file, 2000);
    const read = await readListedFile(file, info, 1000);
    guard.cancel();
    expect(guard.released()).toBe(false);
    expect(read).toEqual({ unknown: 'changed during the scan: listed as a regular file, now a FIFO' });
  });

  it('refuses a file replaced by another one, or resized, after listing', async () => {
    const file = join(dir, 'status');
    await writeFile(file, 'original\n');
    const info = await listed(file);
    await writeFile(join(dir, 'other'), 'original\n');
    await rename(join(dir, 'other'), file);
    expect(await readListedFile(file, info, 100)).toEqual({ unknown: 'changed during the scan: replaced by another file' });
    const info2 = await listed(file);
    await writeFile(file, 'longer than before\n');
    expect(await readListedFile(file, info2, 100)).toEqual({ unknown: 'changed during the scan: size changed from 9 to 19 bytes' });
  });

  it('says why a file cannot be opened (EACCES through the fs seam: root is never refused)', async () => {
    const file = join(dir, 'status');
    await writeFile(file, 'x');
    const denied: WalkFs = { ...nodeWalkFs, open: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })) };
    expect(await readListedFile(file, await listed(file), 10, denied)).toEqual({ unknown: 'unreadable file: permission denied (EACCES)' });
  });

  it.skipIf(process.getuid?.() === 0)('says why a file cannot be opened (a real chmod 000, when not run as root)', async () => {
    const file = join(dir, 'status');
    await writeFile(file, 'x');
    await chmod(file, 0);
    expect(await readListedFile(file, await listed(file), 10)).toEqual({ unknown: 'unreadable file: permission denied (EACCES)' });
  });
});

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
