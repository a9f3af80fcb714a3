import { describe, expect, it } from 'vitest';
import { parseRpmHeaderBlob, RPMTAG, type RpmHeaderResult } from './rpm-header.js';
import { buildHeaderBlob, prng, type TagValue } from './test-builders.js';

const str = (value: string): TagValue => ({ type: 'string', value });
const strs = (...values: string[]): TagValue => ({ type: 'strings', values });
const i32 = (...values: number[]): TagValue => ({ type: 'int32', values });

const baseTags: Array<readonly [number, TagValue]> = [
  [RPMTAG.name, str('bash')],
  [RPMTAG.version, str('5.1.8')],
  [RPMTAG.release, str('9.el9')],
  [RPMTAG.epoch, i32(1)],
  [RPMTAG.size, i32(7_738_646)],
  [RPMTAG.vendor, str('Red Hat, Inc.')],
  [RPMTAG.license, str('GPLv3+')],
  [RPMTAG.arch, str('x86_64')],
  [RPMTAG.sourceRpm, str('bash-5.1.8-9.el9.src.rpm')],
  [RPMTAG.dirIndexes, i32(0, 1, 1)],
  [RPMTAG.baseNames, strs('bash', 'README', 'COPYING')],
  [RPMTAG.dirNames, strs('/usr/bin/', '/usr/share/doc/bash/')],
];

function ok(result: RpmHeaderResult) {
  if (!result.ok) throw new Error(`expected a parsed header, got: ${result.error}`);
  return result.entry;
}

function err(result: RpmHeaderResult): string {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('parseRpmHeaderBlob', () => {
  it('reads the package fields and joins the file list', () => {
    const entry = ok(parseRpmHeaderBlob(buildHeaderBlob(baseTags, { region: true })));
    expect(entry).toEqual({
      name: 'bash',
      version: '5.1.8',
      release: '9.el9',
      epoch: 1,
      arch: 'x86_64',
      sourceRpm: 'bash-5.1.8-9.el9.src.rpm',
      vendor: 'Red Hat, Inc.',
      license: 'GPLv3+',
      size: 7_738_646,
      modularityLabel: null,
      files: ['/usr/bin/bash', '/usr/share/doc/bash/README', '/usr/share/doc/bash/COPYING'],
    });
  });

  it('gives null for absent optional tags and an empty file list', () => {
    const entry = ok(
      parseRpmHeaderBlob(
        buildHeaderBlob([
          [RPMTAG.name, str('gpg-pubkey')],
          [RPMTAG.version, str('fd431d51')],
        ]),
      ),
    );
    expect(entry).toMatchObject({ name: 'gpg-pubkey', version: 'fd431d51', release: '', epoch: null, arch: null, size: null, files: [] });
  });

  it('reads the C-locale value of an i18n string and the modularity label', () => {
    const entry = ok(
      parseRpmHeaderBlob(
        buildHeaderBlob([
          [RPMTAG.name, str('nodejs')],
          [RPMTAG.license, { type: 'i18n', values: ['MIT', 'MIT (fr)'] }],
          [RPMTAG.modularityLabel, str('nodejs:18:9000020230809:rhel9')],
        ]),
      ),
    );
    expect(entry.license).toBe('MIT');
    expect(entry.modularityLabel).toBe('nodejs:18:9000020230809:rhel9');
  });

  it('uses LONGSIZE when SIZE is absent', () => {
    const entry = ok(
      parseRpmHeaderBlob(
        buildHeaderBlob([
          [RPMTAG.name, str('big')],
          [RPMTAG.longSize, { type: 'int64', values: [5_000_000_000n] }],
        ]),
      ),
    );
    expect(entry.size).toBe(5_000_000_000);
  });

  it('falls back to OLDFILENAMES in legacy headers', () => {
    const entry = ok(
      parseRpmHeaderBlob(
        buildHeaderBlob([
          [RPMTAG.name, str('old')],
          [RPMTAG.oldFilenames, strs('/bin/sh', '/etc/x')],
        ]),
      ),
    );
    expect(entry.files).toEqual(['/bin/sh', '/etc/x']);
  });

  it('lets entries after the region (dribbles) replace region entries', () => {
    const blob = buildHeaderBlob(
      [
        [RPMTAG.name, str('pkg')],
        [RPMTAG.release, str('1')],
      ],
      {
        region: true,
        dribbles: [[RPMTAG.release, str('2')]],
      },
    );
    expect(ok(parseRpmHeaderBlob(blob)).release).toBe('2');
  });

  describe('hostile input', () => {
    const good = buildHeaderBlob(baseTags, { region: true });

    it('rejects every truncation of a valid blob without throwing', () => {
      for (let len = 0; len < good.length; len++) {
        expect(parseRpmHeaderBlob(good.subarray(0, len)).ok).toBe(false);
      }
    });

    it('rejects index counts and data lengths that point past the end', () => {
      const huge = good.slice();
      new DataView(huge.buffer).setUint32(0, 0x7fffffff);
      expect(err(parseRpmHeaderBlob(huge))).toMatch(/over limit/);
      const long = good.slice();
      new DataView(long.buffer).setUint32(4, 0xffffffff);
      expect(err(parseRpmHeaderBlob(long))).toMatch(/data bytes/);
      expect(err(parseRpmHeaderBlob(new Uint8Array(8)))).toMatch(/no index entries/);
    });

    const mutateEntry = (tag: number, field: 'type' | 'offset' | 'count', value: number): Uint8Array => {
      const copy = good.slice();
      const view = new DataView(copy.buffer);
      const il = view.getUint32(0);
      for (let i = 0; i < il; i++) {
        if (view.getInt32(8 + i * 16) === tag) {
          const at = 8 + i * 16 + { type: 4, offset: 8, count: 12 }[field];
          view.setUint32(at, value);
        }
      }
      return copy;
    };

    it('rejects bad offsets, counts, types and alignment', () => {
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.name, 'offset', 0x7fff0000)))).toMatch(/outside data/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.name, 'offset', 0xfffffff0)))).toMatch(/outside data/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.dirIndexes, 'count', 0x40000000)))).toMatch(/bad count|past the data/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.dirIndexes, 'count', 100)))).toMatch(/past the data/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.name, 'type', 42)))).toMatch(/unknown type/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.epoch, 'offset', 2)))).toMatch(/misaligned/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.name, 'type', 4)))).toMatch(/expected a string/);
    });

    it('rejects unterminated strings and string arrays longer than the data', () => {
      const unterminated = buildHeaderBlob([[RPMTAG.name, str('x')]]);
      unterminated[unterminated.length - 1] = 0x41;
      expect(err(parseRpmHeaderBlob(unterminated))).toMatch(/not terminated/);
      expect(err(parseRpmHeaderBlob(mutateEntry(RPMTAG.baseNames, 'count', 20)))).toMatch(/not terminated|directory indexes/);
    });

    it('rejects directory indexes that do not match the base names', () => {
      const outOfRange = buildHeaderBlob([
        [RPMTAG.name, str('x')],
        [RPMTAG.dirIndexes, i32(0, 7)],
        [RPMTAG.baseNames, strs('a', 'b')],
        [RPMTAG.dirNames, strs('/')],
      ]);
      expect(err(parseRpmHeaderBlob(outOfRange))).toMatch(/out of range/);
      const mismatch = buildHeaderBlob([
        [RPMTAG.name, str('x')],
        [RPMTAG.dirIndexes, i32(0)],
        [RPMTAG.baseNames, strs('a', 'b')],
        [RPMTAG.dirNames, strs('/')],
      ]);
      expect(err(parseRpmHeaderBlob(mismatch))).toMatch(/2 base names but 1/);
    });

    it('rejects a header without a name', () => {
      expect(err(parseRpmHeaderBlob(buildHeaderBlob([[RPMTAG.version, str('1')]])))).toMatch(/no NAME/);
    });

    it('never throws on randomly corrupted blobs', () => {
      const random = prng(20_241_122);
      let parsed = 0;
      for (let round = 0; round < 3000; round++) {
        const copy = good.slice();
        const flips = 1 + Math.floor(random() * 8);
        for (let f = 0; f < flips; f++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        const result = parseRpmHeaderBlob(copy);
        if (result.ok) parsed++;
      }
      // Some mutations land in string bytes and still parse; most break a structural field.
      expect(parsed).toBeGreaterThan(0);
      expect(parsed).toBeLessThan(3000);
    });
  });
});
