import { lentChunks, writeTar } from '@sekisho/testkit';
import type { TarEntrySpec } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import type { EntryHeader } from './entry.js';
import { walkTar } from './tar-walker.js';

const LIMITS = { maxEntries: 1_000_000, maxBytes: 1024 * 1024 * 1024 };

async function* chunks(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function walk(data: Buffer, options: { chunk?: number; want?: (h: EntryHeader) => number; limits?: typeof LIMITS; lent?: boolean } = {}) {
  const seen: { header: EntryHeader; body: string | null; truncated: boolean }[] = [];
  const stats = await walkTar(
    (options.lent === true ? lentChunks : chunks)(data, options.chunk ?? 4096),
    {
      bodyBytes: options.want ?? (() => 1 << 20),
      entry: (header, body, truncated) => {
        seen.push({ header, body: body?.toString('utf8') ?? null, truncated });
      },
    },
    options.limits ?? LIMITS,
  );
  return { seen, stats };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'no error';
}

describe('walkTar header checksums', () => {
  // Header blocks are summed as 32-bit words when aligned, byte by byte when not: both must agree.
  const tar = writeTar([
    { name: 'etc/héllo-wörld', content: 'x' },
    { name: 'usr/share/ÿÿÿ', content: '' },
  ]);
  const at = (data: Buffer, shift: number): Buffer => {
    const shifted = Buffer.alloc(data.length + shift).subarray(shift);
    data.copy(shifted);
    return shifted;
  };

  it.each([0, 1, 2, 3])('accepts valid headers at byte offset %i mod 4', async (shift) => {
    const { seen } = await walk(at(tar, shift), { chunk: tar.length });
    expect(seen.map((e) => e.header.path)).toEqual(['/etc/héllo-wörld', '/usr/share/ÿÿÿ']);
  });

  it.each([0, 1, 2, 3])('rejects a header with one byte changed at byte offset %i mod 4', async (shift) => {
    for (const position of [0, 3, 100, 147, 156, 257, 345, 511]) {
      const damaged = Buffer.from(tar);
      damaged[position] = (damaged[position] ?? 0) ^ 0x40;
      expect(await codeOf(walk(at(damaged, shift), { chunk: tar.length })), `byte ${position}`).toBe('LAYER_CORRUPT');
    }
  });

  it('accepts the signed checksum of old tars', async () => {
    const old = Buffer.from(tar);
    let signed = 8 * 0x20;
    for (let i = 0; i < 512; i += 1) if (i < 148 || i >= 156) signed += (old[i] ?? 0) > 127 ? (old[i] ?? 0) - 256 : (old[i] ?? 0);
    old.write(`${signed.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const { seen } = await walk(at(old, 1), { chunk: old.length });
    expect(seen[0]?.header.path).toBe('/etc/héllo-wörld');
  });
});

describe('walkTar', () => {
  it('reads files, dirs, links and metadata; chunk boundaries do not matter', async () => {
    const tar = writeTar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', content: 'ID=debian\n', mode: 0o644 },
      { name: 'usr/bin/sudo', content: 'ELF', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin', type: 'symlink', linkTarget: 'usr/bin' },
      { name: 'usr/bin/sudoedit', type: 'hardlink', linkTarget: 'usr/bin/sudo' },
      { name: 'dev/null', type: 'char-device' },
      { name: 'run/fifo', type: 'fifo' },
    ]);
    for (const chunk of [1, 7, 512, 100_000]) {
      const { seen, stats } = await walk(tar, { chunk });
      expect(stats.entries).toBe(7);
      expect(stats.bytes).toBe(tar.length);
      expect(seen.map((s) => [s.header.path, s.header.kind])).toEqual([
        ['/etc', 'dir'],
        ['/etc/os-release', 'file'],
        ['/usr/bin/sudo', 'file'],
        ['/bin', 'symlink'],
        ['/usr/bin/sudoedit', 'hardlink'],
        ['/dev/null', 'char-device'],
        ['/run/fifo', 'fifo'],
      ]);
      expect(seen[1]?.body).toBe('ID=debian\n');
      expect(seen[2]?.header.mode).toBe(0o4755);
      expect(seen[3]?.header.linkTarget).toBe('usr/bin');
      expect(seen[4]?.header.linkTarget).toBe('/usr/bin/sudo');
    }
  });

  it('skips bodies it was not asked for and caps the ones it was', async () => {
    const tar = writeTar([
      { name: 'a', content: 'x'.repeat(2000) },
      { name: 'b', content: 'hello world' },
    ]);
    const { seen } = await walk(tar, { want: (h) => (h.path === '/a' ? 0 : 5) });
    expect(seen[0]).toMatchObject({ body: null, truncated: true });
    expect(seen[1]).toMatchObject({ body: 'hello', truncated: true });
  });

  it('hands visitors the right bytes when the source lends its chunks and reuses them', async () => {
    const text = (n: number, seed: string) => Array.from({ length: n }, (_, i) => seed[i % seed.length]).join('');
    const many = Array.from({ length: 60 }, (_, i) => ({ offset: i * 100, data: `r${i}` }));
    const tar = writeTar([
      // a selected head followed by a tail that is skipped across many chunks
      { name: 'big', content: text(50_000, 'abcdefg') },
      // a body read whole across more than two chunks
      { name: 'spans', content: text(5000, '0123456789') },
      { name: 'usr/lib/' + 'deep/'.repeat(40) + 'pax.txt', content: 'pax' },
      { name: 'usr/lib/' + 'deep/'.repeat(40) + 'gnu.txt', content: 'gnu', longNames: 'gnu' },
      { name: 'sparse', sparse: { format: 'gnu', realSize: 6000, regions: many } },
      { name: 'last', content: 'end' },
    ]);
    const want = (h: EntryHeader) => (h.path === '/big' ? 100 : 1 << 20);
    const expected = await walk(tar, { chunk: 1 << 20, want });
    expect(expected.seen.map((s) => s.body?.length)).toEqual([100, 5000, 3, 3, 6000, 3]);
    for (const chunk of [1, 7, 512, 1000, 4096]) {
      const { seen, stats } = await walk(tar, { chunk, want, lent: true });
      expect(stats.bytes).toBe(tar.length);
      expect(seen).toEqual(expected.seen);
    }
  });

  it('reads PAX and GNU long names and link targets', async () => {
    const long = 'usr/lib/' + 'deep/'.repeat(40) + 'file.txt';
    const tar = writeTar([
      { name: long, content: 'pax' },
      { name: long + '.gnu', content: 'gnu', longNames: 'gnu' },
      { name: 'link', type: 'symlink', linkTarget: '/' + 'x/'.repeat(80) + 'target', longNames: 'gnu' },
    ]);
    const { seen } = await walk(tar);
    expect(seen.map((s) => s.header.path)).toEqual(['/' + long, '/' + long + '.gnu', '/link']);
    expect(seen[1]?.body).toBe('gnu');
    expect(seen[2]?.header.linkTarget).toBe('/' + 'x/'.repeat(80) + 'target');
  });

  it('joins the ustar prefix field, ignores that area in pre-ustar headers, and reads a name that fills its field', async () => {
    const rechecksum = (tar: Buffer): Buffer => {
      tar.fill(0x20, 148, 156);
      let sum = 0;
      for (let i = 0; i < 512; i += 1) sum += tar[i] ?? 0;
      tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      return tar;
    };
    const full = 'n'.repeat(100);
    const ustar = writeTar([{ name: 'n', content: 'x' }]);
    ustar.write(full, 0, 'latin1');
    ustar.fill(0, 345, 500);
    ustar.write('usr/share/déjà', 345, 'utf8');
    expect((await walk(rechecksum(ustar))).seen.map((s) => s.header.path)).toEqual([`/usr/share/déjà/${full}`]);
    // The same bytes without the ustar magic: an old (v7) header, whose bytes past 257 mean nothing.
    const v7 = Buffer.from(ustar);
    v7.fill(0, 257, 265);
    expect((await walk(rechecksum(v7))).seen.map((s) => s.header.path)).toEqual([`/${full}`]);
  });

  it('reads base-256 sizes', async () => {
    const { seen } = await walk(writeTar([{ name: 'f', content: 'abc', base256Size: true }]));
    expect(seen[0]).toMatchObject({ body: 'abc', header: { size: 3 } });
  });

  it('normalizes ./ prefixes and inner dot segments', async () => {
    const { seen } = await walk(writeTar([{ name: './etc/./x/../passwd', content: '' }]));
    expect(seen[0]?.header.path).toBe('/etc/passwd');
  });

  it('walks 100,000 tiny files', async () => {
    const entries: TarEntrySpec[] = [];
    for (let i = 0; i < 100_000; i += 1) entries.push({ name: `f/${i}`, content: 'x' });
    const { stats } = await walk(writeTar(entries), { chunk: 256 * 1024, want: () => 0 });
    expect(stats.entries).toBe(100_000);
  });

  describe('hostile archives', () => {
    it.each<[string, TarEntrySpec[], string]>([
      ['a ../ path', [{ name: '../../etc/cron.d/x', content: 'x' }], 'LAYER_PATH_ESCAPE'],
      ['an inner escape', [{ name: 'a/../../x', content: 'x' }], 'LAYER_PATH_ESCAPE'],
      ['an absolute path', [{ name: '/etc/passwd', content: 'x' }], 'LAYER_PATH_ESCAPE'],
      ['a hard link out of the root', [{ name: 'x', type: 'hardlink', linkTarget: '../../etc/shadow' }], 'LAYER_LINK_ESCAPE'],
      ['an absolute hard link', [{ name: 'x', type: 'hardlink', linkTarget: '/etc/shadow' }], 'LAYER_LINK_ESCAPE'],
    ])('rejects %s', async (_name, entries, code) => {
      expect(await codeOf(walk(writeTar(entries)))).toBe(code);
    });

    it('keeps symlinks out of the root as data (resolution clamps them later)', async () => {
      const { seen } = await walk(writeTar([{ name: 'x', type: 'symlink', linkTarget: '../../../../etc/shadow' }]));
      expect(seen[0]?.header.linkTarget).toBe('../../../../etc/shadow');
    });

    it('rejects a header claiming 10 TB before reading it', async () => {
      const tar = writeTar([{ name: 'huge', content: 'x', declaredSize: 10 * 1024 ** 4 }], { endBlocks: false });
      expect(await codeOf(walk(tar))).toBe('LIMIT_LAYER_SIZE');
    });

    it('reports a truncated body', async () => {
      const tar = writeTar([{ name: 'f', content: 'x'.repeat(5000) }]);
      expect(await codeOf(walk(tar.subarray(0, 2048)))).toBe('LAYER_TRUNCATED');
    });

    it('reports a truncated header', async () => {
      const tar = writeTar([{ name: 'f', content: 'x' }]);
      expect(await codeOf(walk(tar.subarray(0, 300)))).toBe('LAYER_TRUNCATED');
    });

    it('rejects garbage as corrupt', async () => {
      const garbage = Buffer.alloc(4096, 0x41);
      expect(await codeOf(walk(garbage))).toBe('LAYER_CORRUPT');
    });

    it('enforces the entry-count limit', async () => {
      const tar = writeTar([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      expect(await codeOf(walk(tar, { limits: { ...LIMITS, maxEntries: 2 } }))).toBe('LIMIT_ENTRY_COUNT');
    });

    it('rejects huge extended headers', async () => {
      const tar = writeTar([{ name: 'x'.repeat(2 * 1024 * 1024), content: '' }]);
      expect(await codeOf(walk(tar))).toBe('LIMIT_ENTRY_SIZE');
    });

    it('survives random corruption of a valid archive without hanging or throwing untyped errors', async () => {
      const base = writeTar([
        { name: 'etc/os-release', content: 'ID=debian\n' },
        { name: 'usr/'.repeat(30) + 'x', content: 'long' },
        { name: 'l', type: 'symlink', linkTarget: 'etc' },
      ]);
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      for (let round = 0; round < 300; round += 1) {
        const copy = Buffer.from(base);
        for (let k = 0; k < 4; k += 1) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        const code = await codeOf(walk(copy));
        expect(['no error', 'LAYER_CORRUPT', 'LAYER_TRUNCATED', 'LAYER_PATH_ESCAPE', 'LAYER_LINK_ESCAPE', 'LIMIT_LAYER_SIZE', 'LIMIT_ENTRY_SIZE']).toContain(code);
      }
    });
  });
});

describe('walkTar selection', () => {
  it('asks the visitor about every entry, and hands empty files an empty body', async () => {
    const asked: string[] = [];
    const bodies: (string | null)[] = [];
    await walkTar(
      (async function* () {
        yield writeTar([{ name: 'd', type: 'dir' }, { name: 'empty' }, { name: 'l', type: 'symlink', linkTarget: 'd' }]);
      })(),
      {
        bodyBytes: (h) => {
          asked.push(h.path);
          return 100;
        },
        entry: (_h, body) => {
          bodies.push(body === null ? null : body.toString());
        },
      },
      { maxEntries: 10, maxBytes: 1 << 20 },
    );
    expect(asked).toEqual(['/d', '/empty', '/l']);
    expect(bodies).toEqual([null, '', null]);
  });
});
