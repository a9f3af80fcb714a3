#!/usr/bin/env node
// The installed command. npm links a package's bin when the package is installed, which in this
// repository is before `npm run build` has written dist/: a link to dist/main.js would be skipped
// and `npx sekisho` would not exist. This file is always there, so the link is always made.
//
// It runs the bundle the build writes (dist/bundle/, scripts/bundle-cli.mjs: a scan's start-up
// loads ~40 files instead of ~330 modules), or the unbundled dist/main.js when no bundle is there.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const main = existsSync(bundled) ? bundled : new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sekisho: error: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(2);
}
await import(main.href);
