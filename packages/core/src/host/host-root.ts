import { constants as fsConstants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, kindName } from '../source/rootfs/read-listed-file.js';

/*
 * Read-only access to a host root (`/`, or a host file system mounted at `/host` in a DaemonSet).
 * The tree is untrusted: whoever controls it may plant symlinks to the auditor's own files, FIFOs
 * that block `open`, or files of terabytes. So:
 *
 * - Paths are resolved component by component with lstat, symlinks chroot-style: an absolute
 *   target starts again at the root, `..` stops at it, at most 40 links (Linux's MAXSYMLINKS).
 *   A link never leads out of the root.
 * - The final file is opened with O_NOFOLLOW | O_NONBLOCK and checked with fstat (a regular file,
 *   or a directory for listings); on Linux the kernel's own name of the open file
 *   (`/proc/self/fd/N`) must lie under the root, which also catches a directory swapped for a
 *   link between the checks and the open.
 * - Reads are bounded: a file above the caller's limit is refused unread (kernel pseudo-files
 *   report size 0, so reads also stop at the limit).
 *
 * Nothing found under the root is ever executed.
 */

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY } = fsConstants;
const MAX_SYMLINKS = 40;
/** Path components looked at while resolving one path (links expand it): bounds the lstat calls. */
const MAX_COMPONENTS = 4096;
const MAX_LISTING = 10_000;

export type HostRead =
  | { readonly kind: 'ok'; readonly body: Buffer; readonly path: string }
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string };

export interface HostStat {
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'socket' | 'symlink' | 'other';
  /** Permission bits and setuid/setgid/sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Device and inode: the same file reached through two paths (`/bin` → `/usr/bin`) has one id. */
  readonly id: string;
}

type Resolved = { readonly kind: 'ok'; readonly real: string; readonly info: BigIntStats } | { readonly kind: 'missing' } | { readonly kind: 'unreadable'; readonly reason: string };

export class HostRoot {
  private constructor(
    /** The root as the kernel names it (realpath), `/` for the live machine. */
    readonly root: string,
    private readonly procFd: boolean,
  ) {}

  static async open(root: string): Promise<HostRoot> {
    const real = await realpath(root);
    const info = await lstat(real);
    if (!info.isDirectory()) throw Object.assign(new Error(`${root} is not a directory`), { code: 'ENOTDIR' });
    const procFd = (await lstat('/proc/self/fd').catch(() => null))?.isDirectory() === true;
    return new HostRoot(real, procFd);
  }

  /** True for the machine the process runs on (root `/`). */
  get isLive(): boolean {
    return this.root === '/';
  }

  /** The real path of a host path (`/etc/docker/daemon.json` → `<root>/etc/docker/daemon.json`). */
  private join(hostPath: string): string {
    return this.root === '/' ? hostPath : path.join(this.root, hostPath);
  }

  /** Resolves a host path inside the root, following links chroot-style; the final component is lstat'ed, not followed when `followLast` is false. */
  private async resolve(hostPath: string, followLast = true): Promise<Resolved> {
    const pending = hostPath.split('/').filter((p) => p !== '' && p !== '.');
    const done: string[] = [];
    let links = 0;
    let steps = 0;
    while (pending.length > 0) {
      if (++steps > MAX_COMPONENTS) return { kind: 'unreadable', reason: `more than ${MAX_COMPONENTS} path components through symbolic links` };
      const part = pending.shift()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, part];
      const real = this.join(`/${candidate.join('/')}`);
      let info: BigIntStats;
      try {
        info = await lstat(real, { bigint: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
        return { kind: 'unreadable', reason: describeFsError(error, 'entry') };
      }
      if (info.isSymbolicLink() && (followLast || pending.length > 0)) {
        if (++links > MAX_SYMLINKS) return { kind: 'unreadable', reason: `more than ${MAX_SYMLINKS} symbolic links (a loop?)` };
        let target: string;
        try {
          target = await readlink(real);
        } catch (error) {
          return { kind: 'unreadable', reason: describeFsError(error, 'symbolic link') };
        }
        if (target.startsWith('/')) done.length = 0;
        pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      if (pending.length > 0 && !info.isDirectory()) return { kind: 'missing' };
      done.push(part);
      if (pending.length === 0) return { kind: 'ok', real, info };
    }
    return { kind: 'ok', real: this.root, info: await lstat(this.root, { bigint: true }) };
  }

  /** The kernel's name of an open file must lie under the root (defeats swaps between lstat and open). */
  private async insideRoot(handle: FileHandle): Promise<boolean> {
    if (!this.procFd || this.root === '/') return true;
    try {
      const actual = await readlink(`/proc/self/fd/${handle.fd}`);
      return actual === this.root || actual.startsWith(`${this.root}/`);
    } catch {
      return false;
    }
  }

  /** Reads a regular file of at most `limit` bytes. */
  async read(hostPath: string, limit: number): Promise<HostRead> {
    const r = await this.resolve(hostPath);
    if (r.kind === 'missing') return { kind: 'missing', path: hostPath };
    if (r.kind === 'unreadable') return { kind: 'unreadable', path: hostPath, reason: r.reason };
    if (!r.info.isFile()) return { kind: 'unreadable', path: hostPath, reason: `not a regular file (${kindName(r.info)})` };
    if (r.info.size > BigInt(limit)) return { kind: 'unreadable', path: hostPath, reason: `larger than ${limit} bytes (${r.info.size}); not read` };
    let handle: FileHandle;
    try {
      handle = await open(r.real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (error) {
      return { kind: 'unreadable', path: hostPath, reason: describeFsError(error, 'file') };
    }
    try {
      const now = await handle.stat({ bigint: true });
      if (!now.isFile() || now.ino !== r.info.ino || now.dev !== r.info.dev) return { kind: 'unreadable', path: hostPath, reason: 'changed while it was read' };
      if (!(await this.insideRoot(handle))) return { kind: 'unreadable', path: hostPath, reason: 'resolves outside the host root; not read' };
      // Pseudo-files (/proc, /sys) report size 0 whatever they hold: read in chunks until EOF,
      // one byte past the limit at most, to tell "too large" from "exactly the limit".
      const chunks: Buffer[] = [];
      const expected = Number(now.size);
      let got = 0;
      for (;;) {
        // A regular file in one buffer of its size (plus the byte that tells it grew); pseudo-files in 64 KiB steps.
        const chunk = Buffer.alloc(Math.max(1, Math.min(limit + 1 - got, expected > got ? expected + 1 - got : 64 * 1024)));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        got += bytesRead;
        if (got > limit) break;
      }
      if (got > limit) return { kind: 'unreadable', path: hostPath, reason: `larger than ${limit} bytes; not read` };
      return { kind: 'ok', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, got), path: hostPath };
    } catch (error) {
      return { kind: 'unreadable', path: hostPath, reason: describeFsError(error, 'file') };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Reads a text file (UTF-8) of at most `limit` bytes. */
  async readText(hostPath: string, limit: number): Promise<{ readonly kind: 'ok'; readonly text: string; readonly path: string } | Exclude<HostRead, { kind: 'ok' }>> {
    const r = await this.read(hostPath, limit);
    return r.kind === 'ok' ? { kind: 'ok', text: r.body.toString('utf8'), path: hostPath } : r;
  }

  /** Owner, group and mode of a path (the link itself when `followLast` is false), or null when it does not exist. */
  async stat(hostPath: string, followLast = true): Promise<HostStat | { readonly unreadable: string } | null> {
    const r = await this.resolve(hostPath, followLast);
    if (r.kind === 'missing') return null;
    if (r.kind === 'unreadable') return { unreadable: r.reason };
    const i = r.info;
    const kind = i.isFile() ? 'file' : i.isDirectory() ? 'directory' : i.isSocket() ? 'socket' : i.isSymbolicLink() ? 'symlink' : 'other';
    return { path: hostPath, kind, mode: Number(i.mode & 0o7777n), uid: Number(i.uid), gid: Number(i.gid), size: Number(i.size), id: `${i.dev}:${i.ino}` };
  }

  /** The target of a symbolic link itself (e.g. `/proc/1/ns/pid` → `pid:[4026531836]`), never followed; null when absent or not a link. */
  async readLink(hostPath: string): Promise<string | null> {
    const r = await this.resolve(hostPath, false);
    if (r.kind !== 'ok' || !r.info.isSymbolicLink()) return null;
    try {
      return (await readlink(r.real)).slice(0, 4096);
    } catch {
      return null;
    }
  }

  /** Names in a directory (sorted, at most 10,000), or null when it does not exist. */
  async list(hostPath: string): Promise<readonly string[] | { readonly unreadable: string } | null> {
    const r = await this.resolve(hostPath);
    if (r.kind === 'missing') return null;
    if (r.kind === 'unreadable') return { unreadable: r.reason };
    if (!r.info.isDirectory()) return null;
    let handle: FileHandle | null = null;
    try {
      handle = await open(r.real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
      if (!(await this.insideRoot(handle))) return { unreadable: 'resolves outside the host root; not listed' };
      // List the directory that was opened and checked, not whatever the path names by now.
      const names = await readdir(this.procFd ? `/proc/self/fd/${handle.fd}` : r.real);
      return names.sort().slice(0, MAX_LISTING);
    } catch (error) {
      return { unreadable: describeFsError(error, 'directory') };
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }
}
