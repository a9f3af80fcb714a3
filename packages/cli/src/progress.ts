import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { ScanProgress } from '@sekisho/core';
import type { CliIo } from './io.js';

// Loaded only when a bar is drawn (a terminal without --quiet), not on every command's start-up.
const cliProgress = (): typeof cliProgressModule => createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;

/** Layers done/total and bytes, on a terminal only: silent in CI, with --quiet, or when stderr is not a TTY. */
export function progressReporter(io: CliIo, quiet: boolean): { onProgress?: (event: ScanProgress) => void; stop(): void } {
  if (quiet || !io.isTty) return { stop: () => {} };
  const bar = new (cliProgress().SingleBar)(
    { format: 'layers {value}/{total} | {bytes} MB | {cached} cached', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress().Presets.shades_classic,
  );
  let bytes = 0;
  let cached = 0;
  return {
    onProgress(event) {
      if (event.type === 'image') bar.start(event.layers, 0, { bytes: '0.0', cached: 0 });
      else {
        bytes += event.bytes;
        if (event.cached) cached += 1;
        bar.increment(1, { bytes: (bytes / 1e6).toFixed(1), cached });
      }
    },
    stop: () => bar.stop(),
  };
}

/**
 * The first scan's database download (`db update` run for the user): a bar of feed files on a
 * terminal; elsewhere (CI logs, pipes) one line per step, as Trivy logs its DB download; nothing with --quiet.
 */
export function dbDownloadProgress(io: CliIo, quiet: boolean, files: number): { onProgress: (message: string) => void; stop(): void } {
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  if (!io.isTty) return { onProgress: (message) => io.stderr(`sekisho: ${message}\n`), stop: () => {} };
  const bar = new (cliProgress().SingleBar)(
    { format: 'advisory database {bar} {value}/{total} feed files | {step}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress().Presets.shades_classic,
  );
  bar.start(files, 0, { step: 'starting' });
  return {
    onProgress(message) {
      const step = message.length > 60 ? `…${message.slice(-59)}` : message;
      if (message.startsWith('downloading ')) bar.increment(1, { step });
      else bar.update({ step });
    },
    stop: () => bar.stop(),
  };
}
