#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EXIT_CODES, SekishoError, exitCodeFor } from '@sekisho/core';
import { buildProgram } from './program.js';

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with 0; usage errors were already printed by commander
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const message = error instanceof SekishoError ? `${error.code}: ${error.describe()}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`sekisho: error: ${message}\n`);
    if (debug && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
      if (error.cause !== undefined) process.stderr.write(`caused by: ${String(error.cause instanceof Error ? error.cause.stack : error.cause)}\n`);
    }
    return exitCodeFor(error);
  }
}

process.exitCode = await main(process.argv);
