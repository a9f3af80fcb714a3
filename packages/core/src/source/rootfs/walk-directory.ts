import { constants as fsConstants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { SekishoError } from '../../errors.js';
import type { EntryHeader, EntryKind } from '../../layers/entry.js';
import type { TarWalkStats } from '../../layers/tar-walker.js';
import type { DirectoryVisitor } from '../types.js';
import { describeFsError, kindName, nodeWalkFs, readListedFile } from './read-listed-file.js';
import type { WalkFs } from './read-listed-file.js';
import type { PathSkip } from './path-skip.js';

/*
 * Walk an unpacked root file system as one layer. The tree may be live (another process writing
 * to it), so:
 *
 * - Every directory is opened with O_DIRECTORY | O_NOFOLLOW and checked with fstat against its
 *   listing (same device and inode), then listed and its children reached through
 *   `/proc/self/fd/<fd>/<name>` — the openat(2) Node lacks: a directory swapped for a symlink
 *   after listing can no longer lead the walk out of the tree, and the paths handed to the
 *   kernel stay short, so files deeper than PATH_MAX (4096 bytes) are read too. Where
 *   /proc/self/fd does not exist (not Linux), paths are joined as before: a swapped directory is
 *   then caught only by the per-file checks below, and a path longer than PATH_MAX becomes an
 *   unknown ("path longer than PATH_MAX") with the image path, never a silent drop.
 * - Files are read through readListedFile (O_NOFOLLOW | O_NONBLOCK, then fstat checks).
 * - Anything that cannot be listed, stat'ed or read (EACCES, a file changed during the scan, too
 *   deep) is reported to the visitor as an unknown with the real reason: the report is then
 *   incomplete (reportCompleteness), and the scan goes on.
 */

const MAX_ENTRIES = 5_000_000;
/** Deepest directory nesting walked: each level holds one open directory handle. */
const MAX_DEPTH = 256;
const PROC_FD = '/proc/self/fd';
/** lstat calls a directory listing keeps in flight ahead of the entry being visited. */
const STAT_AHEAD = 32;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = fsConstants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK;

export interface WalkDirectoryOptions {
  /** File-system calls (tests inject errors root never gets). */
  readonly fs?: WalkFs;
  /** Reach children through /proc/self/fd (default: when it works here). */
  readonly pinDirectories?: boolean;
  /** Entries the user chose not to scan: never opened or listed, recorded in `skip.skippedPaths`. */
  readonly skip?: PathSkip | null;
}

interface Dir {
  /** Prefix for children's paths in file-system calls. */
  readonly base: string;
  readonly handle: FileHandle | null;
}

export async function walkDirectory(root: string, visitor: DirectoryVisitor, options: WalkDirectoryOptions = {}): Promise<TarWalkStats> {
  const fs = options.fs ?? nodeWalkFs;
  const pin = options.pinDirectories ?? (await procFdWorks());
  let entries = 0;
  let bytes = 0;

  async function openDir(path: string, listed: BigIntStats | null, imagePath: string): Promise<Dir | null> {
    if (!pin) return { base: path, handle: null };
    let handle: FileHandle;
    try {
      // The root may be given through a symlink by the user; below it, nothing is followed.
      handle = await fs.open(path, listed === null ? O_RDONLY | O_DIRECTORY : DIR_FLAGS);
    } catch (error) {
      visitor.unknown(imagePath, describeFsError(error, 'directory'));
      return null;
    }
    try {
      const now = await handle.stat({ bigint: true });
      let changed: string | null = null;
      if (!now.isDirectory()) changed = `changed during the scan: listed as a directory, now ${kindName(now)}`;
      else if (listed !== null && (now.dev !== listed.dev || now.ino !== listed.ino)) changed = 'changed during the scan: the directory was replaced';
      if (changed === null) return { base: `${PROC_FD}/${handle.fd}`, handle };
      visitor.unknown(imagePath, changed);
    } catch (error) {
      visitor.unknown(imagePath, describeFsError(error, 'directory'));
    }
    await handle.close().catch(() => undefined);
    return null;
  }

  async function visit(dir: Dir, imagePath: string, depth: number): Promise<void> {
    let names: string[];
    try {
      names = (await fs.readdir(dir.base)).sort();
    } catch (error) {
      visitor.unknown(imagePath, describeFsError(error, 'directory'));
      return;
    }
    const statOf = lookahead(names, STAT_AHEAD, (name) => fs.lstat(`${dir.base}/${name}`));
    for (const [index, name] of names.entries()) {
      const full = `${dir.base}/${name}`;
      const path = imagePath === '/' ? `/${name}` : `${imagePath}/${name}`;
      const stat = await statOf(index);
      if ('error' in stat) {
        visitor.unknown(path, describeFsError(stat.error, 'entry'));
        continue;
      }
      const info = stat.value;
      if (++entries > MAX_ENTRIES) throw new SekishoError('LIMIT_ENTRY_COUNT', `more than ${MAX_ENTRIES} files`, { where: { image: root } });
      const kind = kindOf(info);
      if (options.skip?.test(path, kind === 'dir') === true) {
        options.skip.skippedPaths.push(path);
        continue;
      }
      const size = Number(info.size);
      let linkTarget: string | null = null;
      if (kind === 'symlink') {
        try {
          linkTarget = await fs.readlink(full);
        } catch (error) {
          visitor.unknown(path, describeFsError(error, 'symbolic link'));
          linkTarget = '';
        }
      }
      const header: EntryHeader = {
        path,
        kind,
        mode: Number(info.mode) & 0o7777,
        uid: Number(info.uid),
        gid: Number(info.gid),
        size: kind === 'file' ? size : 0,
        linkTarget,
        mtime: Math.floor(Number(info.mtimeMs) / 1000),
      };
      const wanted = visitor.bodyBytes(header);
      if (kind === 'file') {
        bytes += size;
        const want = Math.min(wanted, size);
        if (want > 0) {
          const read = await readListedFile(full, info, want, fs);
          if ('unknown' in read) {
            visitor.unknown(path, read.unknown);
            await visitor.entry(header, null, true);
          } else {
            await visitor.entry(header, read.body, read.body.length < size);
          }
        } else {
          await visitor.entry(header, wanted > 0 && size === 0 ? Buffer.alloc(0) : null, size > 0);
        }
      } else {
        await visitor.entry(header, null, false);
      }
      if (kind !== 'dir') continue;
      if (depth + 1 > MAX_DEPTH) {
        visitor.unknown(path, `directory nested deeper than ${MAX_DEPTH} levels: its contents were not read`);
        continue;
      }
      const child = await openDir(full, info, path);
      if (child === null) continue;
      try {
        await visit(child, path, depth + 1);
      } finally {
        await child.handle?.close().catch(() => undefined);
      }
    }
  }

  const top = await openDir(root, null, '/');
  if (top !== null) {
    try {
      await visit(top, '/', 0);
    } finally {
      await top.handle?.close().catch(() => undefined);
    }
  }
  return { entries, bytes };
}

type Settled<T> = { readonly value: T } | { readonly error: unknown };

/**
 * `start(items[i])` for each index asked for, begun up to `ahead` items early so that many
 * lstat calls are in flight while the visitor still sees entries one by one, in order.
 */
function lookahead<T, R>(items: readonly T[], ahead: number, start: (item: T) => Promise<R>): (index: number) => Promise<Settled<R>> {
  const pending = new Map<number, Promise<Settled<R>>>();
  let next = 0;
  return (index) => {
    for (; next < Math.min(items.length, index + ahead + 1); next += 1) {
      pending.set(
        next,
        start(items[next] as T).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      );
    }
    const result = pending.get(index);
    if (result === undefined) throw new RangeError(`item ${index} was not started or was already taken`);
    pending.delete(index); // a listing of many entries does not keep every stat
    return result;
  };
}

function kindOf(info: BigIntStats): EntryKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isCharacterDevice()) return 'char-device';
  if (info.isBlockDevice()) return 'block-device';
  if (info.isFIFO()) return 'fifo';
  return 'other';
}

let procFd: Promise<boolean> | undefined;

/** Whether `/proc/self/fd/<fd>` reaches an open directory here (Linux with /proc mounted). */
function procFdWorks(): Promise<boolean> {
  procFd ??= (async () => {
    try {
      const handle = await nodeWalkFs.open('/', O_RDONLY | O_DIRECTORY);
      try {
        const [viaFd, direct] = await Promise.all([nodeWalkFs.lstat(`${PROC_FD}/${handle.fd}/.`), handle.stat({ bigint: true })]);
        return viaFd.ino === direct.ino && viaFd.dev === direct.dev;
      } finally {
        await handle.close();
      }
    } catch {
      return false;
    }
  })();
  return procFd;
}
