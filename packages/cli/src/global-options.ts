import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GlobalOptions {
  readonly quiet?: boolean;
  readonly debug?: boolean;
  readonly cacheDir?: string;
  /** commander sets this false for --no-cache. */
  readonly cache?: boolean;
  /** commander sets this false for --no-color. */
  readonly color?: boolean;
}

/**
 * ANSI colours in table output: only when it goes to a terminal (standard output is a TTY and no
 * -o FILE), and never with --no-color or NO_COLOR set to anything non-empty (no-color.org).
 */
export function colorOutput(global: GlobalOptions, output: string | undefined, stdoutIsTty: boolean): boolean {
  if (global.color === false) return false;
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (output !== undefined && output !== '-') return false;
  return stdoutIsTty;
}

/** `$SEKISHO_CACHE_DIR`, else `$XDG_CACHE_HOME/sekisho`, else `~/.cache/sekisho`. */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env['SEKISHO_CACHE_DIR']) return env['SEKISHO_CACHE_DIR'];
  return join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'sekisho');
}

export function layerCacheDir(options: GlobalOptions): string | null {
  if (options.cache === false) return null;
  return join(options.cacheDir ?? defaultCacheDir(), 'layers');
}

/** SOURCE_DATE_EPOCH (reproducible builds) or the current time. */
export function renderTime(): Date {
  const epoch = process.env['SOURCE_DATE_EPOCH'];
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}
