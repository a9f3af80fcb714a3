// The decompression floor: read every layer blob of an OCI layout and decompress it, nothing else.
// Node zlib with a 256 KiB chunkSize and 1 MiB reads (perf-anchors §2a), Node's built-in zstd.
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
  const decoder = zstd ? zlib.createZstdDecompress({ chunkSize: 256 * 1024 }) : zlib.createGunzip({ chunkSize: 256 * 1024 });
  const source = createReadStream(blob(layer.digest), { highWaterMark: 1024 * 1024 });
  source.pipe(decoder);
  for await (const chunk of decoder) bytes += chunk.length;
}
process.stdout.write(`${bytes}\n`);
