// The decompression floor: read every layer blob of an OCI layout and decompress it, nothing else.
// Node zlib with the scan's own 512 KiB chunkSize (INFLATE_CHUNK_BYTES, layers/layer-stream.ts) and 1 MiB
// reads, Node's built-in zstd. (1 MiB chunks measured no faster here: gzip 1.12-1.19 s against 1.16-1.17.)
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';

const layout = process.argv[2];
const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
const blob = (digest) => join(layout, 'blobs', ...digest.split(':'));
const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
let bytes = 0;
for (const layer of manifest.layers) {
  const zstd = layer.mediaType.endsWith('+zstd');
  const decoder = zstd ? zlib.createZstdDecompress({ chunkSize: 512 * 1024 }) : zlib.createGunzip({ chunkSize: 512 * 1024 });
  const source = createReadStream(blob(layer.digest), { highWaterMark: 1024 * 1024 });
  source.pipe(decoder);
  for await (const chunk of decoder) bytes += chunk.length;
}
process.stdout.write(`${bytes}\n`);
