/**
 * The rules engine: collected definitions → compiled rules (closures) → alerts in Falco's JSON
 * alert shape (falco.org "Falco Outputs / JSON output"; falcosidekick types.FalcoPayload).
 */
import { parseCondition, type Expr, type FieldExpr, type Value } from './condition.js';
import { INDEX_FIELDS, requiredValues, type KeyValues } from './rule-index.js';
import { providesField } from './fields-syscall.js';
import { rfc3339Ns } from './sources/source-item.js';
import { bindField, CompileError, compileExpr, fieldsOf, parseOrThrow, resolve, type Predicate, type ResolveEnv } from './compile.js';
import { K8S_AUDIT_FIELDS, type AuditEventContext, type FieldDefinition } from './fields-k8saudit.js';
import { collect, type CollectOptions, type LoadIssue, type Priority, type RuleDef, type RuleFile, type Where } from './loader.js';

/** The event source the engine evaluates; rules of other sources are reported and skipped. */
export const K8S_AUDIT_SOURCE = 'k8s_audit';

export interface CompiledRule {
  readonly name: string;
  /** Per key field (rule-index.ts), the values an event must have for the rule to match. */
  readonly keys: ReadonlyMap<string, KeyValues>;
  readonly desc: string;
  readonly priority: Priority;
  readonly source: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly where: Where;
  readonly matches: Predicate;
  readonly format: (ctx: AuditEventContext) => { readonly output: string; readonly fields: Record<string, string | number | null> };
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  /** The field tables the rules were compiled against, per source. */
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, FieldDefinition>>;
  readonly issues: readonly LoadIssue[];
  /** True when no issue is an error. */
  readonly ok: boolean;
}

export interface LoadOptions extends CollectOptions {
  /** Fields per source; defaults to the k8s_audit fields. */
  readonly fields?: ReadonlyMap<string, ReadonlyMap<string, FieldDefinition>>;
  /**
   * Per source, the fields the event input actually fills (a sensor sees less than the table
   * knows). A rule whose condition reads another field is reported and skipped; an output field
   * outside it prints `<NA>`. Absent: every field of the table.
   */
  readonly provided?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The input's name in issues ("rule uses proc.tty, which tetragon does not provide"). */
  readonly inputName?: string;
}

/** `file:line:column: level: rule 'name': message` */
export function formatIssue(i: LoadIssue): string {
  const item = i.item === undefined ? '' : `${i.item.kind} '${i.item.name}': `;
  return `${i.where.file}:${i.where.line}:${i.where.column}: ${i.level}: ${item}${i.message} [${i.code}]`;
}

/** Loads rules files in order (later files override earlier ones) and compiles them. */
export function loadRules(files: readonly RuleFile[], options: LoadOptions = {}): RuleSet {
  const collected = collect(files, options);
  const issues = collected.issues;
  const sources = options.fields ?? new Map([[K8S_AUDIT_SOURCE, K8S_AUDIT_FIELDS]]);
  const used = { macro: new Set<string>(), list: new Set<string>() };
  const lists = resolveLists(collected.lists, used);
  const env: ResolveEnv = {
    macroCondition: (name) => collected.macros.get(name)?.condition,
    lists,
    onUse: (kind, name) => used[kind].add(name),
  };

  // Macros: syntax and cycles are errors even when no rule uses the macro.
  for (const macro of collected.macros.values()) {
    const at = { kind: 'macro' as const, name: macro.name };
    try {
      resolve({ kind: 'macro', name: macro.name, offset: 0 }, { ...env, onUse: undefined });
    } catch (e) {
      if (e instanceof CompileError && (e.code === 'SYNTAX' || e.code === 'MACRO_CYCLE')) {
        if (!e.message.includes(`in macro '${macro.name}'`) && e.code === 'SYNTAX')
          issues.push({ level: 'error', code: e.code, message: `in macro '${macro.name}': ${e.message}`, where: macro.conditionWhere, item: at });
        else if (e.code === 'MACRO_CYCLE' || e.message.includes(`in macro '${macro.name}'`)) issues.push({ level: 'error', code: e.code, message: e.message, where: macro.conditionWhere, item: at });
      } else if (!(e instanceof CompileError)) throw e;
    }
  }

  const rules: CompiledRule[] = [];
  for (const def of collected.rules.values()) {
    const compiled = compileRule(def, env, { tables: sources, provided: options.provided, inputName: options.inputName }, issues);
    if (compiled !== undefined) rules.push(compiled);
  }
  for (const m of collected.macros.values()) {
    if (!used.macro.has(m.name)) issues.push({ level: 'warning', code: 'UNUSED_MACRO', message: 'macro not referenced by any rule or macro', where: m.where, item: { kind: 'macro', name: m.name } });
  }
  for (const l of collected.lists.values()) {
    if (!used.list.has(l.name)) issues.push({ level: 'warning', code: 'UNUSED_LIST', message: 'list not referenced by any rule, macro or list', where: l.where, item: { kind: 'list', name: l.name } });
  }
  return { rules, fields: sources, issues, ok: !issues.some((i) => i.level === 'error') };
}

/** Lists whose items name other lists are expanded (recursively; a cycle stops expanding). */
function resolveLists(defs: ReadonlyMap<string, { readonly items: readonly string[] }>, used: { list: Set<string> }): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  const expand = (name: string, stack: string[]): readonly string[] => {
    const done = out.get(name);
    if (done !== undefined) return done;
    const items: string[] = [];
    for (const item of defs.get(name)?.items ?? []) {
      if (defs.has(item) && !stack.includes(item)) {
        used.list.add(item);
        items.push(...expand(item, [...stack, item]));
      } else items.push(item);
    }
    out.set(name, items);
    return items;
  };
  for (const name of defs.keys()) expand(name, [name]);
  return out;
}

const EXCEPTION_LIST_OPS = new Set(['in', 'intersects', 'pmatch']);

function exceptionField(text: string): FieldExpr {
  const e = parseOrThrow(`${text} exists`);
  if (e.kind !== 'unary') throw new CompileError('INVALID_FIELD', `invalid exception field '${text}'`);
  return e.field;
}

function valueOf(v: unknown): Value {
  return { kind: 'string', text: typeof v === 'string' ? v : JSON.stringify(v), quoted: true };
}

function exceptionCheck(field: FieldExpr, comp: string, value: unknown): Expr {
  if (EXCEPTION_LIST_OPS.has(comp)) {
    const items = Array.isArray(value) ? (value as unknown[]).map(valueOf) : [{ kind: 'string' as const, text: String(value), quoted: false }];
    return { kind: 'list-check', field, op: comp as 'in' | 'intersects' | 'pmatch', value: { kind: 'list', items }, offset: field.offset };
  }
  const op = comp === '==' ? '=' : comp;
  const parsed = parseCondition(`x.x ${op} a`);
  if (parsed.kind !== 'binary') throw new CompileError('INVALID_VALUE', `invalid comparison '${comp}'`);
  return { kind: 'binary', field, op: parsed.op, value: valueOf(value), offset: field.offset };
}

/** The exceptions as `not (item or item …)` (Falco's rule_loader_compiler builds the same text). */
function exceptionsExpr(def: RuleDef): Expr | undefined {
  const alternatives: Expr[] = [];
  for (const ex of def.exceptions) {
    if (typeof ex.fields === 'string') {
      const field = exceptionField(ex.fields);
      const comp = typeof ex.comps === 'string' ? ex.comps : 'in';
      if (ex.values.length === 0) continue;
      if (EXCEPTION_LIST_OPS.has(comp))
        alternatives.push(
          exceptionCheck(
            field,
            comp,
            ex.values.flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : [v])),
          ),
        );
      else for (const v of ex.values) alternatives.push(exceptionCheck(field, comp, v));
      continue;
    }
    const fields = ex.fields.map(exceptionField);
    const comps: readonly string[] = ex.comps === undefined || typeof ex.comps === 'string' ? fields.map(() => '=') : ex.comps;
    for (const tuple of ex.values) {
      const parts = (tuple as unknown[]).map((v, i) => {
        const field = fields[i];
        if (field === undefined) throw new CompileError('INVALID_VALUE', `exception '${ex.name}': a value has more items than the exception has fields`);
        return exceptionCheck(field, comps[i] ?? '=', v);
      });
      const [only] = parts;
      if (only !== undefined) alternatives.push(parts.length === 1 ? only : { kind: 'and', items: parts });
    }
  }
  const [first] = alternatives;
  if (first === undefined) return undefined;
  return { kind: 'not', expr: alternatives.length === 1 ? first : { kind: 'or', items: alternatives } };
}

const OUTPUT_FIELD = /%([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)(\[[^\]]*\])?/g;

interface OutputToken {
  readonly text: string;
  readonly field?: { readonly key: string; readonly expr: FieldExpr };
}

/** Splits an output template at `%field` tokens; the longest known field name wins. */
function outputTokens(output: string, fields: ReadonlyMap<string, FieldDefinition>): { tokens: OutputToken[]; unknown: string[] } {
  const tokens: OutputToken[] = [];
  const unknown: string[] = [];
  let last = 0;
  for (const m of output.matchAll(OUTPUT_FIELD)) {
    const written = m[1];
    if (written === undefined) throw new Error(`output field pattern matched '${m[0]}' without a field name`);
    let name = written;
    let arg = m[2];
    while (!fields.has(name) && name.includes('.') && name.lastIndexOf('.') > name.indexOf('.')) {
      name = name.slice(0, name.lastIndexOf('.'));
      arg = undefined;
    }
    if (!fields.has(name)) {
      // Printed as <NA>: the rule still alerts with the fields it has.
      unknown.push(written);
      tokens.push({ text: output.slice(last, m.index) });
      tokens.push({ text: '', field: { key: m[0].slice(1), expr: { name: written, transformers: [], offset: m.index } } });
      last = m.index + m[0].length;
      continue;
    }
    const start = m.index;
    const consumed = 1 + name.length + (arg?.length ?? 0);
    tokens.push({ text: output.slice(last, start) });
    const argText = arg === undefined ? undefined : arg.slice(1, -1);
    const expr: FieldExpr = argText === undefined ? { name, transformers: [], offset: start } : { name, arg: argText, transformers: [], offset: start };
    tokens.push({ text: '', field: { key: `${name}${arg ?? ''}`, expr } });
    last = start + consumed;
  }
  tokens.push({ text: output.slice(last) });
  return { tokens, unknown };
}

interface SourceTables {
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, FieldDefinition>>;
  readonly provided: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  readonly inputName: string | undefined;
}

const NOT_AVAILABLE = (): undefined => undefined;

function compileRule(def: RuleDef, env: ResolveEnv, sources: SourceTables, issues: LoadIssue[]): CompiledRule | undefined {
  const item = { kind: 'rule' as const, name: def.name };
  const report = (level: 'error' | 'warning', code: LoadIssue['code'], message: string, where: Where = def.where): undefined => {
    issues.push({ level, code, message, where, item });
    return undefined;
  };
  let expr: Expr;
  try {
    expr = parseOrThrow(def.condition);
    const ex = exceptionsExpr(def);
    if (ex !== undefined) expr = { kind: 'and', items: [expr, ex] };
    expr = resolve(expr, env);
  } catch (e) {
    if (e instanceof CompileError) {
      report('error', e.code, e.message, def.conditionWhere);
      return;
    }
    throw e;
  }
  const fields = sources.tables.get(def.source);
  if (fields === undefined) {
    report('warning', 'UNKNOWN_SOURCE', `source '${def.source}' is not available ${sources.inputName === undefined ? 'in this engine' : `from ${sources.inputName}`}; rule skipped`);
    return;
  }
  const provided = sources.provided?.get(def.source);
  const isProvided = (name: string): boolean => provided === undefined || providesField(provided, name);

  const { tokens, unknown } = outputTokens(def.output, fields);
  const unsupported = new Set<string>();
  const unprovided = new Set<string>();
  for (const f of fieldsOf(expr)) {
    if (!fields.has(f.name)) unsupported.add(f.name);
    else if (!isProvided(f.name)) unprovided.add(f.name);
  }
  if (unsupported.size > 0) {
    report('warning', 'UNSUPPORTED_FIELD', `uses unsupported field${unsupported.size > 1 ? 's' : ''} ${[...unsupported].join(', ')}; rule skipped`);
    return;
  }
  if (unprovided.size > 0) {
    report('warning', 'UNSUPPORTED_FIELD', `uses field${unprovided.size > 1 ? 's' : ''} ${[...unprovided].join(', ')}, which ${sources.inputName ?? 'this input'} does not provide; rule skipped`);
    return;
  }
  const available = (name: string): boolean => fields.has(name) && isProvided(name);
  const naOutputs = tokens.flatMap((t) => (t.field !== undefined && !available(t.field.expr.name) ? [t.field.key] : []));
  if (naOutputs.length > 0)
    report(
      'warning',
      'UNAVAILABLE_OUTPUT_FIELD',
      `output field${naOutputs.length > 1 ? 's' : ''} ${[...new Set(naOutputs)].join(', ')} ${unknown.length > 0 ? 'unknown or ' : ''}not provided${sources.inputName === undefined ? '' : ` by ${sources.inputName}`}; printed as <NA>`,
    );

  let matches: Predicate;
  const parts: { text: string; key?: string; list?: boolean; extract?: (ctx: AuditEventContext) => readonly (string | bigint)[] | undefined; type?: string }[] = [];
  try {
    matches = compileExpr(expr, fields);
    for (const t of tokens) {
      if (t.field === undefined) {
        parts.push({ text: t.text });
        continue;
      }
      if (!available(t.field.expr.name)) {
        parts.push({ text: '', key: t.field.key, list: false, extract: NOT_AVAILABLE, type: 'string' });
        continue;
      }
      const bound = bindField(t.field.expr, fields);
      parts.push({ text: '', key: t.field.key, list: bound.list, extract: bound.extract, type: bound.type });
    }
  } catch (e) {
    if (e instanceof CompileError) {
      report('error', e.code, e.message);
      return;
    }
    throw e;
  }
  const format = (ctx: AuditEventContext): { output: string; fields: Record<string, string | number | null> } => {
    let output = '';
    const values: Record<string, string | number | null> = {};
    for (const p of parts) {
      if (p.extract === undefined || p.key === undefined) {
        output += p.text;
        continue;
      }
      const vals = p.extract(ctx);
      let text: string;
      if (vals === undefined) {
        text = '<NA>';
        values[p.key] = null;
      } else {
        text = p.list === true ? `(${vals.map(String).join(',')})` : String(vals[0]);
        values[p.key] = p.type === 'uint64' && p.list !== true && typeof vals[0] === 'bigint' && vals[0] <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(vals[0]) : text;
      }
      output += text;
    }
    return { output, fields: values };
  };
  const keys = new Map<string, KeyValues>();
  for (const key of INDEX_FIELDS[def.source] ?? []) keys.set(key, requiredValues(expr, key));
  return { name: def.name, keys, desc: def.desc, priority: def.priority, source: def.source, tags: def.tags, enabled: def.enabled, where: def.where, matches, format };
}

/** The error text of the k8saudit plugin for input that is not an audit event. */
export const NOT_AN_AUDIT_EVENT = 'data not recognized as a k8s audit event';

export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The audit events in a JSON value: an Event, or an EventList's items; undefined when neither. */
export function auditEventsOf(value: unknown): Record<string, unknown>[] | undefined {
  if (!isObject(value)) return undefined;
  if (value['kind'] === 'Event') return [value];
  if (value['kind'] === 'EventList' && Array.isArray(value['items'])) {
    const items = value['items'] as unknown[];
    return items.every((i) => isObject(i) && i['kind'] === 'Event') ? (items as Record<string, unknown>[]) : undefined;
  }
  return undefined;
}

/**
 * Strict reading of a JSON Lines audit log, as the k8saudit plugin reads a file: any line that is
 * not an audit event (or EventList) is an error with the plugin's text.
 */
export function parseAuditLog(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AuditInputError(NOT_AN_AUDIT_EVENT, i + 1);
    }
    const found = auditEventsOf(value);
    if (found === undefined) throw new AuditInputError(NOT_AN_AUDIT_EVENT, i + 1);
    events.push(...found);
  }
  return events;
}

/** Nanoseconds since the epoch of an RFC 3339 timestamp with up to 9 fractional digits. */
export const timestampNs = rfc3339Ns;
