import { createRequire } from 'node:module';
import { detectCodeInjection } from '../detect.js';
import type { Guard } from '../guard.js';

const require = createRequire(import.meta.url);

type Fn = (...args: unknown[]) => unknown;

/**
 * `eval`, `Function` and `vm`. Replacing the global `eval` turns a direct `eval(x)` into an indirect
 * one (it no longer sees the caller's local variables); code that relies on direct eval's scope
 * should turn the `code-injection` rule off.
 */
export function hookCodeEvaluation(guard: Guard): void {
  const check = (sink: string, code: unknown): void => {
    const context = guard.current();
    if (context === null || typeof code !== 'string') return;
    guard.decide('code-injection', sink, context, detectCodeInjection(code, guard.values(context), guard.config.minValueLength));
  };
  const originalEval = globalThis.eval;
  globalThis.eval = function (code: unknown) {
    check('eval', code);
    return guard.nested((): unknown => originalEval(code as string));
  } as typeof eval;
  const OriginalFunction = globalThis.Function;
  const GuardedFunction = function (this: unknown, ...args: string[]) {
    check('Function', args[args.length - 1]);
    return guard.nested(() => OriginalFunction(...args));
  } as unknown as FunctionConstructor;
  Object.defineProperty(GuardedFunction, 'prototype', { value: OriginalFunction.prototype });
  globalThis.Function = GuardedFunction;
  const vm = require('node:vm') as Record<string, Fn>;
  for (const name of ['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']) {
    const original = vm[name];
    if (typeof original !== 'function') continue;
    vm[name] = function (this: unknown, ...args: unknown[]) {
      check(`vm.${name}`, args[0]);
      return guard.nested(() => original.apply(this, args));
    };
  }
}
