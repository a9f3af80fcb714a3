/**
 * Which values of a key field (`evt.type`, `ka.verb`, `ka.target.resource`) an event must have for
 * a rule's condition to be true, read from the resolved condition once at load. The detector then
 * runs a rule only on events whose key values it can match (libsinsp indexes rules by event type
 * the same way). The analysis is conservative: anything it cannot prove leaves the key open.
 */
import type { Expr } from './condition.js';

/** The values a key field must take, or undefined when any value (or none) may match. */
export type KeyValues = ReadonlySet<string> | undefined;

function intersect(a: KeyValues, b: KeyValues): KeyValues {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return new Set([...a].filter((v) => b.has(v)));
}

function union(a: KeyValues, b: KeyValues): KeyValues {
  if (a === undefined || b === undefined) return undefined;
  return new Set([...a, ...b]);
}

/** The values `field` must have whenever `expr` is true (undefined: unconstrained). */
export function requiredValues(expr: Expr, field: string): KeyValues {
  switch (expr.kind) {
    case 'and': {
      let out: KeyValues;
      for (const e of expr.items) out = intersect(out, requiredValues(e, field));
      return out;
    }
    case 'or': {
      let out: KeyValues = new Set();
      for (const e of expr.items) {
        out = union(out, requiredValues(e, field));
        if (out === undefined) return undefined;
      }
      return out;
    }
    case 'binary':
      if (!plain(expr.field, field) || (expr.op !== '=' && expr.op !== '==') || expr.value.kind !== 'string') return undefined;
      return new Set([expr.value.text]);
    case 'list-check':
      if (!plain(expr.field, field) || (expr.op !== 'in' && expr.op !== 'intersects') || expr.value.kind !== 'list') return undefined;
      if (!expr.value.items.every((v) => v.kind === 'string')) return undefined;
      return new Set(expr.value.items.map((v) => v.text));
    default:
      return undefined;
  }
}

function plain(f: { readonly name: string; readonly arg?: string; readonly transformers: readonly unknown[] }, field: string): boolean {
  return f.name === field && f.arg === undefined && f.transformers.length === 0;
}

/** The key fields rules of a source are indexed by. */
export const INDEX_FIELDS: Readonly<Record<string, readonly string[]>> = {
  k8s_audit: ['ka.verb', 'ka.target.resource'],
  syscall: ['evt.type'],
};
