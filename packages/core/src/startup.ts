/**
 * The part of the core a command line needs before it knows which command runs: errors and exit
 * codes, the version, the output redactor and temp-directory clean-up. It imports no third-party
 * module, so `sekisho --version`, `--help` and usage errors start without loading the scanner
 * (`@sekisho/core/startup`; everything here is also exported by `@sekisho/core`, the same module
 * instances).
 */
export * from './errors.js';
export { TOOL_VERSION } from './version.js';
export { removeTempDirsSync } from './util/temp-dirs.js';
export { allowRuntimeGc } from './util/buffer-reaper.js';
export { deferOptimizingTiers } from './util/optimizing-tiers.js';
export { createRedactor, defaultRedactor, NO_REDACTION } from './findings/redaction.js';
export type { Redactor } from './findings/redaction.js';
export { reporterChunks } from './reporters/chunks.js';
export type { RenderOptions, Reporter } from './reporters/types.js';
