import { CommanderError } from 'commander';
import { EXIT_CODES, SekishoError, exitCodeFor } from '@sekisho/core/startup';
import type { Command } from 'commander';
import type { CommandTable } from './lazy-program.js';
import { parseLazily, readCommandTable } from './lazy-program.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';
import { outputRedactor, showSecretsRequested } from './redaction.js';

/**
 * Run the CLI with `argv` (user arguments only) and return the exit code; nothing calls process.exit.
 * Only the command that runs is loaded (lazy-program.ts), when the build wrote the command table.
 */
export async function runCli(argv: readonly string[], cliIo: CliIo = processIo, table: CommandTable | null = readCommandTable()): Promise<number> {
  // Warnings, progress and error messages go through the same redactor as reports.
  // (the redactor is built on the first write: commands that print nothing there do not compile the rules)
  const showSecrets = showSecretsRequested(argv);
  const io: CliIo = { ...cliIo, stdout: (text) => cliIo.stdout(text), stderr: (text) => cliIo.stderr(outputRedactor(showSecrets).text(text)) };
  // Subcommands do not inherit these when added before the call: set them on every command.
  const configure = (program: Command): void => {
    const commands = [program];
    for (let i = 0; i < commands.length; i += 1) {
      const command = commands[i];
      if (command === undefined) continue;
      command.exitOverride();
      command.configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });
      commands.push(...command.commands);
    }
  };
  const debug = argv.includes('--debug');
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await parseLazily(argv, io, table, configure);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version end with 0; usage errors were already printed by commander
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const message = error instanceof SekishoError ? `${error.code}: ${error.describe()}` : error instanceof Error ? error.message : String(error);
    io.stderr(`sekisho: error: ${message}\n`);
    if (debug && error instanceof Error) {
      io.stderr(`${error.stack ?? ''}\n`);
      if (error.cause !== undefined) io.stderr(`caused by: ${String(error.cause instanceof Error ? error.cause.stack : error.cause)}\n`);
    }
    return exitCodeFor(error);
  } finally {
    if (previous !== undefined) process.exitCode = previous;
  }
}
