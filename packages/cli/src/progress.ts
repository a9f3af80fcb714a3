import cliProgress from 'cli-progress';
import type { ScanProgress } from '@sekisho/core';
import type { CliIo } from './io.js';

/** Layers done/total and bytes, on a terminal only: silent in CI, with --quiet, or when stderr is not a TTY. */
export function progressReporter(io: CliIo, quiet: boolean): { onProgress?: (event: ScanProgress) => void; stop(): void } {
  if (quiet || !io.isTty) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: 'layers {value}/{total} | {bytes} MB | {cached} cached', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
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
