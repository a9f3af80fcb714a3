import { constants as fsConstants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';

/*
 * Reading a file of a live directory tree safely. The walk lists an entry with `lstat`, then
 * reads it later; in between, anything that can write to the tree can swap the file for a
 * symbolic link (to a host file) or a FIFO (which blocks `open` forever). So a listed file is
 * opened with O_NOFOLLOW (a symlink fails with ELOOP) and O_NONBLOCK (a FIFO opens at once), and
 * the open handle is checked with fstat: still a regular file, same device, inode and size as
 * listed. Anything else is recorded as "changed during the scan", never read.
 */

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fsConstants;
const SAFE_OPEN_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;

/** The file-system calls a directory walk makes: a seam for tests that need errors root never gets (EACCES). */
export interface WalkFs {
  lstat(path: string): Promise<BigIntStats>;
  open(path: string, flags: number): Promise<WalkHandle>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
}

/** What the walk uses of an open file or directory (a FileHandle has it). */
export interface WalkHandle {
  readonly fd: number;
  stat(options: { bigint: true }): Promise<BigIntStats>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export const nodeWalkFs: WalkFs = {
  lstat: (path) => lstat(path, { bigint: true }),
  open: (path, flags) => open(path, flags),
  readdir: (path) => readdir(path),
  readlink: (path) => readlink(path),
};

export type ListedRead = { readonly body: Buffer } | { readonly unknown: string };

/**
 * Read the first `length` bytes of the regular file `path` that was listed as `listed`, or say
 * why it cannot be read (an unknown for the report). Never follows a link, never blocks on a FIFO.
 */
export async function readListedFile(path: string, listed: BigIntStats, length: number, fs: WalkFs = nodeWalkFs): Promise<ListedRead> {
  let handle: WalkHandle;
  try {
    handle = await fs.open(path, SAFE_OPEN_FLAGS);
  } catch (error) {
    return { unknown: describeFsError(error, 'file') };
  }
  try {
    const now = await handle.stat({ bigint: true });
    if (!now.isFile()) return { unknown: `changed during the scan: listed as a regular file, now ${kindName(now)}` };
    if (now.dev !== listed.dev || now.ino !== listed.ino) return { unknown: 'changed during the scan: replaced by another file' };
    if (now.size !== listed.size) return { unknown: `changed during the scan: size changed from ${listed.size} to ${now.size} bytes` };
    const want = Math.min(length, Number(listed.size));
    const buffer = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(buffer, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got < want) return { unknown: `changed during the scan: ${got} of ${want} bytes could be read` };
    return { body: buffer };
  } catch (error) {
    return { unknown: describeFsError(error, 'file') };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The reason an unknown gives for a failed file-system call: the real cause, in words and code. */
export function describeFsError(error: unknown, what: 'file' | 'directory' | 'entry' | 'symbolic link'): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `unreadable ${what}: permission denied (${code})`;
    case 'ELOOP':
      return `changed during the scan: the ${what} was replaced by a symbolic link (ELOOP)`;
    case 'ENOENT':
      return `changed during the scan: the ${what} was removed (ENOENT)`;
    case 'ENOTDIR':
      return `changed during the scan: a directory on the way to the ${what} was replaced (ENOTDIR)`;
    case 'ENAMETOOLONG':
      return `path longer than PATH_MAX (4096 bytes): the ${what} could not be read (ENAMETOOLONG)`;
    case 'ENXIO':
      return `unreadable ${what}: not a readable file (ENXIO)`;
    default:
      return `unreadable ${what}: ${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)}`;
  }
}

export function kindName(info: BigIntStats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'another kind of file';
}
