import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { readFile, realpath, statfs } from 'node:fs/promises';
import type { WalkFs, WalkHandle } from './read-listed-file.js';

/*
 * The walk's file-system calls made synchronously, where that cannot stall the scan. Through
 * libuv's thread pool each call is a round trip of thread wake-ups, and a `dir:` walk makes
 * several per entry (lstat; open, fstat, read, close for a file read). Made synchronously on a
 * local file system they cost a few microseconds: `sbom dir:` of the unpacked debian-app fixture
 * (9,828 entries) took 1.21–1.32 s with every call through the pool, 0.98–1.14 s with lstat,
 * readdir and readlink made synchronously, and 0.58–0.88 s with opens and reads too
 * (`/usr/bin/time`, interleaved runs).
 *
 * A synchronous call blocks the whole process, and with it the scan's deadline timer: on a network
 * or FUSE file system a call can hang for as long as the server (or a hostile FUSE daemon) likes.
 * So the walk uses them only when the root is on a local disk-backed or memory file system and
 * no other file system is mounted anywhere below it (/proc/self/mountinfo); otherwise, or when
 * either cannot be read, every call goes through the thread pool, where a hung call only holds a
 * thread and the deadline still ends the scan. Bodies are read with the same checks either way
 * (readListedFile).
 *
 * Moving the calls to a thread of their own measured slower or no faster (`sbom dir:` of the
 * unpacked distroless and debian-node fixtures, 7,576 and 38,926 entries; interleaved runs):
 * - every call sent to a worker, gathered into one message per turn of the event loop: 0.60 →
 *   0.94-1.36 s and 1.5 → 2.7-2.9 s. The walk cannot begin a directory's entries before its
 *   listing is back, so messages carried 1.5-5 calls each, a round trip of wake-ups apiece.
 * - a worker listing the whole tree (readdir, lstat, readlink) in the walk's order ahead of it,
 *   the walk taking a listing only for the very directory it opened (98% of them were ready):
 *   distroless 0.61-0.64 s either way, debian-node 1.53-1.59 → 1.38-1.52 s, for 20 MB more peak RSS
 *   and 0.2 s more CPU. The calls left (opening and reading files, directories' own descriptors)
 *   and the messages' own cost ate most of what the listings saved.
 */

/** statfs(2) f_type of file systems whose metadata calls are served from the local kernel. */
const LOCAL_FILE_SYSTEMS = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x858458f6, // ramfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0x73717368, // squashfs
  0xe0f5e1e2, // erofs
]);

const sync =
  <A extends unknown[], R>(call: (...args: A) => R) =>
  (...args: A): Promise<R> => {
    try {
      return Promise.resolve(call(...args));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

function openLocal(path: string, flags: number): WalkHandle {
  const fd = openSync(path, flags);
  let closed = false;
  return {
    fd,
    stat: sync(() => fstatSync(fd, { bigint: true })),
    read: sync((buffer: Buffer, offset: number, length: number, position: number) => ({ bytesRead: readSync(fd, buffer, offset, length, position) })),
    close: sync(() => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    }),
  };
}

/** Every call made synchronously (returned as settled promises, so the walk runs unchanged). */
export const localWalkFs: WalkFs = {
  lstat: sync((path: string) => lstatSync(path, { bigint: true })),
  open: sync(openLocal),
  readdir: sync((path: string) => readdirSync(path)),
  readlink: sync((path: string) => readlinkSync(path)),
};

/** Mount points in /proc/self/mountinfo (field 5, octal escapes decoded). */
export function mountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

/** Whether file-system calls under `root` are served by a local file system with nothing mounted below it. */
export async function callsAreLocal(root: string): Promise<boolean> {
  try {
    const real = await realpath(root);
    if (!LOCAL_FILE_SYSTEMS.has((await statfs(real)).type)) return false;
    const below = real === '/' ? '/' : `${real}/`;
    return !mountPoints(await readFile('/proc/self/mountinfo', 'utf8')).some((point) => point.startsWith(below) && point !== real);
  } catch {
    return false;
  }
}
