import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskSpool } from './disk-spool.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (n: number, size = 100) => Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(size) }));
const numbers = (records: readonly Buffer[]) => records.map((r) => (JSON.parse(r.toString()) as { n: number }).n);

describe('DiskSpool', () => {
  it('reads records in order and forgets them only once committed', () => {
    const spool = new DiskSpool({ dir, maxBytes: 1024 * 1024 });
    for (let i = 0; i < 10; i += 1) spool.append(record(i));
    const first = spool.read(4);
    expect(numbers(first.records)).toEqual([0, 1, 2, 3]);
    expect(numbers(spool.read(4).records)).toEqual([0, 1, 2, 3]); // not committed: read again
    spool.commit(first.next);
    expect(spool.stats.pending).toBe(6);
    expect(numbers(spool.read(100).records)).toEqual([4, 5, 6, 7, 8, 9]);
    spool.close();
  });

  it('a read stops at its byte budget (but takes at least one record), within and across segments', () => {
    const spool = new DiskSpool({ dir, maxBytes: 64 * 1024, segmentBytes: 1024 });
    for (let i = 0; i < 30; i += 1) spool.append(record(i)); // ~120 bytes each, 8 per segment
    const small = spool.read(100, 300);
    expect(numbers(small.records)).toEqual([0, 1]);
    spool.commit(small.next);
    expect(numbers(spool.read(100, 1).records)).toEqual([2]);
    const framed = (n: number) => record(n).length + 8;
    const across = spool.read(100, 1200);
    const got = numbers(across.records);
    // Contiguous from 2, past the first segment (records 0–7), as many as fit in 1200 bytes.
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 2));
    expect(got.length).toBeGreaterThan(6);
    const used = got.reduce((sum, n) => sum + framed(n), 0);
    expect(used).toBeLessThanOrEqual(1200);
    expect(used + framed(got.length + 2)).toBeGreaterThan(1200);
    spool.commit(across.next);
    const next = got.length + 2;
    expect(numbers(spool.read(3).records)).toEqual([next, next + 1, next + 2]);
    spool.close();
  });

  it('replays what was not committed after a restart, across segments', () => {
    const a = new DiskSpool({ dir, maxBytes: 64 * 1024, segmentBytes: 1024 });
    for (let i = 0; i < 40; i += 1) a.append(record(i));
    a.commit(a.read(15).next);
    a.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(1);
    const b = new DiskSpool({ dir, maxBytes: 64 * 1024, segmentBytes: 1024 });
    expect(b.stats.pending).toBe(25);
    const all = b.read(1000);
    expect(numbers(all.records)).toEqual(Array.from({ length: 25 }, (_, i) => i + 15));
    b.append(record(40));
    b.commit(all.next);
    expect(numbers(b.read(10).records)).toEqual([40]);
    b.close();
  });

  it('stays within its size bound by dropping the oldest records, and counts them', () => {
    const spool = new DiskSpool({ dir, maxBytes: 8192, segmentBytes: 2048 });
    for (let i = 0; i < 500; i += 1) spool.append(record(i));
    const stats = spool.stats;
    expect(stats.bytes).toBeLessThanOrEqual(8192);
    expect(spool.diskBytes()).toBeLessThanOrEqual(8192);
    expect(stats.dropped + stats.pending).toBe(500);
    expect(stats.dropped).toBeGreaterThan(400);
    const left = numbers(spool.read(1000).records);
    expect(left[left.length - 1]).toBe(499); // the newest are kept
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 500 - left.length + i));
    spool.close();
  });

  it('a torn record at the end of a segment (crash mid-write) is cut and counted; the rest replays', () => {
    const a = new DiskSpool({ dir, maxBytes: 64 * 1024 });
    for (let i = 0; i < 5; i += 1) a.append(record(i));
    a.close();
    const segment = join(dir, readdirSync(dir).find((f) => f.endsWith('.seg')) as string);
    truncateSync(segment, statSync(segment).size - 10);
    appendFileSync(segment, Buffer.from([0, 0])); // garbage that cannot be framed
    const b = new DiskSpool({ dir, maxBytes: 64 * 1024 });
    expect(numbers(b.read(10).records)).toEqual([0, 1, 2, 3]);
    expect(b.stats.corrupt).toBe(1);
    b.close();
  });

  it('refuses empty and oversized records', () => {
    const spool = new DiskSpool({ dir, maxBytes: 8192 });
    expect(() => spool.append(Buffer.alloc(0))).toThrow(RangeError);
    expect(() => spool.append(Buffer.alloc(5000))).toThrow(/limit/);
    spool.close();
  });

  it('one writer per folder: a second spool is refused while the first is open; a stale lock is taken over', () => {
    const a = new DiskSpool({ dir, maxBytes: 8192 });
    expect(() => new DiskSpool({ dir, maxBytes: 8192 })).toThrow(/in use by process/);
    a.close();
    writeFileSync(join(dir, 'lock'), '2147483646'); // no such process
    const b = new DiskSpool({ dir, maxBytes: 8192 });
    b.close();
  });
});
