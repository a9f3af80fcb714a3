import { homedir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from './bus.js';
import { createBusOutputs, loadEventsConfig } from './config/load.js';
import type { Logger } from './logger.js';

/** `$SEKISHO_SPOOL_DIR`, else `$XDG_STATE_HOME/sekisho/spool`, else `~/.local/state/sekisho/spool`. */
export function defaultSpoolDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env['SEKISHO_SPOOL_DIR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  const state = env['XDG_STATE_HOME'];
  return join(state !== undefined && state !== '' ? state : join(homedir(), '.local', 'state'), 'sekisho', 'spool');
}

export interface OpenEventBusOptions {
  /** sekisho.yaml; its `outputs:` section (none: a bus that delivers nowhere). */
  readonly configFile: string;
  readonly spoolDir?: string;
  readonly logger?: Logger;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The event bus of a long-running command (`server`, `worker`, `admission serve`, `runtime run`,
 * `host`): the enabled outputs of sekisho.yaml, each spooled under the spool folder. Throws
 * `EventsConfigError` when the configuration or a secret reference cannot be used.
 */
export function openEventBus(options: OpenEventBusOptions): EventBus {
  const env = options.env ?? process.env;
  const outputs = createBusOutputs(loadEventsConfig(options.configFile), { env });
  return new EventBus({ spoolDir: options.spoolDir ?? defaultSpoolDir(env), outputs, ...(options.logger === undefined ? {} : { logger: options.logger }) });
}
