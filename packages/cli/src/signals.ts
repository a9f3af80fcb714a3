import { constants } from 'node:os';
import { removeTempDirsSync } from '@sekisho/core/startup';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Remove the scan's private temp directories however the process ends: on `exit` (including
 * `process.exit` from other paths) and on SIGINT, SIGTERM and SIGHUP, after which the process
 * exits with 128 + the signal number as a shell reports a killed command. A handler runs once:
 * a second signal while it runs gets the default action, so a signal is never swallowed.
 */
export function installCleanupHandlers(): void {
  process.on('exit', removeTempDirsSync);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      removeTempDirsSync();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
