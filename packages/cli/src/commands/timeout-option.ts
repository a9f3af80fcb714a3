import type { Command } from 'commander';
import { parseDuration } from '../duration.js';

/** `--timeout`, Trivy's flag and default: the whole scan of one image (registry reads, layer walks). */
const DEFAULT_TIMEOUT = '5m';

export function addTimeoutOption(command: Command, what = 'the scan'): Command {
  return command.option('--timeout <duration>', `give up on ${what} after this long, exit code 6 (e.g. 90s, 10m; 0 = no limit)`, DEFAULT_TIMEOUT);
}

/** Milliseconds of --timeout. */
export function timeoutFrom(flags: { readonly timeout?: string }): number {
  return parseDuration(flags.timeout ?? DEFAULT_TIMEOUT, '--timeout');
}
