// Writes a synthetic (labelled) image with 200,000 small files: a node_modules tree of 20,000
// packages × 10 files, in one gzip layer, as an OCI layout. Used by bench/run.mjs.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { writeTar } from '../packages/testkit/dist/index.js';

const out = process.argv[2];
const entries = [];
for (let p = 0; p < 20_000; p += 1) {
  const dir = `app/node_modules/${p % 10 === 0 ? `@scope${p % 100}/` : ''}pkg-${p}`;
  entries.push({
    name: `${dir}/package.json`,
    content: JSON.stringify({ name: `${p % 10 === 0 ? `@scope${p % 100}/` : ''}pkg-${p}`, version: `1.${p % 50}.${p % 7}`, license: 'MIT', dependencies: { [`pkg-${(p + 1) % 20_000}`]: '^1.0.0' } }),
  });
  for (let f = 0; f < 9; f += 1) entries.push({ name: `${dir}/lib/file-${f}.js`, content: `module.exports = ${p * 10 + f};\n` });
}
const tar = writeTar(entries);
const gz = zlib.gzipSync(tar, { level: 6 });
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const config = Buffer.from(
  JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(tar)] }, history: [{ created_by: 'synthetic: 20,000 npm packages × 10 files' }] }),
);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length }],
  }),
);
mkdirSync(join(out, 'blobs/sha256'), { recursive: true });
for (const blob of [gz, config, manifest]) writeFileSync(join(out, 'blobs/sha256', sha(blob).slice(7)), blob);
writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length }] }));
console.log(`many-files image: ${entries.length} files, ${(tar.length / 1e6).toFixed(0)} MB tar, ${(gz.length / 1e6).toFixed(1)} MB gzip`);
