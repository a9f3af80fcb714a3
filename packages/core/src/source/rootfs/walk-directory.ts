import { constants as fsConstants } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BigIntStats } from 'node:fs';
import { SekishoError } from '../../errors.js';
import type { EntryHeader, EntryKind } from '../../layers/entry.js';
import type { TarWalkStats } from '../../layers/tar-walker.js';
import type { DirectoryVisitor } from '../types.js';
import { describeFsError, kindName, nodeWalkFs, readListedFile } from './read-listed-file.js';
import { callsAreLocal, localWalkFs } from './local-calls.js';
import type { ListedRead, WalkFs, WalkHandle } from './read-listed-file.js';
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
 *
 * Entries reach the visitor one by one, depth first, in name order; behind that, every listing
 * prepares its entries ahead (lstat, readlink, bodyBytes, the read; subdirectories opened,
 * listed and prepared in turn), bounded by entries, bytes and open directories ahead. Each call
 * is a round trip to the thread pool: one at a time, most of a scan was spent waiting.
 */

const MAX_ENTRIES = 5_000_000;
/** Deepest directory nesting walked: each level holds one open directory handle. */
const MAX_DEPTH = 256;
const PROC_FD = '/proc/self/fd';
/**
 * Entries of a listing prepared ahead of the one being handed to the visitor: lstat'ed (and
 * readlink'ed), asked about (bodyBytes, in order), and read. Each file-system call is a round trip
 * to the thread pool (~0.1 ms here); one at a time, a 10,000-file tree spent 1.4 s of a 2.5 s scan
 * waiting (`node --cpu-prof`, `sekisho sbom dir:` of the unpacked debian-app fixture).
 */
const PREPARE_AHEAD = 64;
/** lstat calls in flight ahead of the entry being prepared. */
const STAT_AHEAD = 64;
/** Body bytes read ahead of the visitor, across the walk; past it, a file is read when handed over. */
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
/** Directories opened and listed ahead of the visitor, across the walk (each holds a descriptor). */
const DIRS_AHEAD = 32;
/**
 * Entries handed over between turns of the event loop. Synchronous file-system calls
 * (local-calls.ts) resolve every step at once: without a turn now and then, timers (the scan's
 * deadline) and signal handlers (Ctrl-C) would wait for the whole walk.
 */
const ENTRIES_PER_TURN = 256;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = fsConstants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK;

export interface WalkDirectoryOptions {
  /** File-system calls (tests inject errors root never gets); default: local-calls.ts decides. */
  readonly fs?: WalkFs;
  /** Reach children through /proc/self/fd (default: when it works here). */
  readonly pinDirectories?: boolean;
  /** Entries the user chose not to scan: never opened or listed, recorded in `skip.skippedPaths`. */
  readonly skip?: PathSkip | null;
  /** Body bytes read ahead of the visitor (default READ_AHEAD_BYTES; tests make it small). */
  readonly readAheadBytes?: number;
}

interface Dir {
  /** Prefix for children's paths in file-system calls. */
  readonly base: string;
  readonly handle: WalkHandle | null;
}

interface Listed {
  readonly info: BigIntStats;
  /** The target of a symbolic link, or why it could not be read. */
  readonly link: Settled<string> | null;
}

/** One entry of a listing, ready to hand over. */
type Prepared =
  | { readonly kind: 'unlisted'; readonly path: string; readonly reason: string }
  | { readonly kind: 'skipped'; readonly path: string }
  | {
      readonly kind: 'entry';
      readonly header: EntryHeader;
      readonly full: string;
      readonly info: BigIntStats;
      readonly wanted: number;
      /** Why parts of the entry could not be read, reported before it. */
      readonly unknowns: readonly string[];
      /** The body being read ahead (its bytes count against READ_AHEAD_BYTES), 'later', or null when none is wanted. */
      readonly body: { readonly read: Promise<ListedRead>; readonly reserved: number } | 'later' | null;
      /** A directory opened, listed and being prepared ahead (counts against DIRS_AHEAD), or null. */
      readonly child: Promise<Walker | { readonly unknown: string }> | null;
    };

/** A directory being walked: its entries prepared in order, ahead of being handed over. */
interface Walker {
  readonly dir: Dir;
  readonly names: readonly string[];
  readonly imagePath: string;
  readonly depth: number;
  readonly prepared: (Promise<Prepared> | undefined)[];
  /** Entries asked for so far (prepared[0..asked) exist until handed over). */
  asked: number;
  /** The last preparation asked for: each waits for the one before it. */
  chain: Promise<unknown>;
  /** Every lstat/readlink begun for this listing, settled. */
  readonly listedSettled: () => Promise<void>;
  readonly listedOf: (index: number) => Promise<Settled<Listed>>;
}

export async function walkDirectory(root: string, visitor: DirectoryVisitor, options: WalkDirectoryOptions = {}): Promise<TarWalkStats> {
  const fs = options.fs ?? ((await callsAreLocal(root)) ? localWalkFs : nodeWalkFs);
  const pin = options.pinDirectories ?? (await procFdWorks());
  let entries = 0;
  let bytes = 0;
  const readAheadBytes = options.readAheadBytes ?? READ_AHEAD_BYTES;
  let readAhead = 0;
  let dirsAhead = 0;
  let sinceTurn = 0;

  async function openDir(path: string, listed: BigIntStats | null): Promise<Dir | { readonly unknown: string }> {
    if (!pin) return { base: path, handle: null };
    let handle: WalkHandle;
    try {
      // The root may be given through a symlink by the user; below it, nothing is followed.
      handle = await fs.open(path, listed === null ? O_RDONLY | O_DIRECTORY : DIR_FLAGS);
    } catch (error) {
      return { unknown: describeFsError(error, 'directory') };
    }
    let reason: string;
    try {
      const now = await handle.stat({ bigint: true });
      if (!now.isDirectory()) reason = `changed during the scan: listed as a directory, now ${kindName(now)}`;
      else if (listed !== null && (now.dev !== listed.dev || now.ino !== listed.ino)) reason = 'changed during the scan: the directory was replaced';
      else return { base: `${PROC_FD}/${handle.fd}`, handle };
    } catch (error) {
      reason = describeFsError(error, 'directory');
    }
    await handle.close().catch(() => undefined);
    return { unknown: reason };
  }

  /** Opens and lists a directory and begins preparing its first entries. */
  async function begin(path: string, listed: BigIntStats | null, imagePath: string, depth: number): Promise<Walker | { readonly unknown: string }> {
    const dir = await openDir(path, listed);
    if ('unknown' in dir) return dir;
    let names: string[];
    try {
      names = (await fs.readdir(dir.base)).sort();
    } catch (error) {
      await dir.handle?.close().catch(() => undefined);
      return { unknown: describeFsError(error, 'directory') };
    }
    const { take, settled } = lookahead(names, STAT_AHEAD, async (name): Promise<Listed> => {
      const full = `${dir.base}/${name}`;
      const info = await fs.lstat(full);
      if (!info.isSymbolicLink()) return { info, link: null };
      return { info, link: await settle(fs.readlink(full)) };
    });
    const walker: Walker = { dir, names, imagePath, depth, prepared: [], asked: 0, chain: Promise.resolve(), listedOf: take, listedSettled: settled };
    askUpTo(walker, PREPARE_AHEAD);
    return walker;
  }

  /** Prepares entries up to `end`, each after the one before it. */
  function askUpTo(walker: Walker, end: number): void {
    for (; walker.asked < Math.min(walker.names.length, end); walker.asked += 1) {
      const index = walker.asked;
      const next = walker.chain.then(() => prepare(walker, index));
      next.catch(() => undefined); // thrown when handed over, or released
      walker.prepared[index] = next;
      walker.chain = next;
    }
  }

  async function prepare(walker: Walker, index: number): Promise<Prepared> {
    const name = walker.names[index] as string;
    const full = `${walker.dir.base}/${name}`;
    const path = walker.imagePath === '/' ? `/${name}` : `${walker.imagePath}/${name}`;
    const listed = await walker.listedOf(index);
    if ('error' in listed) return { kind: 'unlisted', path, reason: describeFsError(listed.error, 'entry') };
    const { info, link } = listed.value;
    if (++entries > MAX_ENTRIES) throw new SekishoError('LIMIT_ENTRY_COUNT', `more than ${MAX_ENTRIES} files`, { where: { image: root } });
    const kind = kindOf(info);
    if (options.skip?.test(path, kind === 'dir') === true) return { kind: 'skipped', path };
    const size = Number(info.size);
    const unknowns: string[] = [];
    if (link !== null && 'error' in link) unknowns.push(describeFsError(link.error, 'symbolic link'));
    const header: EntryHeader = {
      path,
      kind,
      mode: Number(info.mode) & 0o7777,
      uid: Number(info.uid),
      gid: Number(info.gid),
      size: kind === 'file' ? size : 0,
      linkTarget: link === null ? null : 'value' in link ? link.value : '',
      mtime: Math.floor(Number(info.mtimeMs) / 1000),
    };
    const wanted = visitor.bodyBytes(header);
    let body: Extract<Prepared, { kind: 'entry' }>['body'] = null;
    if (kind === 'file') {
      bytes += size;
      const want = Math.min(wanted, size);
      if (want > 0 && readAhead + want <= readAheadBytes) {
        readAhead += want;
        body = { read: readListedFile(full, info, want, fs), reserved: want };
      } else if (want > 0) body = 'later';
    }
    let child: Promise<Walker | { readonly unknown: string }> | null = null;
    if (kind === 'dir' && walker.depth + 1 <= MAX_DEPTH && dirsAhead < DIRS_AHEAD) {
      dirsAhead += 1;
      child = begin(full, info, path, walker.depth + 1);
    }
    return { kind: 'entry', header, full, info, wanted, unknowns, body, child };
  }

  /** Hands every entry of the directory to the visitor, in order, and walks its subdirectories. */
  async function visit(walker: Walker): Promise<void> {
    const { prepared, names, depth } = walker;
    let index = 0;
    // What the entry being handed over holds that was begun ahead and is not yet taken.
    let untaken: Prepared | null = null;
    try {
      for (; index < names.length; index += 1) {
        untaken = null;
        if (++sinceTurn >= ENTRIES_PER_TURN) {
          sinceTurn = 0;
          await nextTurn();
        }
        askUpTo(walker, index + PREPARE_AHEAD + 1);
        const item = await (prepared[index] as Promise<Prepared>);
        prepared[index] = undefined;
        if (item.kind === 'unlisted') {
          visitor.unknown(item.path, item.reason);
          continue;
        }
        if (item.kind === 'skipped') {
          options.skip?.skippedPaths.push(item.path);
          continue;
        }
        untaken = item;
        const { header, full, info, wanted, body, child } = item;
        for (const reason of item.unknowns) visitor.unknown(header.path, reason);
        if (body !== null) {
          const read = body === 'later' ? await readListedFile(full, info, Math.min(wanted, header.size), fs) : await body.read;
          if (body !== 'later') readAhead -= body.reserved;
          untaken = { ...item, body: null };
          if ('unknown' in read) {
            visitor.unknown(header.path, read.unknown);
            await visitor.entry(header, null, true);
          } else {
            await visitor.entry(header, read.body, read.body.length < header.size);
          }
        } else if (header.kind === 'file') {
          await visitor.entry(header, wanted > 0 && header.size === 0 ? Buffer.alloc(0) : null, header.size > 0);
        } else {
          await visitor.entry(header, null, false);
        }
        if (header.kind !== 'dir') continue;
        if (depth + 1 > MAX_DEPTH) {
          visitor.unknown(header.path, `directory nested deeper than ${MAX_DEPTH} levels: its contents were not read`);
          continue;
        }
        untaken = null;
        if (child !== null) dirsAhead -= 1;
        const sub = await (child ?? begin(full, info, header.path, depth + 1));
        if ('unknown' in sub) {
          visitor.unknown(header.path, sub.unknown);
          continue;
        }
        try {
          await visit(sub);
        } finally {
          await sub.dir.handle?.close().catch(() => undefined);
        }
      }
    } catch (error) {
      // Stopped early (an error, the deadline): what was begun ahead is let go once it settles.
      if (untaken !== null) void release(untaken);
      for (let rest = index + 1; rest < walker.asked; rest += 1) void prepared[rest]?.then(release, () => undefined);
      throw error;
    }
  }

  /** Lets go of an entry prepared and never handed over: its read-ahead bytes, its subdirectory's walk and descriptor. */
  async function release(item: Prepared): Promise<void> {
    if (item.kind !== 'entry') return;
    if (item.body !== null && item.body !== 'later') {
      await item.body.read;
      readAhead -= item.body.reserved;
    }
    if (item.child === null) return;
    dirsAhead -= 1;
    const sub = await item.child;
    if ('unknown' in sub) return;
    // Nothing may still use the directory's descriptor (its number could be reused) when it closes.
    const items = await Promise.allSettled(sub.prepared.slice(0, sub.asked).filter((p): p is Promise<Prepared> => p !== undefined));
    await sub.listedSettled();
    await Promise.all(items.flatMap((settled) => (settled.status === 'fulfilled' ? [release(settled.value)] : [])));
    await sub.dir.handle?.close().catch(() => undefined);
  }

  const top = await begin(root, null, '/', 0);
  if ('unknown' in top) visitor.unknown('/', top.unknown);
  else {
    try {
      await visit(top);
    } finally {
      await top.dir.handle?.close().catch(() => undefined);
    }
  }
  return { entries, bytes };
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

type Settled<T> = { readonly value: T } | { readonly error: unknown };

/**
 * `take(i)`: `start(items[i])`, begun up to `ahead` items early so that many lstat calls are in
 * flight while entries are still prepared one by one, in order. `settled()`: every call begun has
 * finished.
 */
function lookahead<T, R>(items: readonly T[], ahead: number, start: (item: T) => Promise<R>): { take: (index: number) => Promise<Settled<R>>; settled: () => Promise<void> } {
  const pending = new Map<number, Promise<Settled<R>>>();
  let next = 0;
  return {
    take(index) {
      for (; next < Math.min(items.length, index + ahead + 1); next += 1) pending.set(next, settle(start(items[next] as T)));
      const result = pending.get(index);
      if (result === undefined) throw new RangeError(`item ${index} was not started or was already taken`);
      pending.delete(index); // a listing of many entries does not keep every stat
      return result;
    },
    settled: async () => {
      await Promise.all(pending.values());
    },
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
