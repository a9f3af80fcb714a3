import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { detectPathTraversal } from '../detect.js';
import type { Guard } from '../guard.js';

const require = createRequire(import.meta.url);

type Fn = (...args: unknown[]) => unknown;

const FS_CALLS = [
  'readFile',
  'readFileSync',
  'createReadStream',
  'open',
  'openSync',
  'writeFile',
  'writeFileSync',
  'createWriteStream',
  'appendFile',
  'appendFileSync',
  'readdir',
  'readdirSync',
  'unlink',
  'unlinkSync',
  'rm',
  'rmSync',
  'stat',
  'statSync',
];
const PROMISE_CALLS = ['readFile', 'open', 'writeFile', 'appendFile', 'readdir', 'unlink', 'rm', 'stat'];

function pathArgument(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof URL && value.protocol === 'file:') return fileURLToPath(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}

function wrap(guard: Guard, target: Record<string, Fn>, names: readonly string[], prefix: string): void {
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const context = guard.current();
      if (context !== null) {
        const path = pathArgument(args[0]);
        if (path !== null) guard.decide('path-traversal', `${prefix}.${name}`, context, detectPathTraversal(path, guard.values(context), guard.config.minValueLength, guard.config.fsRoots));
      }
      return guard.nested(() => original.apply(this, args));
    };
  }
}

export function hookFs(guard: Guard): void {
  wrap(guard, require('node:fs') as Record<string, Fn>, FS_CALLS, 'fs');
  wrap(guard, require('node:fs/promises') as Record<string, Fn>, PROMISE_CALLS, 'fs.promises');
}
