/**
 * Resolution and compilation of conditions: macros are substituted and lists expanded once, at
 * load (as Falco's rule_loader_compiler and libsinsp's filter_macro_resolver /
 * filter_list_resolver do), then every check becomes a closure. Nothing is interpreted per event.
 */
import { RE2JS } from 're2js';
import { ConditionSyntaxError, parseCondition, type Expr, type FieldExpr, type ListValue, type Value } from './condition.js';
import { globToRegExp, type AuditEventContext, type Extracted, type FieldDefinition } from './fields-k8saudit.js';

export type Predicate = (ctx: AuditEventContext) => boolean;

export type CompileErrorCode = 'SYNTAX' | 'UNDEFINED_MACRO' | 'MACRO_CYCLE' | 'UNDEFINED_LIST' | 'UNSUPPORTED_FIELD' | 'INVALID_FIELD' | 'INVALID_VALUE';

export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    readonly code: CompileErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** What resolution needs: macro ASTs (parsed lazily, cached) and fully expanded lists. */
export interface ResolveEnv {
  readonly macroCondition: (name: string) => string | undefined;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Called with each macro and list name a condition uses. */
  readonly onUse?: (kind: 'macro' | 'list', name: string) => void;
}

const parsedMacros = new WeakMap<ResolveEnv, Map<string, Expr>>();

/** Parses with CompileError('SYNTAX'). */
export function parseOrThrow(text: string): Expr {
  try {
    return parseCondition(text);
  } catch (e) {
    if (e instanceof ConditionSyntaxError) throw new CompileError('SYNTAX', e.message, e.offset);
    throw e;
  }
}

/** Substitutes macros (recursively; a cycle is an error) and expands list names in list values. */
export function resolve(expr: Expr, env: ResolveEnv, stack: readonly string[] = []): Expr {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, items: expr.items.map((e) => resolve(e, env, stack)) };
    case 'not':
      return { kind: 'not', expr: resolve(expr.expr, env, stack) };
    case 'macro': {
      if (stack.includes(expr.name)) throw new CompileError('MACRO_CYCLE', `macro cycle: ${[...stack, expr.name].join(' -> ')}`, expr.offset);
      const text = env.macroCondition(expr.name);
      if (text === undefined) throw new CompileError('UNDEFINED_MACRO', `undefined macro '${expr.name}' used in filter`, expr.offset);
      env.onUse?.('macro', expr.name);
      let cache = parsedMacros.get(env);
      if (cache === undefined) parsedMacros.set(env, (cache = new Map<string, Expr>()));
      let ast = cache.get(expr.name);
      if (ast === undefined) {
        try {
          ast = parseOrThrow(text);
        } catch (e) {
          if (e instanceof CompileError) throw new CompileError('SYNTAX', `in macro '${expr.name}': ${e.message}`, expr.offset);
          throw e;
        }
        cache.set(expr.name, ast);
      }
      return resolve(ast, env, [...stack, expr.name]);
    }
    case 'list-check':
      return { ...expr, value: { kind: 'list', items: expandList(expr.value, env, expr.offset) } };
    default:
      return expr;
  }
}

function expandList(value: ListValue, env: ResolveEnv, offset: number): Value[] {
  if (value.kind === 'list-ref') {
    const items = env.lists.get(value.name);
    if (items === undefined) throw new CompileError('UNDEFINED_LIST', `undefined list '${value.name}'`, offset);
    env.onUse?.('list', value.name);
    return items.map((text) => ({ kind: 'string', text, quoted: true }));
  }
  const out: Value[] = [];
  for (const item of value.items) {
    const list = item.kind === 'string' ? env.lists.get(item.text) : undefined;
    if (list !== undefined && item.kind === 'string') {
      env.onUse?.('list', item.text);
      for (const text of list) out.push({ kind: 'string', text, quoted: true });
    } else out.push(item);
  }
  return out;
}

/** Every field a (resolved) expression reads, for validation and output. */
export function fieldsOf(expr: Expr, out: FieldExpr[] = []): FieldExpr[] {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const e of expr.items) fieldsOf(e, out);
      break;
    case 'not':
      fieldsOf(expr.expr, out);
      break;
    case 'unary':
    case 'list-check':
      out.push(expr.field);
      break;
    case 'binary':
      out.push(expr.field);
      if (expr.value.kind === 'field') out.push(expr.value.field);
      break;
    case 'macro':
      break;
  }
  return out;
}

type Extractor = (ctx: AuditEventContext) => Extracted | undefined;

interface BoundField {
  readonly extract: Extractor;
  readonly type: 'string' | 'uint64';
  readonly list: boolean;
}

/** Binds a field expression to its definition, checking its argument and transformers. */
export function bindField(f: FieldExpr, fields: ReadonlyMap<string, FieldDefinition>): BoundField {
  const def = fields.get(f.name);
  if (def === undefined) throw new CompileError('UNSUPPORTED_FIELD', `unsupported field '${f.name}'`, f.offset);
  if (f.arg !== undefined && def.arg === 'none') throw new CompileError('INVALID_FIELD', `field '${f.name}' takes no argument`, f.offset);
  if (f.arg === undefined && def.arg === 'required-key') throw new CompileError('INVALID_FIELD', `field '${f.name}' requires an argument`, f.offset);
  if (f.arg !== undefined && def.arg === 'index' && !/^\d+$/.test(f.arg)) throw new CompileError('INVALID_FIELD', `field '${f.name}' needs a numeric index, got '${f.arg}'`, f.offset);
  const key = `${f.transformers.join('(')}(${f.name}[${f.arg ?? ''}]`;
  let shared = boundCache.get(fields);
  if (shared === undefined) boundCache.set(fields, (shared = new Map<string, BoundField>()));
  const cached = shared.get(key);
  if (cached !== undefined) return cached;
  const arg = f.arg;
  let extract: Extractor = def.bind !== undefined ? def.bind(arg) : (ctx) => def.extract(ctx, arg);
  let type = def.type;
  const list = def.list && (arg === undefined || def.arg !== 'index');
  for (const t of f.transformers) {
    if (type !== 'string') throw new CompileError('INVALID_FIELD', `transformer ${t}() needs a string field, '${f.name}' is ${type}`, f.offset);
    const inner = extract;
    if (t === 'len') {
      extract = (ctx) => {
        const v = inner(ctx) as readonly string[] | undefined;
        return v === undefined ? undefined : v.map((s) => BigInt(Buffer.byteLength(s)));
      };
      type = 'uint64';
      continue;
    }
    const fn: (s: string) => string =
      t === 'tolower'
        ? (s) => s.toLowerCase()
        : t === 'toupper'
          ? (s) => s.toUpperCase()
          : t === 'b64'
            ? (s) => Buffer.from(s, 'base64').toString('latin1')
            : (s) => (s.endsWith('/') ? '' : s.slice(s.lastIndexOf('/') + 1));
    extract = (ctx) => {
      const v = inner(ctx) as readonly string[] | undefined;
      return v === undefined ? undefined : v.map(fn);
    };
  }
  // One extraction per event however many rules read the field: the last event's values are kept.
  const compute = extract;
  let lastCtx: AuditEventContext | undefined;
  let lastValue: Extracted | undefined;
  const memo: Extractor = (ctx) => {
    if (ctx !== lastCtx) {
      lastValue = compute(ctx);
      lastCtx = ctx;
    }
    return lastValue;
  };
  const bound: BoundField = { extract: memo, type, list };
  shared.set(key, bound);
  return bound;
}

/** Bound fields shared by every rule compiled against the same field table. */
const boundCache = new WeakMap<ReadonlyMap<string, FieldDefinition>, Map<string, BoundField>>();

/** Compiles a resolved expression to a closure; throws CompileError. */
export function compileExpr(expr: Expr, fields: ReadonlyMap<string, FieldDefinition>): Predicate {
  switch (expr.kind) {
    case 'and': {
      const parts = expr.items.map((e) => compileExpr(e, fields));
      if (parts.length === 2) {
        const [a, b] = parts as [Predicate, Predicate];
        return (ctx) => a(ctx) && b(ctx);
      }
      return (ctx) => {
        for (const part of parts) if (!part(ctx)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = expr.items.map((e) => compileExpr(e, fields));
      if (parts.length === 2) {
        const [a, b] = parts as [Predicate, Predicate];
        return (ctx) => a(ctx) || b(ctx);
      }
      return (ctx) => {
        for (const part of parts) if (part(ctx)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = compileExpr(expr.expr, fields);
      return (ctx) => !inner(ctx);
    }
    case 'macro':
      throw new CompileError('UNDEFINED_MACRO', `macro '${expr.name}' was not resolved`, expr.offset);
    case 'unary': {
      const f = bindField(expr.field, fields);
      return (ctx) => f.extract(ctx) !== undefined;
    }
    case 'list-check':
      return compileListCheck(expr.op, bindField(expr.field, fields), expr.value, expr.offset);
    case 'binary':
      return compileBinary(expr.op, bindField(expr.field, fields), expr.value, fields, expr.offset);
  }
}

function parseNumber(text: string, offset: number): bigint {
  if (!/^(0x[0-9a-fA-F]+|-?\d+)$/.test(text)) throw new CompileError('INVALID_VALUE', `'${text}' is not a number`, offset);
  return BigInt(text);
}

/** Path prefix match (libsinsp path_prefix_search): `/etc` matches `/etc` and `/etc/x`, not `/etcx`. */
function pathPrefixMatcher(prefixes: readonly string[]): (value: string) => boolean {
  const norm = prefixes.map((p) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p));
  return (value) => {
    for (const p of norm) {
      if (value === p) return true;
      if (value.startsWith(p) && (p.endsWith('/') || value[p.length] === '/')) return true;
    }
    return false;
  };
}

function compileListCheck(op: 'in' | 'intersects' | 'pmatch', f: BoundField, value: ListValue, offset: number): Predicate {
  if (value.kind !== 'list') throw new CompileError('UNDEFINED_LIST', 'list was not resolved', offset);
  const texts = value.items.map((v) => {
    if (v.kind !== 'string') throw new CompileError('INVALID_VALUE', `val() is not allowed in a list`, offset);
    return v.text;
  });
  if (op === 'pmatch') {
    if (f.type !== 'string') throw new CompileError('INVALID_VALUE', 'pmatch needs a string field', offset);
    const match = pathPrefixMatcher(texts);
    return (ctx) => {
      const vals = f.extract(ctx) as readonly string[] | undefined;
      if (vals === undefined) return false;
      for (const v of vals) if (match(v)) return true;
      return false;
    };
  }
  const set = new Set<string | bigint>(f.type === 'uint64' ? texts.map((t) => parseNumber(t, offset)) : texts);
  if (f.list && op === 'in') {
    // A list field is `in` a set when every one of its values is (libsinsp CO_IN on EPF_IS_LIST).
    return (ctx) => {
      const vals = f.extract(ctx);
      if (vals === undefined) return false;
      for (const v of vals) if (!set.has(v)) return false;
      return true;
    };
  }
  return (ctx) => {
    const vals = f.extract(ctx);
    if (vals === undefined) return false;
    for (const v of vals) if (set.has(v)) return true;
    return false;
  };
}

function hexBytes(text: string, offset: number): Buffer {
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new CompileError('INVALID_VALUE', `'${text}' is not a hex byte string`, offset);
  return Buffer.from(text, 'hex');
}

function compileBinary(op: string, f: BoundField, value: Value, fields: ReadonlyMap<string, FieldDefinition>, offset: number): Predicate {
  if (value.kind === 'field') {
    // val(other): compare with the other field's first value on the same event.
    const other = bindField(value.field, fields);
    if (other.type !== f.type) throw new CompileError('INVALID_VALUE', `val() field type ${other.type} differs from ${f.type}`, offset);
    const cmp = scalarComparator(op, f.type, offset);
    return (ctx) => {
      const rhs = other.extract(ctx)?.[0];
      const vals = f.extract(ctx);
      if (rhs === undefined || vals === undefined) return false;
      for (const v of vals) if (cmp(v, rhs)) return true;
      return false;
    };
  }
  const rhsText = value.text;
  let test: (v: string | bigint) => boolean;
  if (f.type === 'uint64') {
    const n = parseNumber(rhsText, offset);
    const cmp = scalarComparator(op, 'uint64', offset);
    test = (v) => cmp(v, n);
  } else {
    switch (op) {
      case 'contains':
        test = (v) => (v as string).includes(rhsText);
        break;
      case 'icontains': {
        const lower = rhsText.toLowerCase();
        test = (v) => (v as string).toLowerCase().includes(lower);
        break;
      }
      case 'bcontains': {
        const bytes = hexBytes(rhsText, offset);
        test = (v) => Buffer.from(v as string, 'utf8').includes(bytes);
        break;
      }
      case 'bstartswith': {
        const bytes = hexBytes(rhsText, offset);
        test = (v) => {
          const b = Buffer.from(v as string, 'utf8');
          return b.length >= bytes.length && b.subarray(0, bytes.length).equals(bytes);
        };
        break;
      }
      case 'startswith':
        test = (v) => (v as string).startsWith(rhsText);
        break;
      case 'endswith':
        test = (v) => (v as string).endsWith(rhsText);
        break;
      case 'glob':
      case 'iglob': {
        // Translated once, matched with RE2: `*a*a*a*b` stays linear on long values.
        const source = globToRegExp(rhsText).source;
        let re: RE2JS;
        try {
          re = RE2JS.compile(source, RE2JS.DOTALL | (op === 'iglob' ? RE2JS.CASE_INSENSITIVE : 0));
        } catch (e) {
          throw new CompileError('INVALID_VALUE', `invalid glob '${rhsText}': ${(e as Error).message}`, offset);
        }
        test = (v) => re.testExact(v as string);
        break;
      }
      case 'regex': {
        // libsinsp matches `regex` with RE2, anchored at both ends: linear time, whatever the
        // rule author wrote (a backtracking RegExp would let one rule stall the engine).
        let re: RE2JS;
        try {
          re = RE2JS.compile(rhsText);
        } catch (e) {
          throw new CompileError('INVALID_VALUE', `invalid regex '${rhsText}': ${(e as Error).message}`, offset);
        }
        test = (v) => re.testExact(v as string);
        break;
      }
      default: {
        const cmp = scalarComparator(op, 'string', offset);
        test = (v) => cmp(v, rhsText);
      }
    }
  }
  return (ctx) => {
    const vals = f.extract(ctx);
    if (vals === undefined) return false;
    for (const v of vals) if (test(v)) return true;
    return false;
  };
}

function scalarComparator(op: string, type: 'string' | 'uint64', offset: number): (a: string | bigint, b: string | bigint) => boolean {
  switch (op) {
    case '=':
    case '==':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    case '>=':
      return (a, b) => a >= b;
    default:
      throw new CompileError('INVALID_VALUE', `operator '${op}' is not supported for ${type} fields`, offset);
  }
}
