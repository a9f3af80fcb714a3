/**
 * Lines of a growing log file (an API server audit log, Falco's or Tetragon's JSON export), read
 * like `tail -F`: from the start, then new lines as they are written. It survives rotation (the
 * path now names another file: the old file is read to its end, then the new one from its start)
 * and truncation (the file shrank: read again from the start). A line longer than the limit is
 * skipped up to its newline and counted, never held in memory; a last line without a newline is
 * held until it is completed.
 *
 * Hand-written: the tail libraries on npm either use fs.watch (which misses rotations on some
 * filesystems and fires nothing on others) or have no line-length bound.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FileLinesOptions {
  readonly path: string;
  /** Keep following the file after its end (tail -F); false: stop at the end. */
  readonly follow: boolean;
  /** Longest accepted line in bytes (without the newline). */
  readonly maxLineBytes?: number;
  /** How often to look for new data, rotation and truncation when following. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

export interface FileLinesStats {
  lines: number;
  oversized: number;
  rotations: number;
  truncations: number;
}

const CHUNK = 64 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

interface Opened {
  readonly handle: FileHandle;
  readonly ino: number;
  readonly dev: number;
  position: number;
}

async function openFile(path: string): Promise<Opened> {
  const handle = await open(path, 'r');
  const s = await handle.stat();
  return { handle, ino: s.ino, dev: s.dev, position: 0 };
}

/** Lines of the file (without the newline, UTF-8 decoded); `stats` counts what was skipped. */
export async function* fileLines(options: FileLinesOptions, stats: FileLinesStats = { lines: 0, oversized: 0, rotations: 0, truncations: 0 }): AsyncGenerator<string> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const pollMs = options.pollMs ?? 250;
  const buffer = Buffer.allocUnsafe(CHUNK);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // Held in an object: `take` sets it while the rest of an oversized line is dropped, and the
  // end-of-file check below reads it.
  const overlong = { skipping: false };
  let file = await openFile(options.path);
  const aborted = (): boolean => options.signal?.aborted === true;

  const take = function* (data: Buffer): Generator<string> {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = data.subarray(start, nl);
      start = nl + 1;
      if (overlong.skipping) {
        overlong.skipping = false;
        continue;
      }
      if (pendingBytes + piece.length > maxLine) {
        stats.oversized++;
        pending = [];
        pendingBytes = 0;
        continue;
      }
      const line = pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      stats.lines++;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    const rest = data.subarray(start);
    if (rest.length === 0 || overlong.skipping) return;
    if (pendingBytes + rest.length > maxLine) {
      // Too long already: drop what we hold and skip to the next newline.
      stats.oversized++;
      pending = [];
      pendingBytes = 0;
      overlong.skipping = true;
      return;
    }
    pending.push(Buffer.from(rest));
    pendingBytes += rest.length;
  };

  try {
    for (;;) {
      if (aborted()) return;
      const { bytesRead } = await file.handle.read(buffer, 0, CHUNK, file.position);
      if (bytesRead > 0) {
        file.position += bytesRead;
        yield* take(buffer.subarray(0, bytesRead));
        continue;
      }
      if (!options.follow) {
        if (pendingBytes > 0 && !overlong.skipping) {
          stats.lines++;
          yield Buffer.concat(pending).toString('utf8');
        }
        return;
      }
      // At the end of the file just read: has the path moved on to another file, or shrunk?
      const now = await stat(options.path).catch(() => undefined);
      if (now !== undefined && (now.ino !== file.ino || now.dev !== file.dev)) {
        // Rotated. The writer may have appended to the old file between our last read and the
        // rename: read it to its end once more, then start the new one.
        const { bytesRead } = await file.handle.read(buffer, 0, CHUNK, file.position);
        if (bytesRead > 0) {
          file.position += bytesRead;
          yield* take(buffer.subarray(0, bytesRead));
          continue;
        }
        const next = await openFile(options.path).catch(() => undefined);
        if (next !== undefined) {
          await file.handle.close();
          file = next;
          stats.rotations++;
          pending = [];
          pendingBytes = 0;
          overlong.skipping = false;
          continue;
        }
      } else if (now !== undefined && now.size < file.position) {
        file.position = 0;
        stats.truncations++;
        pending = [];
        pendingBytes = 0;
        overlong.skipping = false;
        continue;
      }
      await sleep(pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    await file.handle.close();
  }
}
