import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import zlib from 'node:zlib';

/*
 * How cache entries (layer results, image inventories) are stored: V8's structured-clone
 * serialization, zstd-compressed, behind a sha256 of the compressed bytes. JSON cost a cold scan's
 * cache write most of its time: the bench image's 5.7 MB layer result took 150-205 ms to
 * stringify, encode and compress in a fresh process, 51-76 ms serialized this way (reading back:
 * 100-135 ms and 95-125 ms); entries come out ~20% larger. Node documents the format as
 * backward-compatible, safe to store on disk. The digest makes any damaged or truncated entry a
 * miss before the decompressor or the deserializer sees a byte of it (zstd's own checksum leaves
 * parts of the frame header unchecked).
 */

const DIGEST_BYTES = 32;
const COMPRESSION = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } };

const digestOf = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

export function encodeCacheValue(value: unknown): Buffer {
  const body = zlib.zstdCompressSync(serialize(value), COMPRESSION);
  return Buffer.concat([digestOf(body), body]);
}

/** The stored value; throws on a damaged, truncated or foreign entry (callers treat that as a miss). */
export function decodeCacheValue(bytes: Uint8Array): unknown {
  const stored = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = stored.subarray(DIGEST_BYTES);
  if (stored.length <= DIGEST_BYTES || !digestOf(body).equals(stored.subarray(0, DIGEST_BYTES))) throw new Error('cache entry is damaged');
  // Large output chunks: the default 16 KiB ones cost a copy each when joined.
  return deserialize(zlib.zstdDecompressSync(body, { chunkSize: 1 << 20 }));
}
