// Copies the non-TypeScript files modules read at run time (YARA rules) from src/ to dist/,
// after `tsc -b`, which only emits JavaScript.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
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
