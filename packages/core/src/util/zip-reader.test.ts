import { describe, expect, it } from 'vitest';
import { writeZip } from '@sekisho/testkit';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, openZip, readEntry } from './zip-reader.js';

const big = (n: number) => Buffer.alloc(n, 0x41);

describe('openZip / readEntry', () => {
  it('lists entries and inflates stored and deflated data', () => {
    const zip = writeZip([
      { name: 'a.txt', data: 'hello', store: true },
      { name: 'dir/b.txt', data: 'world world world' },
    ]);
    const z = openZip(zip);
    if (!z.ok) throw new Error(z.reason);
    expect(z.value.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.txt']);
    const budget = { remaining: 1000 };
    const b = readEntry(zip, z.value.entries[1]!, budget, 1000);
    expect(b.ok && b.value.toString()).toBe('world world world');
    expect(budget.remaining).toBe(1000 - 17);
  });

  it('handles data prepended to the archive (launch scripts)', () => {
    const zip = Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0"\n'), writeZip([{ name: 'x', data: 'payload' }])]);
    const z = openZip(zip);
    if (!z.ok) throw new Error(z.reason);
    const r = readEntry(zip, z.value.entries[0]!, { remaining: 100 }, 100);
    expect(r.ok && r.value.toString()).toBe('payload');
  });

  it('refuses an entry whose declared size exceeds the budget, before inflating', () => {
    const zip = writeZip([{ name: 'bomb', data: big(10 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(20_000);
    const z = openZip(zip);
    if (!z.ok) throw new Error(z.reason);
    const budget = { remaining: 1024 * 1024 };
    const r = readEntry(zip, z.value.entries[0]!, budget, Number.MAX_SAFE_INTEGER);
    expect(r.ok).toBe(false);
    expect(budget.remaining).toBe(1024 * 1024);
  });

  it('stops a lying entry that inflates beyond its declared size', () => {
    const zip = writeZip([{ name: 'liar', data: big(5 * 1024 * 1024), declaredSize: 100 }]);
    const z = openZip(zip);
    if (!z.ok) throw new Error(z.reason);
    const r = readEntry(zip, z.value.entries[0]!, { remaining: 1e9 }, 1e9);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/beyond its declared size/) as string });
  });

  it('returns errors for garbage, truncation and corrupt deflate data', () => {
    expect(openZip(Buffer.from('example archive\n')).ok).toBe(false);
    const zip = writeZip([{ name: 'a', data: 'abcdefgh'.repeat(100) }]);
    expect(openZip(zip.subarray(0, zip.length - 5)).ok).toBe(false);
    const corrupt = Buffer.from(zip);
    corrupt.fill(0xff, 31, 45); // inside the deflate stream
    const z = openZip(corrupt);
    if (!z.ok) throw new Error(z.reason);
    expect(readEntry(corrupt, z.value.entries[0]!, { remaining: 1e6 }, 1e6).ok).toBe(false);
  });

  it('never throws on random mutations of a valid archive', () => {
    const zip = writeZip([
      { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\n' },
      { name: 'lib/x.jar', data: writeZip([{ name: 'y', data: 'z' }]), store: true },
    ]);
    let seed = 7;
    for (let round = 0; round < 500; round++) {
      const m = Buffer.from(zip);
      for (let k = 0; k < 4; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        m[seed % m.length] = seed >> 8;
      }
      const z = openZip(m);
      if (z.ok) for (const e of z.value.entries) expect(() => readEntry(m, e, { remaining: 1e6 }, 1e6)).not.toThrow();
    }
  });

  it('reads an archive on disk by position (prefix included) the same as in memory', () => {
    const zip = Buffer.concat([
      Buffer.from('#!/bin/sh\nexec java -jar "$0"\n'),
      writeZip([
        { name: 'a.json', data: '{"id":1}' },
        { name: 'b.json', data: 'x'.repeat(70_000) },
      ]),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'zip-reader-'));
    const fd = openSync(join(dir, 'all.zip'), 'w+');
    try {
      writeFileSync(fd, zip);
      const source = fileSource(fd, zip.length);
      const z = openZip(source);
      if (!z.ok) throw new Error(z.reason);
      const budget = { remaining: 100_000 };
      const read = z.value.entries.map((e) => readEntry(source, e, budget, 100_000));
      expect(read.map((r) => (r.ok ? r.value.length : r.reason))).toEqual([8, 70_000]);
      expect(budget.remaining).toBe(100_000 - 70_008);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
