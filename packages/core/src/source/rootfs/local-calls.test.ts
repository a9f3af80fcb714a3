import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryVisitor } from '../types.js';
import { localWalkFs, callsAreLocal, mountPoints } from './local-calls.js';
import { nodeWalkFs } from './read-listed-file.js';
import type { WalkFs } from './read-listed-file.js';
import { walkDirectory } from './walk-directory.js';

describe('mountPoints', () => {
  it('reads field 5 of each mountinfo line, with octal escapes decoded', () => {
    const info = ['36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue', '40 27 0:50 / /srv/with\\040space rw - fuse.sshfs host:/x rw', ''].join('\n');
    expect(mountPoints(info)).toEqual(['/mnt/parent', '/srv/with space']);
  });
});

describe('callsAreLocal', () => {
  it('is false for a root with other file systems mounted below it (/ holds /proc)', async () => {
    expect(await callsAreLocal('/')).toBe(false);
  });

  it('is false for what cannot be examined', async () => {
    expect(await callsAreLocal(join(tmpdir(), 'sekisho-no-such-directory'))).toBe(false);
  });
});

describe('localWalkFs', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sekisho-local-metadata-'));
    await mkdir(join(root, 'etc', 'ssl'), { recursive: true });
    await writeFile(join(root, 'etc', 'os-release'), 'ID=debian\n');
    await symlink('../usr/lib/os-release', join(root, 'etc', 'link'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const walk = async (fs: WalkFs) => {
    const seen: string[] = [];
    const visitor: DirectoryVisitor = {
      bodyBytes: () => 1024,
      entry: (h, body) => void seen.push(`${h.path} ${h.kind} ${h.mode.toString(8)} ${h.size} ${h.linkTarget ?? '-'} ${body?.toString('utf8') ?? '-'}`),
      unknown: (path, reason) => void seen.push(`unknown ${path} ${reason}`),
    };
    await walkDirectory(root, visitor, { fs });
    return seen;
  };

  it('walks exactly as the thread-pool calls do', async () => {
    const viaPool = await walk(nodeWalkFs);
    expect(viaPool.length).toBe(4);
    expect(await walk(localWalkFs)).toEqual(viaPool);
  });

  it('fails a call as the thread-pool call does: a rejected promise with the same code', async () => {
    const missing = join(root, 'missing');
    for (const call of ['lstat', 'readdir', 'readlink', 'open'] as const) {
      const [local, pool] = await Promise.allSettled([localWalkFs[call](missing, 0), nodeWalkFs[call](missing, 0)]);
      expect(local.status, call).toBe('rejected');
      expect(pool.status, call).toBe('rejected');
      expect((local as PromiseRejectedResult).reason).toMatchObject({ code: 'ENOENT' });
    }
  });
});
