import { open, readFile, stat } from 'node:fs/promises';
import { SekishoError } from '../../errors.js';
import { openZip, readEntry } from '../../util/zip-reader.js';
import type { InflateBudget } from '../../util/zip-reader.js';
import type { EntryHeader } from '../../layers/entry.js';
import type { TarWalkStats } from '../../layers/tar-walker.js';
import type { DirectoryVisitor, ImageSource } from '../types.js';

/** Function packages are small (AWS Lambda: 50 MB zipped, 250 MB unzipped); far larger archives are refused, not half-read. */
export const MAX_ZIP_BYTES = 1024 * 1024 * 1024;
/** What all entries of one archive may inflate to, together: past it, entries become unknowns. */
export const MAX_ZIP_EXPANDED_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

/**
 * A zip member name as an absolute path inside the archive root (backslashes are separators, as
 * Windows tools write them); null for a name that would climb out of the root ("zip slip") or
 * holds a NUL: such a member cannot come from an honest package.
 */
export function zipEntryPath(name: string): string | null {
  if (name.includes('\0')) return null;
  const parts: string[] = [];
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Walk a ZIP archive's members as one layer: directories and files (ZIP has no ownership; modes
 * default to 0644/0755). A member is inflated only when the visitor wants its body; one that cannot
 * be read (encrypted, damaged, over the expansion budget) is an unknown with the reason.
 */
export async function walkZip(path: string, visitor: DirectoryVisitor): Promise<TarWalkStats> {
  const buf = await readFile(path);
  // the size was checked when the source opened; a file that grew since is refused, not read whole
  if (buf.length > MAX_ZIP_BYTES) throw new SekishoError('LIMIT_IMAGE_SIZE', `${path} grew past the ${MAX_ZIP_BYTES}-byte limit for ZIP archives while it was read`, { where: { image: path } });
  const archive = openZip(buf);
  if (!archive.ok) throw new SekishoError('SOURCE_INVALID', `not a readable ZIP archive: ${archive.reason}`, { where: { image: path } });
  const budget: InflateBudget = { remaining: MAX_ZIP_EXPANDED_BYTES };
  let bytes = 0;
  for (const entry of archive.value.entries) {
    const isDir = entry.name.endsWith('/') || entry.name.endsWith('\\');
    const entryPath = zipEntryPath(entry.name);
    if (entryPath === null) {
      visitor.unknown(`/${entry.name.replace(/\0/g, '?').slice(0, 200)}`, 'member name climbs out of the archive root (zip slip): not read');
      continue;
    }
    if (entryPath === '/') continue;
    const header: EntryHeader = {
      path: entryPath,
      kind: isDir ? 'dir' : 'file',
      mode: isDir ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      size: isDir ? 0 : entry.uncompressedSize,
      linkTarget: null,
      mtime: 0,
    };
    const want = isDir ? 0 : visitor.bodyBytes(header);
    if (want <= 0) {
      await visitor.entry(header, null, entry.uncompressedSize > 0 && !isDir);
      continue;
    }
    const body = readEntry(buf, entry, budget, MAX_ENTRY_BYTES);
    if (!body.ok) {
      visitor.unknown(entryPath, body.reason);
      continue;
    }
    bytes += body.value.length;
    await visitor.entry(header, body.value.subarray(0, want), body.value.length > want);
  }
  return { entries: archive.value.entries.length, bytes };
}

/** `zip:FILE`: a function package or any ZIP archive (Lambda deployment package or layer, Cloud Functions or Azure Functions source zip), as one layer. */
export const zipSource: ImageSource = {
  id: 'zip',
  async canOpen(reference) {
    try {
      const info = await stat(reference.path);
      if (!info.isFile()) return false;
      const head = Buffer.alloc(4);
      const handle = await open(reference.path, 'r');
      try {
        await handle.read(head, 0, 4, 0);
      } finally {
        await handle.close();
      }
      return head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50;
    } catch {
      return false;
    }
  },
  async open(reference) {
    const file = reference.path;
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      throw new SekishoError('SOURCE_NOT_FOUND', `no such file ${file}`, { where: { image: file }, cause: error });
    }
    if (!info.isFile()) throw new SekishoError('SOURCE_INVALID', `${file} is not a file`, { where: { image: file } });
    if (info.size > MAX_ZIP_BYTES) throw new SekishoError('LIMIT_IMAGE_SIZE', `${file} is ${info.size} bytes, over the ${MAX_ZIP_BYTES}-byte limit for ZIP archives`, { where: { image: file } });
    return {
      reference: file,
      sourceType: 'zip',
      manifestDigest: null,
      configDigest: null,
      platform: null,
      repoTags: [],
      config: null,
      layers: [{ index: 0, digest: null, diffId: null, mediaType: 'application/zip', size: info.size, createdBy: null, walk: (visitor) => walkZip(file, visitor) }],
      close: async () => {},
    };
  },
};
