import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { SekishoError } from '@sekisho/core';

/** Where command output goes; tests replace it. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly isTty: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true && process.env['CI'] === undefined,
};

/** Write to `-o FILE` atomically (temp file + rename: never a half-written report), or to stdout. */
export async function writeOutput(io: CliIo, text: string, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    io.stdout(text);
    return;
  }
  const existing = await stat(file).catch(() => null);
  if (existing !== null && !existing.isFile()) {
    // a device or pipe (-o /dev/stdout, /dev/null): write through, never replace it
    await writeFile(file, text);
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new SekishoError('USAGE_INVALID', `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
