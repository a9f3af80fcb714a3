#!/bin/sh
":" //; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1} exec node --max-semi-space-size=2 "$0" "$@"
// The installed command: a shell line that starts Node with the flags below, then this module.
//
// --max-semi-space-size=2 caps V8's young generation at 2 MiB per semi-space. Left to itself V8
// grows it while a scan allocates fast, and the pages stay resident: peak RSS of a cold `sbom` of
// the 200,000-file bench image was 311-325 MB with the default and 222-232 MB with a cap of 8, of
// the debian-node fixture 223 MB and 155-200 MB, in the same time (`/usr/bin/time`, interleaved).
// 4 instead of 8 took 3-10 MB more off every fixture image (debian-node 149-152 → 141-143 MB,
// distroless 108 → 104) at the same times. 2 instead of 4, once a scan allocated less per tar entry
// (fewer minor collections left dead buffers resident longer): the small images, whose peak RSS is
// what nears three times Trivy's, distroless 81 → 74-77 MB, debian-jars-go 105-107 → 101-102,
// compare-after 74-75 → 71; the large ones, far from it, debian-node 125-129 → 130 and the
// 200,000-file image 196-199 → 202-208 MB; times within the noise (medians of six alternating
// runs: 200,000 files 1.96 → 1.84 s, the gzip bench image 1.62 → 1.65 s). V8 takes it only on the
// command line, and a `#!/usr/bin/env -S node …` line is not portable (BusyBox env has no -S),
// hence the shell line; `node bin/sekisho.js` runs without it.
//
// MALLOC_ARENA_MAX=1 (glibc; other C libraries ignore it, and a value the user set is kept): glibc
// gives each thread that allocates its own malloc arena, and a scan runs several (the thread pool
// that inflates and reads, V8's compiler and collector threads), each arena holding pages of its
// own. One arena took 7-15 MB off peak RSS (bench image 148 → 135 MB, debian-node docker-archive
// 146 → 131, distroless 102 → 96; two arenas about half that) with no change in time
// (`/usr/bin/time`, five interleaved rounds each). Child processes inherit it.
//
// No --expose-gc, though a scan asks for a minor collection every 16 MiB of inflated layer bytes
// (packages/core/src/util/buffer-reaper.ts: the buffers zlib hands out die young, and without it
// they pile up until V8 runs full collections for them). On the command line that flag changes
// V8's flag hash, which refuses the code cache of Node's own modules built into the binary: every
// start compiled them again (`--version` 53 → 71 ms); --max-semi-space-size does not count. The
// CLI exposes gc at run time instead, when a layer first needs it (main.ts, allowRuntimeGc).
// Nothing else calls gc(); scanned content is never run, so nothing else can.
//
// npm links a package's bin when the package is installed, which in this repository is before
// `npm run build` has written dist/: a link to dist/main.js would be skipped and `npx sekisho`
// would not exist. This file is always there, so the link is always made. It runs the bundle the
// build writes (dist/bundle/, scripts/bundle-cli.mjs: a scan's start-up loads ~40 files instead of
// ~330 modules), or the unbundled dist/main.js when no bundle is there.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const main = existsSync(bundled) ? bundled : new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sekisho: error: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(2);
}
await import(main.href);
