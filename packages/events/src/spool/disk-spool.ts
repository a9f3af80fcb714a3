/**
 * A bounded, append-only, on-disk queue for one output (hand-written: no maintained Node library
 * offers a size-bounded segment log with an explicit drop counter and crash-safe replay).
 *
 * Layout of `dir`:
 * - `NNNNNNNNNNNN.seg`: segments, appended to and never rewritten. Each record is
 *   `u32 length | u32 crc32(payload) | payload` (big-endian), the payload one JSON event.
 * - `cursor`: `{ segment, offset }` of the first record not yet delivered, replaced atomically
 *   (write to a temporary file, rename) after each delivered batch.
 *
 * Guarantees:
 * - At-least-once: a record is removed only after `commit`, so a crash replays what was read
 *   but not committed. Receivers drop duplicates by event id.
 * - Bounded: when the segments exceed `maxBytes`, whole segments are dropped oldest first and
 *   every undelivered record in them is counted in `dropped`; `append` never waits for a receiver.
 * - fsync policy: `always` syncs each append and each cursor update (survives power loss, slow);
 *   `interval` (default) syncs at most once per `fsyncIntervalMs` and when a segment is closed,
 *   so a power loss may lose up to that interval while a process crash loses nothing (the data is
 *   in the page cache); `never` leaves it to the kernel.
 * - One writer: a `lock` file holds the pid of the process using the folder; a second process
 *   is refused while that pid lives (a stale lock from a crashed process is taken over).
 * - A torn record at the end of a segment (a crash mid-write) or a record whose checksum does
 *   not match ends that segment: what follows cannot be framed and is counted in `corrupt`.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface DiskSpoolOptions {
  readonly dir: string;
  /** Upper bound of all segments together. */
  readonly maxBytes: number;
  /** A segment is closed and a new one started past this size; default maxBytes / 8 (at least 64 KiB, at most 16 MiB). */
  readonly segmentBytes?: number;
  readonly fsync?: FsyncPolicy;
  readonly fsyncIntervalMs?: number;
  /** Largest single record accepted; default 1 MiB. */
  readonly maxRecordBytes?: number;
}

export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface SpoolBatch {
  readonly records: readonly Buffer[];
  /** Where reading stops: pass to `commit` once the records are delivered. */
  readonly next: SpoolPosition;
}

export interface SpoolStats {
  /** Records appended and not yet committed. */
  readonly pending: number;
  readonly bytes: number;
  /** Undelivered records dropped because the spool was full (oldest first). */
  readonly dropped: number;
  /** Records lost to a torn or corrupted segment tail. */
  readonly corrupt: number;
}

interface Segment {
  readonly id: number;
  bytes: number;
  /** Offsets of the records in this segment, in order. */
  readonly offsets: number[];
}

const HEADER = 8;
const SEGMENT_NAME = /^(\d{12})\.seg$/;

/** Index of the first offset >= `offset` (offsets ascend). */
function lowerBound(offsets: readonly number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether the process holding a lock still runs (this process counts: one spool per folder per process too). */
function holderAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function segmentName(id: number): string {
  return `${String(id).padStart(12, '0')}.seg`;
}

export class DiskSpool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #fsync: FsyncPolicy;
  readonly #fsyncIntervalMs: number;
  readonly #maxRecordBytes: number;
  readonly #segments: Segment[] = [];
  #cursor: SpoolPosition;
  #fd: number | null = null;
  #lastSync = 0;
  #dirty = false;
  #dropped = 0;
  #corrupt = 0;
  #closed = false;

  constructor(options: DiskSpoolOptions) {
    if (!(options.maxBytes >= 4096)) throw new RangeError('spool maxBytes must be at least 4096');
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#segmentBytes = Math.min(options.segmentBytes ?? Math.min(16 * 1024 * 1024, Math.max(64 * 1024, Math.floor(options.maxBytes / 8))), Math.floor(options.maxBytes / 2));
    this.#fsync = options.fsync ?? 'interval';
    this.#fsyncIntervalMs = options.fsyncIntervalMs ?? 1000;
    this.#maxRecordBytes = Math.min(options.maxRecordBytes ?? 1024 * 1024, this.#segmentBytes, options.maxBytes / 2);
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    this.#lock();
    this.#cursor = this.#recover();
  }

  #lock(): void {
    const path = join(this.#dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(holder) && holder > 0 && holderAlive(holder)) throw new Error(`spool ${this.#dir} is in use by process ${holder}`);
      rmSync(path, { force: true });
    }
    throw new Error(`spool ${this.#dir}: cannot take the lock`);
  }

  /** Reads the segments and the cursor left by an earlier process; truncated tails are counted. */
  #recover(): SpoolPosition {
    const ids = readdirSync(this.#dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const id of ids) this.#segments.push(this.#scanSegment(id));
    let cursor: SpoolPosition = { segment: this.#segments[0]?.id ?? 1, offset: 0 };
    try {
      const saved = JSON.parse(readFileSync(join(this.#dir, 'cursor'), 'utf8')) as Partial<SpoolPosition>;
      if (Number.isSafeInteger(saved.segment) && Number.isSafeInteger(saved.offset)) cursor = { segment: saved.segment as number, offset: saved.offset as number };
    } catch {
      // No cursor yet (or unreadable): start at the oldest segment, replaying rather than losing.
    }
    // Segments wholly before the cursor were delivered: remove them.
    while (this.#segments.length > 0 && (this.#segments[0] as Segment).id < cursor.segment) this.#removeOldest();
    const first = this.#segments[0];
    if (first === undefined) return { segment: cursor.segment, offset: 0 };
    if (first.id > cursor.segment) return { segment: first.id, offset: 0 };
    // A cursor between records (never written by this class) is moved back to a record start.
    const at = lowerBound(first.offsets, cursor.offset);
    const offset = first.offsets[at] === cursor.offset ? cursor.offset : (first.offsets[at - 1] ?? 0);
    return { segment: first.id, offset: cursor.offset >= first.bytes ? first.bytes : offset };
  }

  #scanSegment(id: number): Segment {
    const path = join(this.#dir, segmentName(id));
    const data = readFileSync(path);
    const offsets: number[] = [];
    let at = 0;
    while (at + HEADER <= data.length) {
      const length = data.readUInt32BE(at);
      const sum = data.readUInt32BE(at + 4);
      if (length === 0 || at + HEADER + length > data.length || crc32(data.subarray(at + HEADER, at + HEADER + length)) !== sum) break;
      offsets.push(at);
      at += HEADER + length;
    }
    if (at < data.length) {
      // Everything after the last good record is unframeable: cut it so appends stay aligned.
      this.#corrupt += 1;
      writeFileSync(path, data.subarray(0, at));
    }
    return { id, bytes: at, offsets };
  }

  get stats(): SpoolStats {
    return { pending: this.pending, bytes: this.#bytes(), dropped: this.#dropped, corrupt: this.#corrupt };
  }

  #bytes(): number {
    let bytes = 0;
    for (const s of this.#segments) bytes += s.bytes;
    return bytes;
  }

  /** Undelivered records in one segment. */
  #undelivered(s: Segment): number {
    if (s.id < this.#cursor.segment) return 0;
    if (s.id > this.#cursor.segment) return s.offsets.length;
    return s.offsets.length - lowerBound(s.offsets, this.#cursor.offset);
  }

  /** Records appended and not yet committed (cost: one step per segment). */
  get pending(): number {
    let count = 0;
    for (const s of this.#segments) count += this.#undelivered(s);
    return count;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Appends one record; drops the oldest segments when the bound is passed. Synchronous: it never waits for a receiver. */
  append(payload: Buffer): void {
    if (this.#closed) throw new Error('spool is closed');
    if (payload.length === 0 || payload.length > this.#maxRecordBytes) throw new RangeError(`spool record of ${payload.length} bytes (limit ${this.#maxRecordBytes})`);
    let active = this.#segments[this.#segments.length - 1];
    if (active === undefined || this.#fd === null || active.bytes + HEADER + payload.length > this.#segmentBytes) active = this.#roll();
    const record = Buffer.allocUnsafe(HEADER + payload.length);
    record.writeUInt32BE(payload.length, 0);
    record.writeUInt32BE(crc32(payload), 4);
    payload.copy(record, HEADER);
    // One write per record: a crash leaves at most one torn record, which recovery cuts.
    writeSync(this.#fd as number, record);
    active.offsets.push(active.bytes);
    active.bytes += HEADER + payload.length;
    this.#dirty = true;
    this.#maybeSync(false);
    this.#enforceBound();
  }

  #roll(): Segment {
    if (this.#fd !== null) {
      if (this.#fsync !== 'never') fsyncSync(this.#fd);
      closeSync(this.#fd);
      this.#fd = null;
    }
    const last = this.#segments[this.#segments.length - 1];
    const id = Math.max(last === undefined ? 0 : last.id, this.#cursor.segment - 1) + 1;
    this.#fd = openSync(join(this.#dir, segmentName(id)), 'a', 0o600);
    const segment: Segment = { id, bytes: 0, offsets: [] };
    this.#segments.push(segment);
    return segment;
  }

  #maybeSync(force: boolean): void {
    if (this.#fd === null || !this.#dirty || this.#fsync === 'never') return;
    const now = Date.now();
    if (force || this.#fsync === 'always' || now - this.#lastSync >= this.#fsyncIntervalMs) {
      fsyncSync(this.#fd);
      this.#lastSync = now;
      this.#dirty = false;
    }
  }

  #enforceBound(): void {
    let bytes = this.#bytes();
    while (bytes > this.#maxBytes && this.#segments.length > 1) {
      const oldest = this.#segments[0] as Segment;
      this.#dropped += this.#undelivered(oldest);
      bytes -= oldest.bytes;
      this.#removeOldest();
      const next = this.#segments[0] as Segment;
      if (this.#cursor.segment <= oldest.id) this.#setCursor({ segment: next.id, offset: 0 });
    }
  }

  #removeOldest(): void {
    const oldest = this.#segments.shift();
    if (oldest !== undefined) rmSync(join(this.#dir, segmentName(oldest.id)), { force: true });
  }

  /** Up to `maxRecords` undelivered records (at most `maxBytes` of payload, but at least one), oldest first. */
  read(maxRecords: number, maxBytes = 4 * 1024 * 1024): SpoolBatch {
    const records: Buffer[] = [];
    let { segment, offset } = this.#cursor;
    let total = 0;
    for (const s of this.#segments) {
      if (s.id < segment) continue;
      if (s.id > segment) {
        segment = s.id;
        offset = 0;
      }
      const start = lowerBound(s.offsets, offset);
      if (start === s.offsets.length) {
        offset = s.bytes;
        continue;
      }
      // The records to take from this segment, then one read for all of them.
      let last = start;
      let size = 0;
      while (last < s.offsets.length && records.length + (last - start) < maxRecords) {
        const end = s.offsets[last + 1] ?? s.bytes;
        const length = end - (s.offsets[last] as number);
        if (records.length + (last - start) > 0 && total + size + length > maxBytes) break;
        size += length;
        last += 1;
      }
      if (last === start) return { records, next: { segment: s.id, offset } };
      const from = s.offsets[start] as number;
      const buffer = Buffer.allocUnsafe(size);
      const fd = openSync(join(this.#dir, segmentName(s.id)), 'r');
      try {
        let got = 0;
        while (got < size) {
          const n = readSync(fd, buffer, got, size - got, from + got);
          if (n === 0) throw new Error(`spool segment ${segmentName(s.id)} is shorter than recorded`);
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      for (let i = start; i < last; i += 1) {
        const at = (s.offsets[i] as number) - from;
        const end = (s.offsets[i + 1] ?? s.bytes) - from;
        records.push(buffer.subarray(at + HEADER, end));
      }
      total += size;
      offset = s.offsets[last] ?? s.bytes;
      if (last < s.offsets.length && records.length < maxRecords) return { records, next: { segment: s.id, offset } };
      if (records.length >= maxRecords) return { records, next: { segment: s.id, offset } };
    }
    return { records, next: { segment, offset } };
  }

  /** Marks everything before `position` delivered; segments wholly delivered are deleted. */
  commit(position: SpoolPosition): void {
    const c = this.#cursor;
    // A position inside a segment the bound already dropped is stale: the cursor moved past it.
    if (position.segment < c.segment || (position.segment === c.segment && position.offset <= c.offset)) return;
    this.#setCursor(position);
    const active = this.#segments[this.#segments.length - 1];
    while (this.#segments.length > 0) {
      const first = this.#segments[0] as Segment;
      const done = first.id < position.segment || (first.id === position.segment && position.offset >= first.bytes && first !== active);
      if (!done) break;
      this.#removeOldest();
    }
  }

  #setCursor(position: SpoolPosition): void {
    this.#cursor = position;
    const path = join(this.#dir, 'cursor');
    const temp = `${path}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(position));
      if (this.#fsync === 'always') fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }

  /** Syncs what `interval` may have left unsynced (called on a timer by the bus, and on close). */
  flush(): void {
    this.#maybeSync(true);
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.#closed = true;
    rmSync(join(this.#dir, 'lock'), { force: true });
  }

  /** Total size on disk (for tests and stats). */
  diskBytes(): number {
    let bytes = 0;
    for (const s of this.#segments) {
      try {
        bytes += statSync(join(this.#dir, segmentName(s.id))).size;
      } catch {
        // removed concurrently: nothing to count
      }
    }
    return bytes;
  }
}
