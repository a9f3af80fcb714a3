import { constants as fsConstants, createReadStream, createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { SekishoError } from '../errors.js';
import { parseHeaderBlock } from '../layers/tar-walker.js';
import { ZstdFrameTracker } from '../layers/zstd-frames.js';
import { DEFAULT_STREAM_LIMITS, INFLATE_CHUNK_BYTES, sniffCompression } from '../layers/layer-stream.js';
import type { LayerStreamLimits } from '../layers/layer-stream.js';
import { RING_BUFFER_BYTES, takeRing } from './read-rings.js';

const READ_CHUNK = 1024 * 1024;

/** Files of an image container (a layout directory or an archive), addressed by relative path. */
export interface BlobStore {
  /** For messages: the directory or archive path. */
  readonly description: string;
  has(path: string): Promise<boolean>;
  size(path: string): Promise<number>;
  /** The whole file, refusing files larger than `maxBytes` (LIMIT_JSON_SIZE). */
  read(path: string, maxBytes: number): Promise<Buffer>;
  /**
   * The stored bytes, in chunks that are lent, not given (readLent): each stays valid until
   * the consumer asks for the second chunk after it; a consumer that keeps bytes longer copies them.
   */
  open(path: string): AsyncIterable<Buffer>;
  /**
   * sha256 and size of the stored bytes, as `open` would yield them, read through one reused
   * buffer (a warm rescan hashes every local blob; chunk allocations cost more than the hash).
   * Reads at most `maxBytes` + 1 bytes (a larger size says "not that blob" without reading it
   * all); `check` runs before each chunk (deadlines). Absent where bytes only come by streaming.
   */
  hash?(path: string, maxBytes: number, check?: () => void): Promise<BlobHash>;
  /**
   * The local file and byte range `open` reads for `path`, with the file's state now; null where
   * the bytes are not read as they lie in one local file (an archive inflated to a temp copy).
   */
  locate?(path: string): Promise<StoredRange | null>;
  close(): Promise<void>;
}

/** `fs.stat` of a file, nanosecond times and all (bigints, as `stat(…, { bigint: true })` gives them). */
export interface FileState {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** Where a blob's bytes lie: a byte range of a local file, and the state of that file when looked at. */
export interface StoredRange {
  /**
   * The path the store reads the blob from: a layout's blob file (lstat: a symlink there is no file
   * and gives no range), or an archive as the user named it, which may be a symlink; `file` is the
   * state of the file it names, and a second reader must check it opened that one (device, inode).
   */
  readonly path: string;
  readonly file: FileState;
  readonly offset: number;
  readonly length: number;
}

function fileState(info: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): FileState {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

export interface BlobHash {
  /** `sha256:<hex>`. */
  readonly digest: string;
  readonly size: number;
}

/** sha256 of up to `length` bytes of an open file from `start` (fewer where the file ends). */
async function hashRange(handle: FileHandle, start: number, length: number, check: () => void): Promise<BlobHash> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  let size = 0;
  for (;;) {
    check();
    const want = Math.min(buffer.length, length - size);
    if (want === 0) break;
    const { bytesRead } = await handle.read(buffer, 0, want, start + size);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    size += bytesRead;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

const NO_CHECK = (): void => undefined;

/**
 * How `BlobStore.open` hands out bytes: `length` bytes of a file from `offset`, read one chunk
 * ahead into three buffers that are used again and again. Fresh buffers per chunk (a read
 * stream's) are garbage as soon as they are walked, and V8 frees them only when its own heap
 * fills: a cold `sbom` of the uncompressed debian-java archive peaked at 162-163 MB RSS reading
 * through fresh buffers and at 99 MB through these, and ran 5-20% faster (`/usr/bin/time`,
 * interleaved). The third buffer is what lets a consumer hold the previous chunk while it asks
 * for the next (a tar header read across two chunks, zlib still inflating the last write). The
 * ring comes from read-rings.ts: one a layer read to its end gave back, or a new one.
 */
async function* readLent(file: string, flags: number, offset: number, length: number): AsyncGenerator<Buffer> {
  if (length <= 0) return;
  const handle = await open(file, flags);
  const ring = takeRing(Math.min(RING_BUFFER_BYTES, length));
  let position = 0;
  let turn = 0;
  const readNext = async (): Promise<Buffer> => {
    const buffer = ring[turn % ring.length] as Buffer;
    turn += 1;
    const want = Math.min(buffer.length, length - position);
    if (want === 0) return buffer.subarray(0, 0);
    const { bytesRead } = await handle.read(buffer, 0, want, offset + position);
    position += bytesRead;
    return buffer.subarray(0, bytesRead);
  };
  // A read ahead that fails while the consumer holds the previous chunk is reported when asked for.
  let ahead: Promise<Buffer> = readNext();
  ahead.catch(() => undefined);
  try {
    for (;;) {
      const chunk = await ahead;
      if (chunk.length === 0) return;
      ahead = position < length ? readNext() : Promise.resolve(chunk.subarray(0, 0));
      ahead.catch(() => undefined);
      yield chunk;
    }
  } finally {
    await ahead.catch(() => undefined);
    await handle.close();
  }
}

/** Relative paths named by manifests are hostile: no absolute paths, no `..`. */
export function checkRelativePath(path: string, where: string): string {
  const normalized = posix.normalize(path.replace(/^\.\//, ''));
  if (normalized.startsWith('/') || normalized === '..' || normalized.startsWith('../') || normalized.includes('\0')) {
    throw new SekishoError('SOURCE_INVALID', `path ${JSON.stringify(path)} points outside the image`, { where: { image: where, path } });
  }
  return normalized;
}

export class DirectoryBlobStore implements BlobStore {
  readonly description: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.description = root;
  }

  async #regularFile(path: string): Promise<{ full: string; size: number } | null> {
    const full = join(this.#root, checkRelativePath(path, this.#root));
    try {
      const info = await lstat(full);
      // Symlinks are refused rather than followed: they could lead out of the layout.
      return info.isFile() ? { full, size: info.size } : null;
    } catch {
      return null;
    }
  }

  async has(path: string): Promise<boolean> {
    return (await this.#regularFile(path)) !== null;
  }

  async size(path: string): Promise<number> {
    return (await this.#require(path)).size;
  }

  async #require(path: string): Promise<{ full: string; size: number }> {
    const file = await this.#regularFile(path);
    if (file === null) {
      throw new SekishoError('SOURCE_MISSING_BLOB', `missing file ${path}`, { where: { image: this.description, path } });
    }
    return file;
  }

  async read(path: string, maxBytes: number): Promise<Buffer> {
    const file = await this.#require(path);
    if (file.size > maxBytes) {
      throw new SekishoError('LIMIT_JSON_SIZE', `${path} is ${file.size} bytes, over the ${maxBytes}-byte limit`, {
        where: { image: this.description, path },
      });
    }
    return readFile(file.full);
  }

  async *open(path: string): AsyncIterable<Buffer> {
    const file = await this.#require(path);
    // Not followed if it became a symlink since it was listed.
    yield* readLent(file.full, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW, 0, file.size);
  }

  async hash(path: string, maxBytes: number, check: () => void = NO_CHECK): Promise<BlobHash> {
    const file = await this.#require(path);
    // Not followed if it became a symlink since it was listed.
    const handle = await open(file.full, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    try {
      return await hashRange(handle, 0, maxBytes + 1, check);
    } finally {
      await handle.close();
    }
  }

  async locate(path: string): Promise<StoredRange | null> {
    const full = join(this.#root, checkRelativePath(path, this.#root));
    try {
      const info = await lstat(full, { bigint: true });
      return info.isFile() ? { path: full, file: fileState(info), offset: 0, length: Number(info.size) } : null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    // nothing held open
  }
}

interface TarMember {
  readonly offset: number;
  readonly size: number;
  readonly link: string | null;
}

const MAX_ARCHIVE_ENTRIES = 200_000;
const MAX_LINK_HOPS = 8;

/**
 * Members of an uncompressed tar file, indexed by reading headers only (positioned reads; bodies
 * are never touched until asked for). docker-save archives link duplicate layers to each other,
 * so symlinks and hard links inside the archive are followed — within the archive only.
 */
export class TarBlobStore implements BlobStore {
  readonly description: string;
  readonly #file: string;
  readonly #members: Map<string, TarMember>;
  /** True when `#file` is a temp copy inflated from a compressed archive. */
  readonly #inflated: boolean;

  private constructor(file: string, description: string, members: Map<string, TarMember>, inflated: boolean) {
    this.#file = file;
    this.description = description;
    this.#members = members;
    this.#inflated = inflated;
  }

  /**
   * Index `archive`; a gzip- or zstd-compressed archive is first unpacked into `tempDir`, bounded
   * like a layer: at most `maxBytes` inflated, and past `ratioFloorBytes` at most `maxRatio`
   * inflated bytes per stored byte (LIMIT_IMAGE_SIZE) — a small archive cannot fill the disk.
   */
  static async open(archive: string, tempDir: string, limits: LayerStreamLimits = DEFAULT_STREAM_LIMITS): Promise<TarBlobStore> {
    let file = archive;
    const head = Buffer.alloc(4);
    const probe = await open(archive, 'r');
    try {
      await probe.read(head, 0, 4, 0);
    } finally {
      await probe.close();
    }
    const compression = sniffCompression(head);
    if (compression !== 'none') {
      file = join(tempDir, 'archive.tar');
      await inflateBounded(archive, compression, file, limits);
    }
    const handle = await open(file, 'r');
    try {
      return new TarBlobStore(file, archive, await indexTar(handle, (await handle.stat()).size, archive), compression !== 'none');
    } finally {
      await handle.close();
    }
  }

  #resolve(path: string): TarMember | null {
    let name = checkRelativePath(path, this.description);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop += 1) {
      const member = this.#members.get(name);
      if (member === undefined) return null;
      if (member.link === null) return member;
      name = member.link;
    }
    throw new SekishoError('SOURCE_INVALID', `link loop at ${path}`, { where: { image: this.description, path } });
  }

  #require(path: string): TarMember {
    const member = this.#resolve(path);
    if (member === null) {
      throw new SekishoError('SOURCE_MISSING_BLOB', `missing file ${path} in archive`, { where: { image: this.description, path } });
    }
    return member;
  }

  async has(path: string): Promise<boolean> {
    return this.#resolve(path) !== null;
  }

  async size(path: string): Promise<number> {
    return this.#require(path).size;
  }

  async read(path: string, maxBytes: number): Promise<Buffer> {
    const member = this.#require(path);
    if (member.size > maxBytes) {
      throw new SekishoError('LIMIT_JSON_SIZE', `${path} is ${member.size} bytes, over the ${maxBytes}-byte limit`, {
        where: { image: this.description, path },
      });
    }
    const handle = await open(this.#file, 'r');
    try {
      const buffer = Buffer.alloc(member.size);
      const { bytesRead } = await handle.read(buffer, 0, member.size, member.offset);
      if (bytesRead < member.size) throw new SekishoError('SOURCE_INVALID', `archive truncated inside ${path}`, { where: { image: this.description, path } });
      return buffer;
    } finally {
      await handle.close();
    }
  }

  async *open(path: string): AsyncIterable<Buffer> {
    const member = this.#require(path);
    if (member.size === 0) return;
    yield* readLent(this.#file, fsConstants.O_RDONLY, member.offset, member.size);
  }

  async hash(path: string, maxBytes: number, check: () => void = NO_CHECK): Promise<BlobHash> {
    const member = this.#require(path);
    const handle = await open(this.#file, 'r');
    try {
      return await hashRange(handle, member.offset, Math.min(member.size, maxBytes + 1), check);
    } finally {
      await handle.close();
    }
  }

  async locate(path: string): Promise<StoredRange | null> {
    // An inflated temp copy is new in every run: nothing about it can be known from an earlier one.
    if (this.#inflated) return null;
    const member = this.#require(path);
    try {
      return { path: this.#file, file: fileState(await stat(this.#file, { bigint: true })), offset: member.offset, length: member.size };
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    // the temp copy (if any) is removed with the scan's private temp directory
  }
}

/** Stream-decompress `archive` into `file`, stopping at the first byte over the limits. */
async function inflateBounded(archive: string, compression: 'gzip' | 'zstd', file: string, limits: LayerStreamLimits): Promise<void> {
  const decoder = compression === 'gzip' ? zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }) : zlib.createZstdDecompress({ chunkSize: INFLATE_CHUNK_BYTES });
  let stored = 0;
  let inflated = 0;
  // Some decoders end quietly where a zstd stream is cut short (layers/zstd-frames.ts): its frames say so.
  const frames = compression === 'zstd' ? new ZstdFrameTracker() : null;
  async function* counted(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      stored += chunk.length;
      frames?.push(chunk);
      yield chunk;
    }
  }
  async function* bounded(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      inflated += chunk.length;
      if (inflated > limits.maxBytes) {
        throw new SekishoError('LIMIT_IMAGE_SIZE', `the ${compression}-compressed archive expands beyond ${limits.maxBytes} bytes`, { where: { image: archive } });
      }
      // `stored` counts what was read, a little ahead of what the decoder consumed: never stricter than the layer rule.
      if (inflated > limits.ratioFloorBytes && inflated > stored * limits.maxRatio) {
        throw new SekishoError('LIMIT_IMAGE_SIZE', `the ${compression}-compressed archive expands more than ${limits.maxRatio}× (${stored} → ${inflated} bytes so far): decompression bomb`, {
          where: { image: archive },
        });
      }
      yield chunk;
    }
  }
  try {
    await pipeline(createReadStream(archive, { highWaterMark: READ_CHUNK }), counted, decoder, bounded, createWriteStream(file, { mode: 0o600 }));
    const cut = frames?.incomplete() ?? null;
    if (cut !== null) throw new SekishoError('SOURCE_INVALID', `cannot decompress archive: zstd stream is truncated: ${cut}`, { where: { image: archive } });
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('SOURCE_INVALID', `cannot decompress archive: ${String(error)}`, { where: { image: archive }, cause: error });
  }
}

async function indexTar(handle: FileHandle, fileSize: number, description: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(512);
  let offset = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  let count = 0;
  while (offset + 512 <= fileSize) {
    await handle.read(block, 0, 512, offset);
    if (block.every((b) => b === 0)) break;
    let header;
    try {
      header = parseHeaderBlock(block, offset);
    } catch (error) {
      throw new SekishoError('SOURCE_INVALID', `not a valid tar archive (bad header at byte ${offset})`, { where: { image: description }, cause: error });
    }
    const dataStart = offset + 512;
    const size = header.type === '1' || header.type === '2' || header.type === '5' ? 0 : header.size;
    if (dataStart + size > fileSize) {
      throw new SekishoError('SOURCE_INVALID', `archive truncated inside ${header.name}`, { where: { image: description, path: header.name } });
    }
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (header.type === 'L' || header.type === 'x') {
      if (size > 65536) throw new SekishoError('SOURCE_INVALID', 'oversized extended header in archive', { where: { image: description } });
      const data = Buffer.alloc(size);
      await handle.read(data, 0, size, dataStart);
      if (header.type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
      else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
      continue;
    }
    const rawName = paxPath ?? longName ?? header.name;
    paxPath = null;
    longName = null;
    if (++count > MAX_ARCHIVE_ENTRIES) throw new SekishoError('LIMIT_ENTRY_COUNT', `archive has more than ${MAX_ARCHIVE_ENTRIES} entries`, { where: { image: description } });
    const name = posix.normalize(rawName.replace(/^\.\//, '')).replace(/\/$/, '');
    if (name.startsWith('/') || name.startsWith('..')) continue; // never addressable; ignore
    if (header.type === '0' || header.type === '7') {
      members.set(name, { offset: dataStart, size, link: null });
    } else if (header.type === '1' || header.type === '2') {
      const target = header.type === '2' ? posix.join(posix.dirname(name), header.linkname) : header.linkname;
      const normalized = posix.normalize(target.replace(/^\.\//, ''));
      if (!normalized.startsWith('/') && !normalized.startsWith('..')) members.set(name, { offset: 0, size: 0, link: normalized });
    }
  }
  return members;
}
