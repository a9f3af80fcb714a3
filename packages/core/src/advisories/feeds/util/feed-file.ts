import { createReadStream, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { FeedFile } from '../types.js';

const HEAD_BYTES = 8192;
const CHUNK = 256 * 1024;

async function readHead(path: string, gz: boolean): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(gz ? 64 * 1024 : HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let bytes = buffer.subarray(0, bytesRead);
    if (gz) {
      try {
        // A prefix of a gzip stream: inflate what is there (finishFlush allows a truncated end).
        bytes = gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).subarray(0, HEAD_BYTES);
      } catch {
        bytes = Buffer.alloc(0);
      }
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, HEAD_BYTES));
  } finally {
    await handle.close();
  }
}

/** Files up to this size are read at once (synchronously): thousands of small OSV files are I/O-latency bound otherwise. */
const SMALL_FILE_BYTES = 1024 * 1024;

/** A FeedFile over a file on disk; `.gz` files are inflated transparently. */
export async function feedFile(path: string, relative: string): Promise<FeedFile> {
  const info = statSync(path);
  const gz = path.endsWith('.gz');
  if (!gz && info.size <= SMALL_FILE_BYTES) {
    const file = memoryFeedFile(relative, readFileSync(path));
    return { ...file, path };
  }
  const head = await readHead(path, gz);
  const chunks = (): AsyncIterable<Uint8Array> => {
    const raw = createReadStream(path, { highWaterMark: CHUNK });
    return gz ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  };
  return {
    path,
    relative,
    size: info.size,
    head,
    chunks,
    async text(limit) {
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of chunks()) {
        size += chunk.length;
        if (size > limit) throw new Error(`${relative}: larger than ${limit} bytes`);
        parts.push(Buffer.from(chunk));
      }
      return Buffer.concat(parts).toString('utf8');
    },
  };
}

/** A FeedFile over bytes in memory (zip entries, tests). */
export function memoryFeedFile(relative: string, content: string | Uint8Array): FeedFile {
  const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
  return {
    path: relative,
    relative,
    size: bytes.length,
    head: bytes.subarray(0, HEAD_BYTES).toString('utf8'),
    async *chunks() {
      for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
    },
    async text(limit) {
      if (bytes.length > limit) throw new Error(`${relative}: larger than ${limit} bytes`);
      return bytes.toString('utf8');
    },
  };
}
