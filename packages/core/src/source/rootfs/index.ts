import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SekishoError } from '../../errors.js';
import type { EntryHeader, EntryKind } from '../../layers/entry.js';
import type { TarEntryVisitor, TarWalkStats } from '../../layers/tar-walker.js';
import type { ImageSource } from '../types.js';

const MAX_ENTRIES = 5_000_000;

/**
 * `dir:PATH`: an unpacked root file system, seen as a single layer. Nothing is followed: symlinks
 * are reported as links (resolved later inside the root), and only regular files are read.
 */
export const rootfsSource: ImageSource = {
  id: 'rootfs',
  async canOpen(reference) {
    try {
      return (await stat(reference.path)).isDirectory();
    } catch {
      return false;
    }
  },
  async open(reference) {
    const root = reference.path;
    let info;
    try {
      info = await stat(root);
    } catch (error) {
      throw new SekishoError('SOURCE_NOT_FOUND', `no such directory ${root}`, { where: { image: root }, cause: error });
    }
    if (!info.isDirectory()) throw new SekishoError('SOURCE_INVALID', `${root} is not a directory`, { where: { image: root } });
    return {
      reference: root,
      sourceType: 'rootfs',
      manifestDigest: null,
      configDigest: null,
      platform: null,
      repoTags: [],
      config: null,
      layers: [
        {
          index: 0,
          digest: null,
          diffId: null,
          mediaType: null,
          size: null,
          createdBy: null,
          walk: (visitor) => walkDirectory(root, visitor),
        },
      ],
      close: async () => {},
    };
  },
};

function kindOf(info: Awaited<ReturnType<typeof lstat>>): EntryKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isCharacterDevice()) return 'char-device';
  if (info.isBlockDevice()) return 'block-device';
  if (info.isFIFO()) return 'fifo';
  return 'other';
}

async function readPrefix(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function walkDirectory(root: string, visitor: TarEntryVisitor): Promise<TarWalkStats> {
  let entries = 0;
  let bytes = 0;
  async function visit(dir: string, imagePath: string): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return; // unreadable directory: nothing to see
    }
    for (const name of names) {
      const full = join(dir, name);
      const path = imagePath === '/' ? `/${name}` : `${imagePath}/${name}`;
      let info;
      try {
        info = await lstat(full);
      } catch {
        continue;
      }
      if (++entries > MAX_ENTRIES) throw new SekishoError('LIMIT_ENTRY_COUNT', `more than ${MAX_ENTRIES} files`, { where: { image: root } });
      const kind = kindOf(info);
      const header: EntryHeader = {
        path,
        kind,
        mode: info.mode & 0o7777,
        uid: info.uid,
        gid: info.gid,
        size: kind === 'file' ? info.size : 0,
        linkTarget: kind === 'symlink' ? await readlink(full).catch(() => '') : null,
        mtime: Math.floor(info.mtimeMs / 1000),
      };
      const wanted = visitor.bodyBytes(header);
      if (kind === 'file') {
        bytes += info.size;
        const want = Math.min(wanted, info.size);
        const body = want > 0 ? await readPrefix(full, want).catch(() => null) : wanted > 0 && info.size === 0 ? Buffer.alloc(0) : null;
        await visitor.entry(header, body, body === null ? info.size > 0 : body.length < info.size);
      } else {
        await visitor.entry(header, null, false);
      }
      if (kind === 'dir') await visit(full, path);
    }
  }
  await visit(root, '/');
  return { entries, bytes };
}
