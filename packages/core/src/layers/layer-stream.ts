import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { SekishoError } from '../errors.js';
import { bufferReaper } from '../util/buffer-reaper.js';
import { ZstdFrameTracker } from './zstd-frames.js';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression by magic bytes, never by media type alone (registries and tools mislabel layers). */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export interface LayerStreamLimits {
  /** Most decompressed bytes in one layer. */
  readonly maxBytes: number;
  /** Past `ratioFloorBytes` of output, the most output bytes per input byte (decompression bombs). */
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
}

/** The bounds layers (and compressed archives, inflated to a temp file) are read with unless options change them. */
export const DEFAULT_STREAM_LIMITS: LayerStreamLimits = {
  maxBytes: 64 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 256 * 1024 ** 2,
};

export interface LayerDigests {
  readonly compression: Compression;
  /** `sha256:` of the bytes as stored (the blob digest). */
  readonly digest: string;
  /** `sha256:` of the decompressed tar (the diffID). */
  readonly diffId: string;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
}

export interface LayerStream {
  /** The decompressed tar bytes. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Valid once `chunks` has been read to its end. */
  digests(): LayerDigests;
}

export interface LayerStreamOptions {
  /**
   * The source fails with an INTEGRITY_* error, before its last byte, unless it yields exactly the
   * bytes of `expectedDigest` (LayerRef.digestBound: a registry blob stream): the stored bytes are
   * not hashed again, and the digest reported is that one.
   */
  readonly sourceChecksDigest?: boolean;
  /**
   * The digest of the stored bytes, computed elsewhere from the same bytes (scan/hash-aside.ts):
   * they are then not hashed here. Awaited once the last byte has been read.
   */
  readonly storedDigest?: Promise<string>;
}

/**
 * Large output chunks: Node's 16 KiB zlib default costs 2.5× on this workload (perf-anchors §2a).
 * The inflater on the thread pool starts its next chunk only once the main thread has taken the
 * last one, so every chunk is a round trip; 512 KiB instead of 256 halves them. Cold `sbom`
 * (three interleaved rounds, `/usr/bin/time`): the gzip bench image 1.82-1.85 → 1.75-1.76 s,
 * zstd 1.41-1.45 → 1.36-1.39 s, debian-app 0.94-0.97 → 0.88-0.93 s, the 200,000-file image
 * 1.61 → 1.53-1.57 s, peak RSS within 0-10 MB; 1 MiB was no faster than 512 KiB and held 10 MB more.
 */
export const INFLATE_CHUNK_BYTES = 512 * 1024;

/**
 * One pass over a layer blob: hash the stored bytes, decompress (gzip, zstd or none), hash the
 * tar bytes, and hand them on — nothing is buffered or written to disk.
 */
/**
 * @param expectedDigest the blob digest the manifest states (`sha256:…`), when it has one: if the
 *   stored bytes fail to decompress, the rest of the blob is read and hashed first, so a blob that
 *   is not the one the manifest names is reported as a digest mismatch (integrity), whatever its
 *   bytes happen to decode to — the same answer however the layer was read.
 */
export function openLayerStream(source: AsyncIterable<Buffer>, limits: LayerStreamLimits, expectedDigest: string | null = null, options: LayerStreamOptions = {}): LayerStream {
  let result: LayerDigests | null = null;
  // A source that checks the digest itself ends in an INTEGRITY_* error before its last byte
  // unless the bytes are those of `expectedDigest`: hashing them again here is work done twice.
  // Or something else measures the stored bytes (scan/hash-aside.ts): either way, their digest.
  const knownDigest = options.sourceChecksDigest === true && expectedDigest?.startsWith('sha256:') === true ? Promise.resolve(expectedDigest) : (options.storedDigest ?? null);
  const hashStored = knownDigest === null;
  async function* run(): AsyncGenerator<Buffer> {
    const compressedHash = createHash('sha256');
    const diffHash = createHash('sha256');
    let compressedBytes = 0;
    let uncompressedBytes = 0;
    const iterator = source[Symbol.asyncIterator]();
    const first = await iterator.next();
    const head = first.done === true ? Buffer.alloc(0) : first.value;
    const compression = sniffCompression(head);
    // Some decoders end quietly where a zstd stream is cut short (zstd-frames.ts): its frames say so.
    const frames = compression === 'zstd' ? new ZstdFrameTracker() : null;

    async function* stored(): AsyncGenerator<Buffer> {
      if (head.length > 0) {
        frames?.push(head);
        if (hashStored) compressedHash.update(head);
        compressedBytes += head.length;
        yield head;
      }
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        frames?.push(next.value);
        if (hashStored) compressedHash.update(next.value);
        compressedBytes += next.value.length;
        yield next.value;
      }
    }

    const decoding = compression === 'none' ? null : decompress(stored(), compression);
    // Inflated chunks are new buffers, dead once walked (util/buffer-reaper.ts).
    const reap = decoding === null ? null : bufferReaper();
    const output: AsyncIterable<Buffer> = decoding === null ? stored() : decoding.output;
    try {
      for await (const chunk of output) {
        uncompressedBytes += chunk.length;
        if (uncompressedBytes > limits.maxBytes) {
          throw new SekishoError('LIMIT_LAYER_SIZE', `layer expands beyond ${limits.maxBytes} bytes`);
        }
        if (uncompressedBytes > limits.ratioFloorBytes && uncompressedBytes > compressedBytes * limits.maxRatio) {
          throw new SekishoError('LIMIT_LAYER_SIZE', `layer expands more than ${limits.maxRatio}× (${compressedBytes} → ${uncompressedBytes} bytes so far): decompression bomb`);
        }
        // An uncompressed blob is its own tar: one hash serves as digest and diffID.
        if (decoding !== null) diffHash.update(chunk);
        yield chunk;
        reap?.(chunk.length);
      }
      const cut = frames?.incomplete() ?? null;
      if (cut !== null) throw new SekishoError('LAYER_TRUNCATED', `zstd stream is truncated: ${cut}`);
    } catch (error) {
      if (decoding !== null && expectedDigest?.startsWith('sha256:') === true && error instanceof SekishoError && (error.code === 'LAYER_TRUNCATED' || error.code === 'LAYER_CORRUPT')) {
        // The pump has stopped feeding the decoder once this resolves: the iterator is ours alone.
        await decoding.pumped;
        for (;;) {
          if (compressedBytes > limits.maxBytes) break;
          // A source that checks the digest throws INTEGRITY_* here if the blob is not the one named.
          const next = await iterator.next();
          if (next.done === true) break;
          if (hashStored) compressedHash.update(next.value);
          compressedBytes += next.value.length;
        }
        const actual = knownDigest === null ? `sha256:${compressedHash.digest('hex')}` : await knownDigest;
        if (actual !== expectedDigest)
          throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `layer blob digest mismatch: expected ${expectedDigest}, got ${actual} (the blob also fails to decompress)`, { cause: error });
      }
      throw error;
    } finally {
      await iterator.return?.();
    }
    const digest = knownDigest === null ? `sha256:${compressedHash.digest('hex')}` : await knownDigest;
    result = {
      compression,
      digest,
      diffId: decoding === null ? digest : `sha256:${diffHash.digest('hex')}`,
      compressedBytes,
      uncompressedBytes,
    };
  }
  return {
    chunks: run(),
    digests() {
      if (result === null) throw new SekishoError('INTERNAL', 'layer digests read before the stream ended');
      return result;
    },
  };
}

/**
 * Feed the stored bytes to the decoder from a separate pump so that reading, hashing and
 * inflating (on libuv's thread pool) overlap with the tar walk on the main thread. The input
 * chunks are lent (LayerRef.openBlob): the decoder holds at most two, the one it inflates and the
 * next, and the pump asks for another only once the decoder is done with the one before.
 */
function decompress(input: AsyncIterable<Buffer>, compression: 'gzip' | 'zstd'): { readonly output: AsyncIterable<Buffer>; readonly pumped: Promise<void> } {
  const options = { chunkSize: INFLATE_CHUNK_BYTES };
  const decoder = compression === 'gzip' ? zlib.createGunzip(options) : zlib.createZstdDecompress(options);
  // When the consumer stops early the decoder is destroyed: stop waiting and close the input.
  const closed = new AbortController();
  decoder.once('close', () => closed.abort());
  const written = (chunk: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const onClose = (): void => reject(new Error('decoder closed'));
      closed.signal.addEventListener('abort', onClose, { once: true });
      decoder.write(chunk, (error) => {
        closed.signal.removeEventListener('abort', onClose);
        if (error === null || error === undefined) resolve();
        else reject(error);
      });
    });
  const pump = async (): Promise<void> => {
    let previous: Promise<void> | null = null;
    try {
      for await (const chunk of input) {
        if (decoder.destroyed) return;
        const current = written(chunk);
        current.catch(() => undefined);
        if (previous !== null) await previous;
        previous = current;
      }
      if (previous !== null) await previous;
      decoder.end();
    } catch (error) {
      if (!decoder.destroyed) decoder.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const pumped = pump();
  return { output: mapErrors(decoder, compression), pumped };
}

async function* mapErrors(decoder: AsyncIterable<Buffer>, compression: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of decoder) yield chunk;
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    const code = (error as { code?: string }).code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
      throw new SekishoError('LAYER_TRUNCATED', `${compression} stream is truncated`, { cause: error });
    }
    throw new SekishoError('LAYER_CORRUPT', `${compression} stream is corrupt: ${message}`, { cause: error });
  }
}
