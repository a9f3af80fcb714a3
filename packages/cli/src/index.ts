export { buildProgram } from './program.js';
export { runCli } from './run.js';
export type { CliIo } from './io.js';
