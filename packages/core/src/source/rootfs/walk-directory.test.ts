import { execFileSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, rm, rmdir, symlink, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../catalogers/dpkg/index.js';
import type { EntryHeader } from '../../layers/entry.js';
import { analyzeLayer } from '../../scan/analyze-layer.js';
import type { DirectoryVisitor } from '../types.js';
import { nodeWalkFs } from './read-listed-file.js';
import type { WalkFs } from './read-listed-file.js';
import { walkDirectory } from './walk-directory.js';
import type { WalkDirectoryOptions } from './walk-directory.js';

const { O_RDONLY, O_DIRECTORY, O_WRONLY, O_NONBLOCK } = fsConstants;
const STATUS = 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n\n';

let dir: string;
let root: string;
let hostDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-walkdir-'));
  root = join(dir, 'rootfs');
  hostDir = join(dir, 'host'); // outside the scanned tree
  await mkdir(join(root, 'etc', 'conf.d'), { recursive: true });
  await mkdir(join(root, 'var', 'lib', 'dpkg'), { recursive: true });
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'host.conf'), 'HOST-ONLY CONTENT\n');
  await writeFile(join(root, 'etc', 'conf.d', 'a.conf'), 'a=1\n');
  await writeFile(join(root, 'etc', 'os-release'), 'ID=debian\n');
  await writeFile(join(root, 'var', 'lib', 'dpkg', 'status'), STATUS);
  await symlink('../usr/lib/os-release', join(root, 'etc', 'link'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Walked {
  entries: { path: string; kind: string; body: string | null; linkTarget: string | null }[];
  unknowns: [string, string][];
}

/**
 * Walk with a visitor that asks for every body. `onSelect` runs after the walk listed an entry
 * and before it opens it — the window a writer racing the scan would use — and swaps files
 * synchronously, so the race is deterministic.
 */
async function walk(options: WalkDirectoryOptions = {}, onSelect?: (header: EntryHeader) => void): Promise<Walked> {
  const out: Walked = { entries: [], unknowns: [] };
  const visitor: DirectoryVisitor = {
    bodyBytes(header) {
      onSelect?.(header);
      return 1 << 20;
    },
    entry(header, body) {
      out.entries.push({ path: header.path, kind: header.kind, body: body === null ? null : body.toString(), linkTarget: header.linkTarget });
    },
    unknown(path, reason) {
      out.unknowns.push([path, reason]);
    },
  };
  await walkDirectory(root, visitor, options);
  return out;
}

describe('walkDirectory', () => {
  it('lists every entry in order and reads the files asked for', async () => {
    const { entries, unknowns } = await walk();
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ['/etc', 'dir'],
      ['/etc/conf.d', 'dir'],
      ['/etc/conf.d/a.conf', 'file'],
      ['/etc/link', 'symlink'],
      ['/etc/os-release', 'file'],
      ['/var', 'dir'],
      ['/var/lib', 'dir'],
      ['/var/lib/dpkg', 'dir'],
      ['/var/lib/dpkg/status', 'file'],
    ]);
    expect(entries.find((e) => e.path === '/var/lib/dpkg/status')?.body).toBe(STATUS);
    expect(entries.find((e) => e.path === '/etc/link')?.linkTarget).toBe('../usr/lib/os-release');
    expect(unknowns).toEqual([]);
  });

  it.each([true, false])('a file swapped for a symlink to a host file after listing is not read (pinned directories: %s)', async (pinDirectories) => {
    const file = join(root, 'etc', 'os-release');
    const { entries, unknowns } = await walk({ pinDirectories }, (header) => {
      if (header.path !== '/etc/os-release') return;
      execFileSync('sh', ['-c', `rm "$1" && ln -s "$2" "$1"`, 'sh', file, join(hostDir, 'host.conf')]);
    });
    expect(JSON.stringify(entries)).not.toContain('HOST-ONLY');
    expect(unknowns).toEqual([['/etc/os-release', expect.stringMatching(/^changed during the scan/)]]);
  });

  it('a file swapped for a FIFO after listing neither hangs the walk nor is read', async () => {
    const file = join(root, 'var', 'lib', 'dpkg', 'status');
    let released = false;
    const { unknowns } = await walk({}, (header) => {
      if (header.path !== '/var/lib/dpkg/status') return;
      execFileSync('sh', ['-c', `rm "$1" && mkfifo "$1"`, 'sh', file]);
      // A walk that blocks in open() would hang the test run: release it after 2 s and fail instead.
      setTimeout(() => {
        void open(file, O_WRONLY | O_NONBLOCK).then(
          (h) => ((released = true), h.close()),
          () => undefined,
        );
      }, 2000);
    });
    expect(released).toBe(false);
    expect(unknowns).toEqual([['/var/lib/dpkg/status', 'changed during the scan: listed as a regular file, now a FIFO']]);
  });

  it('a directory swapped for a symlink to a host directory after listing is not walked', async () => {
    const conf = join(root, 'etc', 'conf.d');
    const { entries, unknowns } = await walk({}, (header) => {
      if (header.path !== '/etc/conf.d') return;
      execFileSync('sh', ['-c', `mv "$1" "$1.old" && ln -s "$2" "$1"`, 'sh', conf, hostDir]);
    });
    expect(entries.map((e) => e.path)).not.toContain('/etc/conf.d/host.conf');
    expect(JSON.stringify(entries)).not.toContain('HOST-ONLY');
    expect(unknowns).toEqual([['/etc/conf.d', expect.stringMatching(/^changed during the scan/)]]);
  });

  describe('paths longer than PATH_MAX (4096 bytes)', () => {
    const segment = 'd'.repeat(200);
    const levels = 22; // 22 × 201 bytes: the file's path is about 4.4 KiB
    const deepPath = `/deep/${Array.from({ length: levels }, () => segment).join('/')}/status`;

    beforeEach(async () => {
      await mkdir(join(root, 'deep'));
      await walkDown(join(root, 'deep'), segment, levels, async (base) => writeFile(`${base}/status`, STATUS));
    });
    afterEach(async () => {
      await removeDeep(join(root, 'deep'), segment, levels);
    });

    it('are read: children are reached through their pinned directory', async () => {
      expect(deepPath.length).toBeGreaterThan(4096);
      const { entries, unknowns } = await walk();
      expect(entries.find((e) => e.path === deepPath)?.body).toBe(STATUS);
      expect(unknowns).toEqual([]);
    });

    it('become an unknown with the path and the reason when directories cannot be pinned (no /proc)', async () => {
      const { entries, unknowns } = await walk({ pinDirectories: false });
      expect(entries.map((e) => e.path)).not.toContain(deepPath);
      expect(unknowns).toHaveLength(1);
      expect(unknowns[0]?.[1]).toMatch(/path longer than PATH_MAX \(4096 bytes\)/);
      expect(deepPath.startsWith(`${unknowns[0]?.[0]}/`)).toBe(true);
    });
  });

  describe('reading ahead', () => {
    /** A tree of `dirs` directories of `files` files each, every body naming its own path. */
    async function wideTree(dirs: number, files: number): Promise<string[]> {
      const paths: string[] = [];
      for (let d = 0; d < dirs; d += 1) {
        const sub = join(root, 'srv', `d${String(d).padStart(3, '0')}`);
        await mkdir(sub, { recursive: true });
        for (let f = 0; f < files; f += 1) {
          const name = `f${String(f).padStart(3, '0')}`;
          await writeFile(join(sub, name), `/srv/${basenameOf(sub)}/${name}`);
          paths.push(`/srv/${basenameOf(sub)}/${name}`);
        }
      }
      return paths;
    }
    const basenameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
    /** Opens of files whose name ends in an even digit finish late: reads complete out of order. */
    const slowEvenFiles: WalkFs = {
      ...nodeWalkFs,
      open: async (path, flags) => {
        if (/f\d\d[02468]$/.test(path)) await new Promise((resolve) => setTimeout(resolve, 2));
        return nodeWalkFs.open(path, flags);
      },
    };

    it.each([
      ['a large read-ahead budget', 1 << 20],
      ['a budget smaller than one file (every file read when handed over)', 4],
    ])('hands over every entry depth first, in name order, with its own body, when reads finish out of order (%s)', async (_name, readAheadBytes) => {
      const expected = await wideTree(36, 70); // more directories and entries than are prepared ahead
      const { entries, unknowns } = await walk({ fs: slowEvenFiles, readAheadBytes });
      expect(unknowns).toEqual([]);
      const srv = entries.filter((e) => e.path.startsWith('/srv/') && e.kind === 'file');
      expect(srv.map((e) => e.path)).toEqual(expected);
      for (const e of srv) expect(e.body).toBe(e.path);
      const all = entries.map((e) => e.path);
      expect(all.indexOf('/srv/d001')).toBe(all.indexOf('/srv/d000/f069') + 1); // a directory's contents come right after it
    });

    it.each([
      ['the calls the walk chooses here', undefined],
      ['thread-pool calls', nodeWalkFs],
    ])('timers and signal handlers run during a long walk, not only after it (%s)', async (_name, fs) => {
      await wideTree(20, 100);
      let fired = false;
      let firedAt = -1;
      let seen = 0;
      const visitor: DirectoryVisitor = {
        bodyBytes: () => 1 << 20,
        entry() {
          seen += 1;
          if (seen === 1) setTimeout(() => (fired = true), 0); // once the walk is under way
          if (fired && firedAt === -1) firedAt = seen;
        },
        unknown: () => undefined,
      };
      await walkDirectory(root, visitor, fs === undefined ? {} : { fs });
      expect(seen).toBeGreaterThan(2000);
      expect(firedAt).toBeGreaterThan(0);
      expect(firedAt).toBeLessThan(seen / 2);
    });

    it.each([
      ['the calls the walk chooses here', undefined],
      ['thread-pool calls', nodeWalkFs],
    ])('a visitor that throws (the deadline) stops the walk and leaves no descriptor open (%s)', async (_name, fs) => {
      await wideTree(60, 20);
      const fds = async () => (await readdir('/proc/self/fd')).length;
      const before = await fds();
      let asked = 0;
      const visitor: DirectoryVisitor = {
        bodyBytes() {
          asked += 1;
          if (asked === 300) throw new Error('deadline');
          return 1 << 20;
        },
        entry: () => undefined,
        unknown: () => undefined,
      };
      await expect(walkDirectory(root, visitor, fs === undefined ? {} : { fs })).rejects.toThrow('deadline');
      // What was begun ahead is let go as it settles.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await fds()).toBe(before);
    });
  });

  describe('unreadable files and directories', () => {
    // Root is never refused by permission bits, and these tests run as root: the fs seam makes
    // the same calls fail with the EACCES error Node raises, so the walk's own handling runs.
    // Matched on the last path segment: below the root, the walk reaches children as /proc/self/fd/<fd>/<name>.
    const denied = (suffix: string[]): WalkFs => {
      const eacces = (path: string) => Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES', path });
      const hit = (path: string) => suffix.some((s) => path.endsWith(s));
      return {
        ...nodeWalkFs,
        open: (path, flags) => (hit(path) ? Promise.reject(eacces(path)) : nodeWalkFs.open(path, flags)),
        readdir: (path) => (hit(path) ? Promise.reject(eacces(path)) : nodeWalkFs.readdir(path)),
      };
    };

    it.each([true, false])('each becomes an unknown with the real reason and the walk goes on (pinned: %s)', async (pinDirectories) => {
      const { entries, unknowns } = await walk({ fs: denied(['/conf.d', '/status']), pinDirectories });
      expect(unknowns).toEqual([
        ['/etc/conf.d', 'unreadable directory: permission denied (EACCES)'],
        ['/var/lib/dpkg/status', 'unreadable file: permission denied (EACCES)'],
      ]);
      expect(entries.map((e) => e.path)).toContain('/etc/os-release');
      expect(entries.find((e) => e.path === '/var/lib/dpkg/status')).toMatchObject({ kind: 'file', body: null });
    });

    it('an unreadable dpkg database is an unknown saying so, not "exceeds the size limit"', async () => {
      const { result } = await analyzeLayer(
        { index: 0, digest: null, diffId: null, mediaType: null, size: null, createdBy: null, walk: (visitor) => walkDirectory(root, visitor, { fs: denied(['/status']) }) },
        { catalogers: [dpkgCataloger], analyzers: [] },
        { maxEntries: 1000, maxBytes: 1 << 30, maxRatio: 200, ratioFloorBytes: 1 << 28 },
        { limits: { maxNestedDepth: 4, maxExpandedBytes: 1 << 20 } },
        `dir:${root}`,
      );
      expect(result.packages).toEqual([]);
      expect(result.unknowns).toEqual([{ path: '/var/lib/dpkg/status', foundBy: 'rootfs-source', reason: 'unreadable file: permission denied (EACCES)' }]);
    });

    it.skipIf(process.getuid?.() === 0)('real permission bits, when not run as root', async () => {
      await chmod(join(root, 'etc', 'conf.d'), 0);
      await chmod(join(root, 'var', 'lib', 'dpkg', 'status'), 0);
      try {
        const { unknowns } = await walk();
        expect(unknowns.map((u) => u[0])).toEqual(['/etc/conf.d', '/var/lib/dpkg/status']);
      } finally {
        await chmod(join(root, 'etc', 'conf.d'), 0o755);
      }
    });
  });
});

/** Create `levels` nested directories named `segment` under `top`, reaching each through its parent's fd (mkdirat), and run `atBottom`. */
async function walkDown(top: string, segment: string, levels: number, atBottom: (base: string) => Promise<void>): Promise<void> {
  let handle: FileHandle = await open(top, O_RDONLY | O_DIRECTORY);
  try {
    for (let i = 0; i < levels; i += 1) {
      const next = `/proc/self/fd/${handle.fd}/${segment}`;
      await mkdir(next).catch((error: { code?: string }) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const child = await open(next, O_RDONLY | O_DIRECTORY);
      await handle.close();
      handle = child;
    }
    await atBottom(`/proc/self/fd/${handle.fd}`);
  } finally {
    await handle.close();
  }
}

/** Remove a tree made by walkDown, bottom up, through directory fds (paths past PATH_MAX cannot be removed by name). */
async function removeDeep(top: string, segment: string, levels: number): Promise<void> {
  const handles: FileHandle[] = [await open(top, O_RDONLY | O_DIRECTORY)];
  try {
    for (let i = 0; i < levels; i += 1) handles.push(await open(`/proc/self/fd/${handles.at(-1)?.fd}/${segment}`, O_RDONLY | O_DIRECTORY));
    const bottom = `/proc/self/fd/${handles.at(-1)?.fd}`;
    for (const name of await readdir(bottom)) await unlink(`${bottom}/${name}`);
    for (let i = levels - 1; i >= 0; i -= 1) await rmdir(`/proc/self/fd/${handles[i]?.fd}/${segment}`);
  } finally {
    for (const handle of handles) await handle.close();
  }
  await rm(top, { recursive: true, force: true });
}
