import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectRpmDbFormat, parseRpmDb, type RpmDbFormat } from './rpm-db.js';
import type { RpmHeaderEntry } from './rpm-header.js';
import { readSqliteBlobs } from './sqlite.js';
import { buildNdb, prng } from './test-builders.js';

// Fixtures made by __fixtures__/make-fixtures.sh with Debian's rpm 4.18 and db_load;
// rpm-qa.json is rpm's own query output for the same packages.
const fixtures = path.join(import.meta.dirname, '__fixtures__');
const sqliteBytes = gunzipSync(readFileSync(path.join(fixtures, 'rpmdb.sqlite.gz')));
const bdbBytes = new Uint8Array(readFileSync(path.join(fixtures, 'Packages')));
const bdbBigEndianBytes = new Uint8Array(readFileSync(path.join(fixtures, 'Packages.be')));

interface RpmQa {
  name: string;
  version: string;
  release: string;
  epoch: string;
  arch: string;
  sourceRpm: string;
  vendor: string;
  license: string;
  size: string;
  modularityLabel: string;
  files: string[];
}

const none = (value: string): string | null => (value === '(none)' ? null : value);
const expected: RpmHeaderEntry[] = (JSON.parse(readFileSync(path.join(fixtures, 'rpm-qa.json'), 'utf8')) as RpmQa[]).map((p) => ({
  name: p.name,
  version: p.version,
  release: p.release,
  epoch: none(p.epoch) === null ? null : Number(p.epoch),
  arch: none(p.arch),
  sourceRpm: none(p.sourceRpm),
  vendor: none(p.vendor),
  license: none(p.license),
  size: none(p.size) === null ? null : Number(p.size),
  modularityLabel: none(p.modularityLabel),
  files: p.files,
}));

const limits = { maxRecords: 100, maxValueBytes: 1 << 24, maxFileBytes: 1 << 26 };
const realBlobs = readSqliteBlobs(sqliteBytes, limits).blobs;
const ndbBytes = buildNdb(realBlobs.map((b) => ({ pkgidx: b.recordId, blob: b.blob })));

const byName = (entries: RpmHeaderEntry[]): RpmHeaderEntry[] => [...entries].sort((a, b) => a.name.localeCompare(b.name));

describe('parseRpmDb agrees with rpm on fixtures it made', () => {
  it('has the packages rpm reports (oracle sanity)', () => {
    expect(expected.map((p) => p.name)).toEqual(['sekisho-hello', 'sekisho-many']);
    expect(expected[1]?.files.length).toBeGreaterThan(300);
    expect(realBlobs).toHaveLength(2);
  });

  for (const [label, format, bytes] of [
    ['sqlite', 'sqlite', sqliteBytes],
    ['little-endian bdb', 'bdb', bdbBytes],
    ['big-endian bdb', 'bdb', bdbBigEndianBytes],
    ['ndb', 'ndb', ndbBytes],
  ] as const) {
    it(`reads every field of every package from ${label}`, () => {
      const result = parseRpmDb(bytes, format);
      expect(result.errors).toEqual([]);
      expect(byName(result.entries)).toEqual(expected);
    });
  }

  it('returns packages in record (install) order, not file order', () => {
    const [first, second] = realBlobs;
    if (first === undefined || second === undefined) throw new Error('fixture has two packages');
    const names = (bytes: Uint8Array): string[] => parseRpmDb(bytes, 'ndb').entries.map((e) => e.name);
    const a = buildNdb([
      { pkgidx: 9, blob: first.blob },
      { pkgidx: 3, blob: second.blob },
    ]);
    const b = buildNdb([
      { pkgidx: 3, blob: first.blob },
      { pkgidx: 9, blob: second.blob },
    ]);
    expect(names(a)).toEqual([...names(b)].reverse());
  });
});

describe('BDB hash files with many records (bucket splits, inline values)', () => {
  const oracle = readFileSync(path.join(fixtures, 'many-records.rpm-qa.txt'), 'utf8').trim().split('\n');

  for (const order of ['1234', '4321']) {
    it(`lists what rpm lists, byte order ${order}`, () => {
      const bytes = gunzipSync(readFileSync(path.join(fixtures, `many-records-${order}.bdb.gz`)));
      const result = parseRpmDb(bytes, 'bdb');
      expect(result.errors).toEqual([]);
      expect(result.entries.map((e) => `${e.name} ${e.version}-${e.release}`).sort()).toEqual(oracle);
      // Every 20th synthetic package lists 120 files; those headers span overflow chains.
      const withFiles = result.entries.filter((e) => e.files.length > 0);
      expect(withFiles).toHaveLength(oracle.length / 20);
      expect(withFiles.every((e) => e.files.length === 120 && e.files[0] === `/usr/share/${e.name.replace(/-0*/, '-')}/file-000`)).toBe(true);
    });
  }
});

describe('detectRpmDbFormat', () => {
  it('recognises each format by magic, whatever the file is called', () => {
    expect(detectRpmDbFormat('x', sqliteBytes)).toBe('sqlite');
    expect(detectRpmDbFormat('x', bdbBytes)).toBe('bdb');
    expect(detectRpmDbFormat('x', bdbBigEndianBytes)).toBe('bdb');
    expect(detectRpmDbFormat('x', ndbBytes)).toBe('ndb');
  });

  it('falls back to the file name, and gives null for anything else', () => {
    const empty = new Uint8Array(0);
    expect(detectRpmDbFormat('/var/lib/rpm/rpmdb.sqlite', empty)).toBe('sqlite');
    expect(detectRpmDbFormat('usr/lib/sysimage/rpm/Packages.db', empty)).toBe('ndb');
    expect(detectRpmDbFormat('var/lib/rpm/Packages', empty)).toBe('bdb');
    expect(detectRpmDbFormat('var/lib/rpm/Basenames', new Uint8Array(64))).toBeNull();
  });
});

/** Byte-order helpers for poking at the little-endian BDB fixture. */
function bdbLayout(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageSize = view.getUint32(20, true);
  const pages = bytes.length / pageSize;
  const typeOf = (pg: number): number => bytes[pg * pageSize + 25] ?? -1;
  const overflow = [...Array(pages).keys()].filter((pg) => typeOf(pg) === 7);
  const hash = [...Array(pages).keys()].filter((pg) => pg > 0 && typeOf(pg) === 13);
  return { view, pageSize, pages, overflow, hash };
}

describe('hostile databases', () => {
  it('reports empty and garbage files as errors, in each format', () => {
    for (const format of ['sqlite', 'ndb', 'bdb'] as RpmDbFormat[]) {
      for (const bytes of [new Uint8Array(0), new TextEncoder().encode('bogus'), new Uint8Array(8192).fill(0xff)]) {
        const result = parseRpmDb(bytes, format);
        expect(result.entries).toEqual([]);
        expect(result.errors.length).toBeGreaterThan(0);
      }
    }
  });

  it('uses a BDB fixture whose headers span overflow chains', () => {
    const layout = bdbLayout(bdbBytes);
    expect(layout.pageSize).toBe(4096);
    expect(layout.overflow.length).toBeGreaterThan(5);
  });

  it('stops at a BDB overflow chain that loops back on itself', () => {
    const bytes = bdbBytes.slice();
    const layout = bdbLayout(bytes);
    // Point every overflow page's next_pgno at itself.
    for (const pg of layout.overflow) layout.view.setUint32(pg * layout.pageSize + 16, pg, true);
    const result = parseRpmDb(bytes, 'bdb');
    expect(result.errors.some((e) => /reached twice/.test(e))).toBe(true);
    expect(result.entries.length).toBeLessThan(2);
  });

  it('reads an overflow chain for one item only, even if others point at it', () => {
    const bytes = bdbBytes.slice();
    const layout = bdbLayout(bytes);
    const offPage: number[] = []; // byte offsets of H_OFFPAGE items' page numbers
    for (const pg of layout.hash) {
      const at = pg * layout.pageSize;
      const entries = layout.view.getUint16(at + 20, true);
      for (let i = 1; i < entries; i += 2) {
        const off = layout.view.getUint16(at + 26 + i * 2, true);
        if (bytes[at + off] === 3) offPage.push(at + off + 4);
      }
    }
    expect(offPage.length).toBe(2);
    const [first, second] = offPage as [number, number];
    layout.view.setUint32(second, layout.view.getUint32(first, true), true);
    layout.view.setUint32(second + 4, layout.view.getUint32(first + 4, true), true);
    const result = parseRpmDb(bytes, 'bdb');
    expect(result.entries).toHaveLength(1);
    expect(result.errors.join()).toMatch(/reached twice/);
  });

  it('stops at a BDB bucket chain that loops', () => {
    const bytes = bdbBytes.slice();
    const layout = bdbLayout(bytes);
    for (const pg of layout.hash) layout.view.setUint32(pg * layout.pageSize + 16, pg, true);
    const result = parseRpmDb(bytes, 'bdb');
    expect(result.errors.some((e) => /reached twice/.test(e))).toBe(true);
    expect(byName(result.entries)).toEqual(expected);
  });

  it('reports BDB page numbers past the file and truncated files', () => {
    const bytes = bdbBytes.slice();
    const layout = bdbLayout(bytes);
    layout.view.setUint32(32, 0x7fffffff, true); // last_pgno
    layout.view.setUint32(72, 0x7fff, true); // max_bucket
    expect(parseRpmDb(bytes, 'bdb').errors.join()).toMatch(/buckets but/);
    for (let pages = 1; pages < layout.pages; pages++) {
      const result = parseRpmDb(bdbBytes.subarray(0, pages * layout.pageSize), 'bdb');
      expect(result.entries.length).toBeLessThanOrEqual(2);
      if (result.entries.length < 2) expect(result.errors.length).toBeGreaterThan(0);
    }
  });

  it('rejects an ndb slot pointing past the end or overlapping the slot pages', () => {
    const bytes = ndbBytes.slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(32 + 8, 0xfffffff0, true);
    view.setUint32(48 + 8, 1, true);
    const result = parseRpmDb(bytes, 'ndb');
    expect(result.entries).toEqual([]);
    expect(result.errors).toHaveLength(2);
    expect(result.errors.join()).toMatch(/outside the data area/);
  });

  it('rejects huge ndb slot page counts and BDB page sizes without allocating for them', () => {
    const ndb = ndbBytes.slice();
    new DataView(ndb.buffer).setUint32(12, 0xffffffff, true);
    expect(parseRpmDb(ndb, 'ndb').errors.join()).toMatch(/slot pages do not fit/);
    const bdb = bdbBytes.slice();
    new DataView(bdb.buffer).setUint32(20, 0x80000000, true);
    expect(parseRpmDb(bdb, 'bdb').errors.join()).toMatch(/bad page size/);
  });

  it('rejects an ndb blob whose length disagrees with its slot', () => {
    const bytes = ndbBytes.slice();
    const view = new DataView(bytes.buffer);
    const blkoff = view.getUint32(32 + 8, true);
    view.setUint32(blkoff * 16 + 12, 0xffffff00, true);
    const result = parseRpmDb(bytes, 'ndb');
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]).toEqual(parseRpmDb(buildNdb([{ pkgidx: 1, blob: realBlobs[1]?.blob ?? new Uint8Array() }]), 'ndb').entries[0]);
    expect(result.errors.join()).toMatch(/does not match/);
  });

  it('reads only a real Packages table from SQLite, never a view', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'rpmdb-test-'));
    try {
      const file = path.join(dir, 'view.sqlite');
      const db = new DatabaseSync(file);
      db.exec("CREATE VIEW Packages AS SELECT 1 AS hnum, x'00' AS blob");
      db.close();
      const result = parseRpmDb(new Uint8Array(readFileSync(file)), 'sqlite');
      expect(result.errors).toEqual(['sqlite: no Packages table']);
      const text = path.join(dir, 'text.sqlite');
      const db2 = new DatabaseSync(text);
      db2.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB); INSERT INTO Packages VALUES (1, 'not a blob')");
      db2.close();
      expect(parseRpmDb(new Uint8Array(readFileSync(text)), 'sqlite').errors).toEqual(['sqlite: package 1: blob column is not a blob']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads transactions still in the write-ahead log when given it', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'rpmdb-test-'));
    try {
      const file = path.join(dir, 'rpmdb.sqlite');
      writeFileSync(file, sqliteBytes);
      const db = new DatabaseSync(file);
      db.exec('PRAGMA wal_autocheckpoint = 0');
      db.exec('INSERT INTO Packages (blob) SELECT blob FROM Packages ORDER BY hnum LIMIT 1');
      // Copy while the connection is open: closing would checkpoint the log into the file.
      const main = new Uint8Array(readFileSync(file));
      const wal = new Uint8Array(readFileSync(`${file}-wal`));
      db.close();
      expect(wal.length).toBeGreaterThan(0);
      expect(parseRpmDb(main, 'sqlite').entries).toHaveLength(2);
      expect(parseRpmDb(main, 'sqlite', { sqliteWal: wal }).entries).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a truncated SQLite file instead of throwing', () => {
    const result = parseRpmDb(sqliteBytes.subarray(0, 20_000), 'sqlite');
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('never throws on randomly corrupted databases', () => {
    const random = prng(7);
    for (const [format, good] of [
      ['bdb', bdbBytes],
      ['ndb', ndbBytes],
    ] as const) {
      let damaged = 0;
      for (let round = 0; round < 300; round++) {
        const copy = good.slice();
        for (let f = 0; f < 16; f++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        const result = parseRpmDb(copy, format);
        expect(result.entries.length).toBeLessThanOrEqual(2);
        if (result.errors.length > 0) damaged++;
      }
      expect(damaged).toBeGreaterThan(0);
    }
  });
});
