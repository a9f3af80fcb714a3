import { createRequire } from 'node:module';
import { detectCommandInjection } from '../detect.js';
import type { Guard } from '../guard.js';

const require = createRequire(import.meta.url);

type Fn = (...args: unknown[]) => unknown;

/** The command line a shell would run: `exec`'s string, or `spawn`'s file and arguments when `shell` is set. */
function shellCommand(name: string, args: readonly unknown[]): string | null {
  if (name === 'exec' || name === 'execSync') return typeof args[0] === 'string' ? args[0] : null;
  const file = args[0];
  const rest = Array.isArray(args[1]) ? (args[1] as unknown[]) : [];
  const options = (Array.isArray(args[1]) ? args[2] : args[1]) as { shell?: unknown } | null | undefined;
  if (typeof file !== 'string' || options === undefined || options === null || typeof options !== 'object' || !options.shell) return null;
  return [file, ...rest.map(String)].join(' ');
}

export function hookChildProcess(guard: Guard): void {
  const cp = require('node:child_process') as Record<string, Fn>;
  for (const name of ['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync']) {
    const original = cp[name];
    if (typeof original !== 'function') continue;
    cp[name] = function (this: unknown, ...args: unknown[]) {
      const context = guard.current();
      if (context !== null) {
        const command = shellCommand(name, args);
        if (command !== null) guard.decide('command-injection', `child_process.${name}`, context, detectCommandInjection(command, guard.values(context), guard.config.minValueLength));
      }
      return guard.nested(() => original.apply(this, args));
    };
  }
}
