import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZstdFrameTracker } from './zstd-frames.js';

const { ZSTD_c_checksumFlag, ZSTD_c_contentSizeFlag, ZSTD_c_compressionLevel, ZSTD_c_windowLog } = zlib.constants;

/** Text that compresses, bytes that do not (raw blocks) and a run of one byte (RLE blocks). */
function payload(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let x = 2463534242;
  for (let i = 0; i < size; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const third = Math.floor((3 * i) / size);
    bytes[i] = third === 0 ? 97 + ((x >>> 0) % 6) : third === 1 ? x & 0xff : 7;
  }
  return bytes;
}

function skippable(content: Buffer, variant = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a50 + variant, 0);
  head.writeUInt32LE(content.length, 4);
  return Buffer.concat([head, content]);
}

function track(bytes: Buffer, chunk = bytes.length): string | null {
  const tracker = new ZstdFrameTracker();
  for (let at = 0; at < bytes.length; at += chunk) tracker.push(bytes.subarray(at, at + chunk));
  return tracker.incomplete();
}

const data = payload(600_000);
const streams: [string, Buffer][] = [
  ['default parameters', zlib.zstdCompressSync(data)],
  ['with a content checksum', zlib.zstdCompressSync(data, { params: { [ZSTD_c_checksumFlag]: 1 } })],
  ['without the content size', zlib.zstdCompressSync(data, { params: { [ZSTD_c_contentSizeFlag]: 0 } })],
  ['level 19, a small window (more blocks)', zlib.zstdCompressSync(data, { params: { [ZSTD_c_compressionLevel]: 19, [ZSTD_c_windowLog]: 10 } })],
  ['a small frame (single segment)', zlib.zstdCompressSync(Buffer.from('hello, world\n'))],
  ['an empty frame', zlib.zstdCompressSync(Buffer.alloc(0))],
  ['two frames', Buffer.concat([zlib.zstdCompressSync(data), zlib.zstdCompressSync(data.subarray(0, 1000), { params: { [ZSTD_c_checksumFlag]: 1 } })])],
  ['skippable frames around a frame', Buffer.concat([skippable(Buffer.from('metadata')), zlib.zstdCompressSync(data), skippable(Buffer.alloc(0), 15)])],
];

describe('ZstdFrameTracker', () => {
  it.each(streams)('finds the end of %s where the decoder does', (_, stream) => {
    // The decoder reads these streams whole: they are the shapes it accepts.
    expect(zlib.zstdDecompressSync(stream).length).toBeGreaterThanOrEqual(0);
    expect(track(stream)).toBeNull();
    expect(track(stream, 1)).toBeNull();
    expect(track(stream, 4099)).toBeNull();
  });

  it.each(streams)('finds %s cut short anywhere', (_, stream) => {
    const cuts = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 17, Math.floor(stream.length / 2), stream.length - 4, stream.length - 3, stream.length - 1]);
    for (const cut of cuts) {
      if (cut <= 0 || cut >= stream.length) continue;
      expect(track(stream.subarray(0, cut)), `cut at ${cut} of ${stream.length}`).not.toBeNull();
    }
  });

  it('says where a stream stops', () => {
    const stream = zlib.zstdCompressSync(data, { params: { [ZSTD_c_checksumFlag]: 1 } });
    expect(track(stream.subarray(0, 2))).toBe('the stream ends inside a frame magic number');
    expect(track(stream.subarray(0, 5))).toBe('the stream ends inside a frame header');
    expect(track(stream.subarray(0, stream.length - 2))).toBe("the stream ends inside a frame's last block or its checksum");
    expect(track(skippable(Buffer.from('metadata')).subarray(0, 10))).toBe('the stream ends inside a skippable frame');
  });

  it('passes no judgement on bytes that begin no zstd frame', () => {
    expect(track(Buffer.from('not a zstd stream at all'))).toBeNull();
    // A frame header with its reserved bit set: the decoder refuses it, the tracker stops following.
    const reserved = Buffer.from(zlib.zstdCompressSync(data));
    reserved[4] = (reserved[4] ?? 0) | 0x08;
    expect(track(reserved.subarray(0, 40))).toBeNull();
  });
});
