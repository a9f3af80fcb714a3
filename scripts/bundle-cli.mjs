// Bundles the built CLI (packages/cli/dist/main.js, the workspace packages it imports, and the
// small pure-JavaScript libraries a scan loads) into a few files in packages/cli/dist/bundle/,
// which bin/sekisho.js runs. Other libraries (the server's framework, drivers, loggers, sigstore,
// undici, native addons) stay external and load from node_modules as they would unbundled: some
// find files or start workers beside their own sources, and none of them is on a scan's path.
//
// Why: Node resolves, stats and reads every ES module separately. A warm `sbom` of the example
// loaded 327 modules (173 of core, 95 of zod); module loading was a third of its 0.29 s. Bundled,
// it loads ~40 files and takes ~0.20 s (`/usr/bin/time node bin/sekisho.js -q sbom …`, warm cache).
// Code split at every dynamic import keeps commands and heavy libraries loaded only when used.
//
// The output is ASCII (non-ASCII characters in strings and regexes escaped; JSDoc comments, which
// hold most of them, and bundler annotations dropped; licence comments kept): one non-ASCII
// character makes V8 decode a whole module as UTF-8 into a two-byte string. Decoding the 610 KB
// scan chunk took 10 ms that way against 2.3 ms as ASCII; importing it 159 → 151 ms, a warm `sbom`
// of debian-node 312 → 307 ms (hyperfine, 30 runs each, on a machine where `node -e 0` takes 80 ms).
//
// Modules that find files beside themselves (`import.meta.url` / `import.meta.dirname`: YARA
// rules, SQL migrations, the build fingerprint, the command table, `createRequire` for lazily
// loaded and native libraries) are rewritten to name their original file in dist/, relative to
// the bundle, so they read the same files and resolve the same packages as unbundled code.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isBuiltin } from 'node:module';
import { rolldown } from 'rolldown';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'packages/cli/dist/main.js');
const OUT = join(ROOT, 'packages/cli/dist/bundle');

/** Libraries inlined into the bundle: plain modules with no files of their own to find at run time. */
const BUNDLED_LIBRARIES = new Set([
  'zod',
  'yaml',
  'smol-toml',
  'commander',
  'picomatch',
  'semver',
  'ignore',
  'ae-cvss-calculator',
  'spdx-correct',
  'spdx-exceptions',
  'spdx-expression-parse',
  'spdx-license-ids',
]);

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Bare imports of anything but the workspace's packages and BUNDLED_LIBRARIES load from node_modules. */
function isExternal(specifier) {
  if (specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('\0')) return false;
  if (isBuiltin(specifier)) return true;
  const name = packageName(specifier);
  return !name.startsWith('@sekisho/') && !BUNDLED_LIBRARIES.has(name);
}

const toUrlPath = (path) => path.split(sep).join('/');

/** `import.meta.url`, `.dirname` and `.filename` of a module, as they were before bundling. */
const originalImportMeta = {
  name: 'original-import-meta',
  transform(code, id) {
    // Virtual modules (the bundler's own runtime) have no file to stand for.
    if (!code.includes('import.meta.') || !isAbsolute(id)) return null;
    const rel = toUrlPath(relative(OUT, id));
    const dirRel = `${toUrlPath(relative(OUT, dirname(id)))}/`;
    const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
    const path = (u) => `process.getBuiltinModule('node:url').fileURLToPath(new URL(${JSON.stringify(u)}, import.meta.url))`;
    const out = code.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', path(dirRel)).replaceAll('import.meta.filename', path(rel));
    if (out.includes('import.meta.resolve')) throw new Error(`bundle-cli: ${id} uses import.meta.resolve, which the bundle cannot keep`);
    return { code: out, map: null };
  },
};

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const bundle = await rolldown({
  input: ENTRY,
  platform: 'node',
  plugins: [originalImportMeta],
  external: isExternal,
  logLevel: 'warn',
});
const { output } = await bundle.write({
  dir: OUT,
  format: 'es',
  entryFileNames: 'main.js',
  chunkFileNames: '[name]-[hash].js',
  sourcemap: false,
  charset: 'ascii',
  comments: { legal: true, annotation: false, jsdoc: false },
});
await bundle.close();
process.stdout.write(`bundle-cli: ${output.length} files in ${relative(ROOT, OUT)}\n`);
