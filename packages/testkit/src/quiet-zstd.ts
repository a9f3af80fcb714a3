import { Transform } from 'node:stream';
import type zlib from 'node:zlib';

/**
 * node:zlib with a zstd decoder that behaves as Node 22's does: where its input stops inside a
 * frame it hands on what it could decode and ends without an error (Node 24's reports "unexpected
 * end of file"). For `vi.mock('node:zlib', …)`, so that the tests, which run on the pinned Node,
 * show how the code answers a decoder on the oldest supported one.
 */
export function withQuietZstd(real: typeof zlib): typeof zlib {
  const createZstdDecompress = (options?: zlib.ZstdOptions): Transform => {
    const input: Buffer[] = [];
    return new Transform({
      transform(chunk: Buffer, _encoding, done) {
        // A copy: the caller may lend its chunks (LayerRef.openBlob) and write over them later.
        input.push(Buffer.from(chunk));
        done();
      },
      flush(done) {
        const decoder = real.createZstdDecompress(options);
        decoder.on('data', (chunk: Buffer) => this.push(chunk));
        decoder.on('error', (error: NodeJS.ErrnoException) => (error.code === 'Z_BUF_ERROR' ? done() : done(error)));
        decoder.on('end', () => done());
        decoder.end(Buffer.concat(input));
      },
    });
  };
  return { ...real, createZstdDecompress } as typeof zlib;
}
