/**
 * Build step (`npm run build`, after tsc): load every command and write dist/command-table.json,
 * which lets `sekisho --help` and `--version` start without loading them (lazy-program.ts).
 */
import { writeFileSync } from 'node:fs';
import { COMMAND_TABLE_FILE, describeCommands } from './lazy-program.js';
import { buildProgram } from './program.js';

const table = describeCommands(await buildProgram());
writeFileSync(new URL(`./${COMMAND_TABLE_FILE}`, import.meta.url), `${JSON.stringify(table, null, 1)}\n`);
