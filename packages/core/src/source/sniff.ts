import { open } from 'node:fs/promises';
import { parseHeaderBlock } from '../layers/tar-walker.js';

/**
 * Cheap sniff: does the uncompressed tar at `path` have a top-level member `name` among its first
 * entries? (docker save and OCI archives put their small metadata files first or near it.)
 */
export async function isTarWith(path: string, name: string, maxEntries = 10_000): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = (await handle.stat()).size;
    const block = Buffer.alloc(512);
    let offset = 0;
    for (let i = 0; i < maxEntries && offset + 512 <= size; i += 1) {
      await handle.read(block, 0, 512, offset);
      if (block.every((b) => b === 0)) return false;
      const header = parseHeaderBlock(block, offset);
      if (header.name.replace(/^\.\//, '') === name) return true;
      const bodySize = header.type === '1' || header.type === '2' || header.type === '5' ? 0 : header.size;
      offset += 512 + Math.ceil(bodySize / 512) * 512;
    }
    return false;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/** True when the file starts with gzip or zstd magic (a compressed archive). */
export async function isCompressedFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      await handle.read(head, 0, 4, 0);
      return (head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
