// Copies the non-TypeScript files modules read at run time (YARA rules) from src/ to dist/,
// after `tsc -b`, which only emits JavaScript.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const ASSET = /\.(yar|sql)$/;

function copyAssets(pkg) {
  const src = join(ROOT, 'packages', pkg, 'src');
  const dist = join(ROOT, 'packages', pkg, 'dist');
  let count = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (ASSET.test(entry.name)) {
        const target = join(dist, relative(src, full));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(full, target);
        count += 1;
      }
    }
  };
  walk(src);
  return count;
}

// Migrations are a numbered set: a file renamed or removed in src must not linger in dist.
rmSync(join(ROOT, 'packages', 'server', 'dist', 'repository', 'migrations'), { recursive: true, force: true });
const copied = ['core', 'server'].reduce((sum, pkg) => sum + copyAssets(pkg), 0);
if (copied === 0) throw new Error('copy-assets: no assets found (expected the YARA rules)');

// core's code fingerprint (packages/core/src/build-fingerprint.ts): every emitted module and asset,
// in path order, so any change to what core runs changes the cache keys.
const coreDist = join(ROOT, 'packages', 'core', 'dist');
const FINGERPRINT = 'build-fingerprint.json';
const files = [];
const collect = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) collect(full);
    else if (/\.(js|yar|json)$/.test(entry.name) && entry.name !== FINGERPRINT) files.push(relative(coreDist, full));
  }
};
collect(coreDist);
files.sort();
const hash = createHash('sha256');
for (const file of files)
  hash
    .update(file)
    .update('\0')
    .update(readFileSync(join(coreDist, file)))
    .update('\0');
writeFileSync(join(coreDist, FINGERPRINT), `${JSON.stringify({ fingerprint: hash.digest('hex'), files: files.length })}\n`);
