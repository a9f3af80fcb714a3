#!/usr/bin/env node
// Checked before anything else loads: older Node versions lack node:sqlite and built-in zstd.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`sekisho: error: Node.js ${process.versions.node} is too old; Sekisho needs Node.js 22.18 or newer (24 LTS recommended)\n`);
  process.exit(2);
}
const { dropSqliteExperimentalNotice } = await import('./node-warnings.js');
dropSqliteExperimentalNotice();
// Compiled code is cached on disk between runs (Node's compile cache): start-up is most of a warm scan.
const nodeModule = await import('node:module');
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// A closed pipe (`sekisho … | head`) ends the output; it is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
// Temp directories go on every way out: normal exit, process.exit, SIGINT/SIGTERM/SIGHUP.
const { installCleanupHandlers } = await import('./signals.js');
installCleanupHandlers();
// Layer inflation may ask V8 for minor collections; gc is exposed when first needed, not by a
// flag on Node's command line (core util/buffer-reaper.ts says why).
const { allowRuntimeGc } = await import('@sekisho/core/startup');
allowRuntimeGc();
const { runCli } = await import('./run.js');
process.exitCode = await runCli(process.argv.slice(2));
