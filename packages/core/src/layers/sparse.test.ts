import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { writeTar } from '@sekisho/testkit';
import type { SparseSpec, TarEntrySpec } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import type { EntryHeader } from './entry.js';
import { storedBytes } from './entry.js';
import { walkTar } from './tar-walker.js';

const LIMITS = { maxEntries: 1_000_000, maxBytes: 1024 * 1024 * 1024 };
const FIXTURES = join(import.meta.dirname, '__fixtures__', 'sparse');
const FORMATS = ['gnu', 'pax-0.0', 'pax-0.1', 'pax-1.0'] as const;

const STANZA = 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n';

/** What GNU tar restores from the fixtures (see __fixtures__/sparse/README.md). */
function expectedStatus(): Buffer {
  const out = Buffer.alloc(20000);
  out.write(STANZA, 12288, 'latin1');
  return out;
}
function expectedManyHoles(): Buffer {
  const out = Buffer.alloc(90000);
  for (let i = 0; i < 10; i += 1) out.write(`region ${i}\n`, i * 8192 + 4096, 'latin1');
  return out;
}

const fixture = (format: string): Buffer => zlib.gunzipSync(readFileSync(join(FIXTURES, `${format}.tar.gz`)));

async function* chunks(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

interface Seen {
  header: EntryHeader;
  body: Buffer | null;
  truncated: boolean;
}

async function walk(data: Buffer, options: { chunk?: number; want?: (h: EntryHeader) => number; limits?: typeof LIMITS } = {}): Promise<Seen[]> {
  const seen: Seen[] = [];
  await walkTar(
    chunks(data, options.chunk ?? 4096),
    {
      bodyBytes: options.want ?? (() => 1 << 20),
      entry: (header, body, truncated) => {
        seen.push({ header, body: body === null ? null : Buffer.from(body), truncated });
      },
    },
    options.limits ?? LIMITS,
  );
  return seen;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped: ${String(error)}`;
  }
  return 'no error';
}

describe('sparse members written by GNU tar', () => {
  it.each(FORMATS)('%s: real names, real sizes, holes read as zeros', async (format) => {
    const tar = fixture(format);
    for (const chunk of [7, 512, 100_000]) {
      const seen = await walk(tar, { chunk });
      expect(seen.map((s) => [s.header.path, s.header.kind, s.header.size, s.truncated])).toEqual([
        ['/var/lib/dpkg/status', 'file', 20000, false],
        ['/opt/app/many-holes', 'file', 90000, false],
      ]);
      expect(seen[0]?.body?.equals(expectedStatus())).toBe(true);
      expect(seen[1]?.body?.equals(expectedManyHoles())).toBe(true);
      expect(seen[0]?.header.sparseRegions).toEqual([{ offset: 12288, length: 4096 }]);
      expect(seen[1]?.header.sparseRegions).toHaveLength(10);
    }
  });

  it('storedBytes joins the data regions of a sparse body, skipping the holes', async () => {
    const [status, many] = await walk(fixture('gnu'));
    if (status?.body == null || many?.body == null) throw new Error('fixture not read');
    expect(storedBytes(status.header, status.body, 50).toString('latin1')).toBe(STANZA.slice(0, 50));
    expect(storedBytes(many.header, many.body, 4096 + 9).toString('latin1', 4096)).toBe('region 1\n');
    const plain = { ...status.header, sparseRegions: undefined };
    expect(storedBytes(plain, Buffer.from('abcdef'), 3).toString()).toBe('abc');
  });

  it.each(FORMATS)('%s: a capped body is the start of the real file; a skipped one costs nothing', async (format) => {
    const seen = await walk(fixture(format), { want: (h) => (h.path === '/var/lib/dpkg/status' ? 12300 : 0) });
    expect(seen[0]?.truncated).toBe(true);
    expect(seen[0]?.body?.equals(expectedStatus().subarray(0, 12300))).toBe(true);
    expect(seen[1]).toMatchObject({ body: null, truncated: true, header: { path: '/opt/app/many-holes', size: 90000 } });
  });
});

describe('sparse members from the test writer', () => {
  const regions = [
    { offset: 100, data: 'first' },
    { offset: 5000, data: 'second' },
  ];
  it.each(FORMATS)('%s: matches what GNU tar restores, followed by an ordinary entry', async (format) => {
    const seen = await walk(
      writeTar([
        { name: 'etc/app.conf', sparse: { format, realSize: 6000, regions } },
        { name: 'after', content: 'next' },
      ]),
      { chunk: 100 },
    );
    const expected = Buffer.alloc(6000);
    expected.write('first', 100);
    expected.write('second', 5000);
    expect(seen.map((s) => s.header.path)).toEqual(['/etc/app.conf', '/after']);
    expect(seen[0]?.body?.equals(expected)).toBe(true);
    expect(seen[1]?.body?.toString()).toBe('next');
  });

  it('reads old GNU maps spread over several extension blocks', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ offset: i * 100, data: `r${i}` }));
    const seen = await walk(
      writeTar([
        { name: 'f', sparse: { format: 'gnu', realSize: 6000, regions: many } },
        { name: 'g', content: 'ok' },
      ]),
    );
    expect(seen[0]?.body?.toString('latin1', 5900, 5903)).toBe('r59');
    expect(seen[0]?.body?.toString('latin1', 0, 2)).toBe('r0');
    expect(seen[1]?.body?.toString()).toBe('ok');
  });

  it.each(FORMATS)('%s: a file that is all hole', async (format) => {
    const seen = await walk(writeTar([{ name: 'f', sparse: { format, realSize: 3000, regions: [] } }]));
    expect(seen[0]?.body?.equals(Buffer.alloc(3000))).toBe(true);
  });
});

describe('hostile sparse members', () => {
  const cases: [string, SparseSpec['regions'], number, string][] = [
    [
      'overlapping regions',
      [
        { offset: 0, data: 'aaaa' },
        { offset: 2, data: 'bbbb' },
      ],
      100,
      'LAYER_CORRUPT',
    ],
    [
      'unsorted regions',
      [
        { offset: 50, data: 'aaaa' },
        { offset: 0, data: 'bbbb' },
      ],
      100,
      'LAYER_CORRUPT',
    ],
    ['a region past the real size', [{ offset: 98, data: 'aaaa' }], 100, 'LAYER_CORRUPT'],
    ['a region far past the real size', [{ offset: 9_000_000_000, data: 'aaaa' }], 100, 'LAYER_CORRUPT'],
    ['data shorter than the map says', [{ offset: 0, data: 'aaaa', length: 5000 }], 10_000, 'LAYER_CORRUPT'],
    ['data the map does not account for', [{ offset: 0, data: 'a'.repeat(600), length: 10 }], 1000, 'LAYER_CORRUPT'],
    ['a real size past the layer limit', [{ offset: 0, data: 'aaaa' }], 10 * 1024 ** 4, 'LIMIT_ENTRY_SIZE'],
  ];
  for (const format of FORMATS) {
    it.each(cases)(`${format}: %s`, async (_name, regions, realSize, code) => {
      const tar = writeTar([{ name: 'var/lib/dpkg/status', sparse: { format, realSize, regions } }]);
      expect(await codeOf(walk(tar))).toBe(code);
      // Never a silently skipped entry, whatever the visitor wants.
      expect(await codeOf(walk(tar, { want: () => 0 }))).toBe(code);
    });
  }

  it.each<[string, TarEntrySpec, string]>([
    ['a 1.0 map that is not a number', { name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [], mapText: 'x\n' } }, 'LAYER_CORRUPT'],
    ['a 1.0 map claiming a billion regions', { name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [], mapText: '1000000000\n' } }, 'LIMIT_ENTRY_SIZE'],
    ['a 1.0 map longer than its data', { name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [], mapText: '50\n' } }, 'LAYER_CORRUPT'],
    ['a 1.0 map with negative offsets', { name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [{ offset: 0, data: 'ab' }], mapText: '1\n-1\n2\n' } }, 'LAYER_CORRUPT'],
    ['a 1.0 map without its newlines', { name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [], mapText: '1' } }, 'LAYER_CORRUPT'],
    ['a 0.1 map with fewer regions than numblocks', { name: 'f', sparse: { format: 'pax-0.1', realSize: 10, regions: [{ offset: 0, data: 'ab' }], numBlocks: '2' } }, 'LAYER_CORRUPT'],
    ['a 0.0 map with fewer regions than numblocks', { name: 'f', sparse: { format: 'pax-0.0', realSize: 10, regions: [{ offset: 0, data: 'ab' }], numBlocks: '3' } }, 'LAYER_CORRUPT'],
    ['a 0.1 map with a non-number', { name: 'f', sparse: { format: 'pax-0.1', realSize: 10, regions: [{ offset: 0, data: 'ab' }], numBlocks: 'x' } }, 'LAYER_CORRUPT'],
    [
      'a stored size shorter than the data (truncated entry)',
      { name: 'f', sparse: { format: 'gnu', realSize: 2000, regions: [{ offset: 0, data: 'a'.repeat(1000) }] }, declaredSize: 10 },
      'LAYER_CORRUPT',
    ],
  ])('rejects %s', async (_name, entry, code) => {
    expect(await codeOf(walk(writeTar([entry])))).toBe(code);
  });

  it.each(FORMATS)('%s: a real name that leaves the image root is a path escape', async (format) => {
    const tar = writeTar([{ name: 'a/../../etc/cron.d/x', sparse: { format, realSize: 10, regions: [{ offset: 0, data: 'x' }] } }]);
    expect(await codeOf(walk(tar))).toBe('LAYER_PATH_ESCAPE');
  });

  it('ignores GNU.sparse records of a global header (as Go does): the next file is ordinary', async () => {
    const records = '30 GNU.sparse.realsize=999999\n';
    const global = writeTar([{ name: 'g', content: records }]).subarray(0, 1024);
    global[156] = 'g'.charCodeAt(0);
    global.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i += 1) sum += global[i] ?? 0;
    global.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
    const seen = await walk(Buffer.concat([global, writeTar([{ name: 'f', content: 'plain' }])]));
    expect(seen.map((s) => [s.header.path, s.header.size, s.body?.toString()])).toEqual([['/f', 5, 'plain']]);
  });

  it('rejects an unknown PAX sparse version instead of reporting its GNUSparseFile.N name', async () => {
    const tar = writeTar([{ name: 'f', sparse: { format: 'pax-1.0', realSize: 10, regions: [] } }]);
    const patched = Buffer.from(tar.toString('latin1').replace('GNU.sparse.major=1', 'GNU.sparse.major=2'), 'latin1');
    expect(await codeOf(walk(patched))).toBe('LAYER_CORRUPT');
  });

  it('rejects 0.0 offset/numbytes records out of order', async () => {
    const tar = writeTar([{ name: 'f', sparse: { format: 'pax-0.0', realSize: 10, regions: [{ offset: 0, data: 'ab' }] } }]);
    const text = tar.toString('latin1');
    const offset = /\d+ GNU\.sparse\.offset=0\n/.exec(text)?.[0] ?? '';
    const numbytes = /\d+ GNU\.sparse\.numbytes=2\n/.exec(text)?.[0] ?? '';
    expect(text).toContain(offset + numbytes);
    // Same bytes, same length, records swapped: only the order is wrong.
    const patched = Buffer.from(text.replace(offset + numbytes, numbytes + offset), 'latin1');
    expect(patched.length).toBe(tar.length);
    expect(await codeOf(walk(patched))).toBe('LAYER_CORRUPT');
  });

  it.each(FORMATS)('%s: a stream that ends inside the sparse data is truncated', async (format) => {
    const tar = writeTar([{ name: 'f', sparse: { format, realSize: 5000, regions: [{ offset: 10, data: 'x'.repeat(3000) }] } }]);
    const cut = tar.subarray(0, tar.length - 1024 - 2048);
    expect(await codeOf(walk(cut))).toBe('LAYER_TRUNCATED');
  });

  it('survives random corruption of the GNU tar fixtures with typed errors only', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const format of FORMATS) {
      const base = fixture(format);
      for (let round = 0; round < 60; round += 1) {
        const copy = Buffer.from(base);
        // Corrupt the metadata region (headers, PAX records, maps), where parsing happens.
        for (let k = 0; k < 3; k += 1) copy[Math.floor(random() * 6000)] = Math.floor(random() * 256);
        const code = await codeOf(walk(copy));
        expect(['no error', 'LAYER_CORRUPT', 'LAYER_TRUNCATED', 'LAYER_PATH_ESCAPE', 'LAYER_LINK_ESCAPE', 'LIMIT_LAYER_SIZE', 'LIMIT_ENTRY_SIZE']).toContain(code);
      }
    }
  });
});
