import { createRequire } from 'node:module';
import { join } from 'node:path';
import { detectSqlInjection } from '../detect.js';
import type { Guard } from '../guard.js';

type Fn = (...args: unknown[]) => unknown;

function queryText(arg: unknown): string | null {
  if (typeof arg === 'string') return arg;
  if (arg !== null && typeof arg === 'object') {
    const o = arg as { text?: unknown; sql?: unknown };
    if (typeof o.text === 'string') return o.text;
    if (typeof o.sql === 'string') return o.sql;
  }
  return null;
}

function wrapQuery(guard: Guard, proto: Record<string, Fn> | undefined, names: readonly string[], sink: string): boolean {
  if (proto === undefined) return false;
  let wrapped = false;
  for (const name of names) {
    const original = proto[name];
    if (typeof original !== 'function') continue;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const context = guard.current();
      const text = context === null ? null : queryText(args[0]);
      if (context !== null && text !== null) guard.decide('sql-injection', `${sink}.${name}`, context, detectSqlInjection(text, guard.values(context), guard.config.minValueLength));
      return guard.nested(() => original.apply(this, args));
    };
    wrapped = true;
  }
  return wrapped;
}

/**
 * The common drivers, as the application will load them: `pg` (Client, Pool) and `mysql2`
 * (Connection, and through it Pool and the promise API), resolved from the application's
 * directory and patched before it loads them, so its `require`/`import` gets the patched module.
 */
export function hookSqlDrivers(guard: Guard, appDir: string = process.cwd()): string[] {
  const require = createRequire(join(appDir, 'package.json'));
  const patched: string[] = [];
  try {
    const pg = require('pg') as { Client?: { prototype: Record<string, Fn> }; Pool?: { prototype: Record<string, Fn> } };
    if (wrapQuery(guard, pg.Client?.prototype, ['query'], 'pg.Client') && wrapQuery(guard, pg.Pool?.prototype, ['query'], 'pg.Pool')) patched.push('pg');
  } catch {
    // not installed beside the application
  }
  try {
    const mysql = require('mysql2') as { Connection?: { prototype: Record<string, Fn> } };
    if (wrapQuery(guard, mysql.Connection?.prototype, ['query', 'execute'], 'mysql2')) patched.push('mysql2');
  } catch {
    // not installed beside the application
  }
  return patched;
}
