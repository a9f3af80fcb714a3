/**
 * Property: for any sequence of zstd frames (any content, compression level, window, checksum and
 * content-size flags) and skippable frames, fed in any chunking, the tracker finds the end exactly
 * where the stream ends and nowhere before it: every proper prefix that does not itself end on a
 * frame boundary is reported as cut short. SEKISHO_FUZZ_RUNS sets the number of runs (`npm run fuzz`).
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../testing/fuzz.js';
import { ZstdFrameTracker } from './zstd-frames.js';

const { ZSTD_c_checksumFlag, ZSTD_c_contentSizeFlag, ZSTD_c_compressionLevel, ZSTD_c_windowLog } = zlib.constants;

const content = fc.oneof(
  fc.uint8Array({ maxLength: 40_000 }),
  fc.record({ byte: fc.integer({ min: 0, max: 255 }), length: fc.integer({ min: 0, max: 300_000 }) }).map(({ byte, length }) => new Uint8Array(length).fill(byte)),
  fc.array(fc.constantFrom('usr/lib/', 'libc.so.6', '\0\0\0\0', 'package.json', '{"name":"x"}'), { maxLength: 4000 }).map((words) => Buffer.from(words.join(''))),
);

const frame = fc
  .record({
    content,
    level: fc.integer({ min: 1, max: 19 }),
    windowLog: fc.integer({ min: 10, max: 20 }),
    checksum: fc.boolean(),
    contentSize: fc.boolean(),
  })
  .map(({ content: bytes, level, windowLog, checksum, contentSize }) =>
    zlib.zstdCompressSync(bytes, {
      params: { [ZSTD_c_compressionLevel]: level, [ZSTD_c_windowLog]: windowLog, [ZSTD_c_checksumFlag]: checksum ? 1 : 0, [ZSTD_c_contentSizeFlag]: contentSize ? 1 : 0 },
    }),
  );

const skippable = fc.record({ variant: fc.integer({ min: 0, max: 15 }), body: fc.uint8Array({ maxLength: 64 }) }).map(({ variant, body }) => {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a50 + variant, 0);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
});

function feed(stream: Buffer, cuts: readonly number[]): string | null {
  const tracker = new ZstdFrameTracker();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    tracker.push(stream.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  tracker.push(stream.subarray(at));
  return tracker.incomplete();
}

describe('ZstdFrameTracker (property)', () => {
  it('ends exactly where a stream of frames ends, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 3, arbitrary: frame }, { weight: 1, arbitrary: skippable }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat(),
        (parts, rawCuts, rawPrefix) => {
          const stream = Buffer.concat(parts);
          // The decoder reads the whole stream: it is a shape zstd accepts.
          zlib.zstdDecompressSync(stream);
          const cuts = rawCuts.map((c) => c % (stream.length + 1));
          expect(feed(stream, cuts)).toBeNull();
          const boundaries = new Set<number>();
          let end = 0;
          for (const part of parts) boundaries.add((end += part.length));
          const prefix = rawPrefix % stream.length;
          if (prefix > 0 && !boundaries.has(prefix))
            expect(
              feed(
                stream.subarray(0, prefix),
                cuts.filter((c) => c <= prefix),
              ),
            ).not.toBeNull();
        },
      ),
      fuzzParameters(150),
    );
  });
});
