import { once } from 'node:events';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { SekishoError } from '@sekisho/core/startup';

/** Where command output goes; tests replace it. */
export interface CliIo {
  stdout(text: string): void;
  /**
   * Resolves once what was written to stdout has gone out, as far as it must before more is
   * written; absent: at once. A pipe to a slow reader is written asynchronously and buffers
   * whatever it is given: without waiting, a large report sat in memory twice.
   */
  stdoutDrained?(): Promise<void>;
  stderr(text: string): void;
  readonly isTty: boolean;
  /** Standard output is a terminal (table colours); absent: not. */
  readonly stdoutIsTty?: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stdoutDrained: async () => {
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  },
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY && process.env['CI'] === undefined,
  stdoutIsTty: process.stdout.isTTY,
};

/**
 * Write to `-o FILE` atomically (temp file + rename: never a half-written report), or to stdout.
 * Output may come in chunks (a large report's reporter renders it piece by piece): they are
 * written one after another, each once the one before has gone out, and never joined into one string.
 */
export async function writeOutput(io: CliIo, output: string | Iterable<string>, file: string | undefined): Promise<void> {
  const chunks = typeof output === 'string' ? [output] : output;
  if (file === undefined || file === '-') {
    for (const chunk of chunks) {
      io.stdout(chunk);
      await io.stdoutDrained?.();
    }
    return;
  }
  const existing = await stat(file).catch(() => null);
  if (existing !== null && !existing.isFile()) {
    // a device or pipe (-o /dev/stdout, /dev/null): write through, never replace it
    await writeChunks(file, chunks, 'w');
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeChunks(temp, chunks, 'w');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new SekishoError('USAGE_INVALID', `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function writeChunks(file: string, chunks: Iterable<string>, flags: 'w' | 'a'): Promise<void> {
  const handle = await open(file, flags);
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
