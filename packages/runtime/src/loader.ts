/**
 * Falco rules files → one rule set, following Falco's rule_loader (falcosecurity/falco:
 * userspace/engine/rule_loader_reader.cpp, rule_loader_collector.cpp) and the documented rules
 * syntax (falco.org "Rules", "Overriding rules"): `rule`, `macro`, `list`,
 * `required_engine_version`, `required_plugin_versions`; `append: true` (legacy) and `override`
 * (append/replace per key); `enabled`; `exceptions`. Files are applied in load order: a later
 * definition of a name replaces the earlier one in place, appends extend it.
 *
 * Every issue names the file, the item and its position (line and column from the `yaml`
 * library's source ranges).
 */
import type { Severity } from '@sekisho/model';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';

export type IssueLevel = 'error' | 'warning';
export type IssueCode =
  | 'YAML_SYNTAX'
  | 'INVALID_FILE'
  | 'INVALID_ITEM'
  | 'UNKNOWN_ITEM'
  | 'UNKNOWN_KEY'
  | 'DEPRECATED'
  | 'MISSING_KEY'
  | 'ENGINE_VERSION'
  | 'PLUGIN_VERSION'
  | 'PLUGIN_NOT_PROVIDED'
  | 'APPEND_WITHOUT_TARGET'
  | 'INVALID_OVERRIDE'
  | 'INVALID_PRIORITY'
  | 'INVALID_EXCEPTION'
  | 'SYNTAX'
  | 'UNDEFINED_MACRO'
  | 'UNDEFINED_LIST'
  | 'MACRO_CYCLE'
  | 'UNSUPPORTED_FIELD'
  | 'INVALID_FIELD'
  | 'INVALID_VALUE'
  | 'UNKNOWN_SOURCE'
  | 'UNUSED_MACRO'
  | 'UNUSED_LIST'
  | 'UNAVAILABLE_OUTPUT_FIELD';

export interface Where {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface LoadIssue {
  readonly level: IssueLevel;
  readonly code: IssueCode;
  readonly message: string;
  readonly where: Where;
  readonly item?: { readonly kind: 'rule' | 'macro' | 'list' | 'required_engine_version' | 'required_plugin_versions'; readonly name: string };
}

export const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Falco priorities on Sekisho's severity scale, so alerts sort and gate like findings. */
export const PRIORITY_SEVERITY = {
  Emergency: 'critical',
  Alert: 'critical',
  Critical: 'critical',
  Error: 'high',
  Warning: 'medium',
  Notice: 'low',
  Informational: 'negligible',
  Debug: 'negligible',
} as const satisfies Record<Priority, Severity>;

/** Falco's priority names, case-insensitive, with `info` for Informational. */
export function parsePriority(text: string): Priority | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'info') return 'Informational';
  return PRIORITIES.find((p) => p.toLowerCase() === lower);
}

export interface ExceptionDef {
  readonly name: string;
  readonly fields: string | readonly string[];
  readonly comps: string | readonly string[] | undefined;
  values: unknown[];
  readonly where: Where;
}

export interface RuleDef {
  readonly name: string;
  condition: string;
  /** Where the (last replaced) condition text starts. */
  conditionWhere: Where;
  output: string;
  desc: string;
  priority: Priority;
  readonly source: string;
  tags: string[];
  enabled: boolean;
  exceptions: ExceptionDef[];
  skipIfUnknownFilter: boolean;
  readonly where: Where;
}

export interface MacroDef {
  readonly name: string;
  condition: string;
  conditionWhere: Where;
  readonly where: Where;
}

export interface ListDef {
  readonly name: string;
  items: string[];
  readonly where: Where;
}

/** A plugin the engine provides in-process (its fields), for `required_plugin_versions`. */
export interface ProvidedPlugin {
  readonly name: string;
  readonly version: string;
}

/**
 * The rules-engine version whose semantics this loader implements (Falco's
 * FALCO_ENGINE_VERSION); falcosecurity/rules HEAD asks for 0.57.0.
 */
export const ENGINE_VERSION = '0.57.0';

/**
 * k8saudit's and json's fields are built in (fields-k8saudit.ts); so are the container plugin's
 * container.* and k8s.* fields that falco_rules.yaml reads (fields-syscall.ts).
 */
export const PROVIDED_PLUGINS: readonly ProvidedPlugin[] = [
  { name: 'k8saudit', version: '0.18.0' },
  { name: 'json', version: '0.7.3' },
  { name: 'container', version: '0.4.0' },
];

export interface RuleFile {
  /** Name used in issues (usually the path). */
  readonly name: string;
  readonly content: string;
}

/** The collected definitions, in load order, before compilation. */
export interface Collected {
  readonly rules: Map<string, RuleDef>;
  readonly macros: Map<string, MacroDef>;
  readonly lists: Map<string, ListDef>;
  readonly issues: LoadIssue[];
}

const APPEND_DEPRECATED = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
const RULE_APPENDABLE = new Set(['condition', 'output', 'desc', 'tags', 'exceptions']);
const RULE_REPLACEABLE = new Set(['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration']);
const RULE_KEYS = new Set([
  'rule',
  'condition',
  'output',
  'desc',
  'priority',
  'source',
  'tags',
  'enabled',
  'exceptions',
  'append',
  'override',
  'warn_evttypes',
  'skip-if-unknown-filter',
  'capture',
  'capture_duration',
]);
const EXCEPTION_COMPS = new Set([
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'intersects',
  'pmatch',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'regex',
]);

/** Semver-ish comparison of dotted numbers; `15` means `0.15.0` (Falco's integer engine versions). */
export function compareVersions(a: string, b: string): number {
  const norm = (v: string): number[] => {
    const s = v.trim();
    const parts = /^\d+$/.test(s)
      ? [0, Number(s), 0]
      : s
          .split(/[.+-]/)
          .slice(0, 3)
          .map((x) => Number.parseInt(x, 10) || 0);
    while (parts.length < 3) parts.push(0);
    return parts;
  };
  const x = norm(a);
  const y = norm(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export interface CollectOptions {
  readonly engineVersion?: string;
  readonly plugins?: readonly ProvidedPlugin[];
}

/** Reads the files in order into one collection of rules, macros and lists. */
export function collect(files: readonly RuleFile[], options: CollectOptions = {}): Collected {
  const out: Collected = { rules: new Map(), macros: new Map(), lists: new Map(), issues: [] };
  for (const file of files) readFile(file, out, options);
  return out;
}

function readFile(file: RuleFile, out: Collected, options: CollectOptions): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const whereAt = (offset: number | undefined): Where => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file: file.name, line: pos.line, column: pos.col };
  };
  const whereOf = (node: YamlNode | null | undefined): Where => whereAt(node?.range?.[0]);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) out.issues.push({ level: 'error', code: 'YAML_SYNTAX', message: e.message.split('\n')[0] ?? e.message, where: whereAt(e.pos[0]) });
    return;
  }
  if (doc.contents === null) return;
  if (!isSeq(doc.contents)) {
    out.issues.push({ level: 'error', code: 'INVALID_FILE', message: 'rules content is not a YAML sequence of objects', where: whereOf(doc.contents) });
    return;
  }
  for (const node of doc.contents.items) {
    const where = whereOf(node);
    if (!isMap(node)) {
      out.issues.push({ level: 'error', code: 'INVALID_ITEM', message: 'unexpected element type: each element must be a YAML mapping', where });
      continue;
    }
    const obj = node.toJSON() as Record<string, unknown>;
    const keyWhere = (key: string): Where => {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      return whereOf(pair?.value ?? pair?.key ?? node);
    };
    const ctx: ItemCtx = { out, where, keyWhere, node, file };
    if ('rule' in obj) readRule(obj, ctx);
    else if ('macro' in obj) readMacro(obj, ctx);
    else if ('list' in obj) readList(obj, ctx);
    else if ('required_engine_version' in obj) checkEngineVersion(obj['required_engine_version'], ctx, options.engineVersion ?? ENGINE_VERSION);
    else if ('required_plugin_versions' in obj) checkPlugins(obj['required_plugin_versions'], ctx, options.plugins ?? PROVIDED_PLUGINS);
    else out.issues.push({ level: 'warning', code: 'UNKNOWN_ITEM', message: `unknown top-level object with keys ${Object.keys(obj).join(', ')}; ignored`, where });
  }
}

interface ItemCtx {
  readonly out: Collected;
  readonly where: Where;
  readonly keyWhere: (key: string) => Where;
  readonly node: YAMLMap;
  readonly file: RuleFile;
}

function issue(ctx: ItemCtx, level: IssueLevel, code: IssueCode, kind: NonNullable<LoadIssue['item']>['kind'], name: string, message: string, where: Where = ctx.where): void {
  ctx.out.issues.push({ level, code, message, where, item: { kind, name } });
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function checkEngineVersion(v: unknown, ctx: ItemCtx, engine: string): void {
  const required = str(v);
  if (required === undefined || !/^\d+(\.\d+){0,2}$/.test(required.trim())) {
    issue(ctx, 'error', 'ENGINE_VERSION', 'required_engine_version', String(v), `invalid required_engine_version '${String(v)}'`);
    return;
  }
  if (compareVersions(required, engine) > 0) {
    issue(ctx, 'error', 'ENGINE_VERSION', 'required_engine_version', required, `rules require engine version ${required}, but engine version is ${engine}`);
  }
}

function checkPlugins(v: unknown, ctx: ItemCtx, provided: readonly ProvidedPlugin[]): void {
  if (!Array.isArray(v)) {
    issue(ctx, 'error', 'PLUGIN_VERSION', 'required_plugin_versions', '', 'required_plugin_versions must be a sequence');
    return;
  }
  for (const req of v as unknown[]) {
    const r = req as { name?: unknown; version?: unknown; alternatives?: unknown };
    const name = str(r.name);
    const version = str(r.version);
    if (name === undefined || version === undefined) {
      issue(ctx, 'error', 'PLUGIN_VERSION', 'required_plugin_versions', name ?? '', 'each required plugin needs a name and a version');
      continue;
    }
    const candidates = [
      { name, version },
      ...(Array.isArray(r.alternatives) ? (r.alternatives as { name?: unknown; version?: unknown }[]).map((a) => ({ name: str(a.name) ?? '', version: str(a.version) ?? '0' })) : []),
    ];
    const match = candidates.map((c) => ({ c, p: provided.find((p) => p.name === c.name) })).find((x) => x.p !== undefined);
    if (match === undefined || match.p === undefined) {
      issue(ctx, 'warning', 'PLUGIN_NOT_PROVIDED', 'required_plugin_versions', name, `plugin '${name}' is not provided by this engine; rules that use its fields are skipped`);
      continue;
    }
    const major = (s: string): number => Number.parseInt(s.split('.')[0] ?? '0', 10);
    if (major(match.p.version) !== major(match.c.version) || compareVersions(match.p.version, match.c.version) < 0) {
      issue(ctx, 'error', 'PLUGIN_VERSION', 'required_plugin_versions', name, `plugin '${match.c.name}' version ${match.p.version} is not compatible with required version ${match.c.version}`);
    }
  }
}

/** The keys of an override directive, validated; undefined (with an issue) when invalid. */
function readOverride(
  obj: Record<string, unknown>,
  ctx: ItemCtx,
  kind: 'rule' | 'macro' | 'list',
  name: string,
  appendable: Set<string>,
  replaceable: Set<string>,
): Map<string, 'append' | 'replace'> | undefined {
  const o = obj['override'];
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    issue(ctx, 'error', 'INVALID_OVERRIDE', kind, name, "'override' must be a mapping of key to append or replace", ctx.keyWhere('override'));
    return undefined;
  }
  if (obj['append'] !== undefined) {
    issue(
      ctx,
      'error',
      'INVALID_OVERRIDE',
      kind,
      name,
      "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.",
      ctx.keyWhere('append'),
    );
    return undefined;
  }
  const result = new Map<string, 'append' | 'replace'>();
  for (const [key, mode] of Object.entries(o as Record<string, unknown>)) {
    if (mode !== 'append' && mode !== 'replace') {
      issue(ctx, 'error', 'INVALID_OVERRIDE', kind, name, `override of '${key}' must be 'append' or 'replace', not '${String(mode)}'`, ctx.keyWhere('override'));
      return undefined;
    }
    if (!(mode === 'append' ? appendable : replaceable).has(key)) {
      issue(ctx, 'error', 'INVALID_OVERRIDE', kind, name, `key '${key}' cannot be ${mode === 'append' ? 'appended to' : 'replaced'}`, ctx.keyWhere('override'));
      return undefined;
    }
    if (!(key in obj)) {
      issue(ctx, 'error', 'INVALID_OVERRIDE', kind, name, `override of '${key}' without a '${key}' key`, ctx.keyWhere('override'));
      return undefined;
    }
    result.set(key, mode);
  }
  for (const key of Object.keys(obj)) {
    if (key === kind || key === 'override') continue;
    if (!result.has(key)) {
      issue(ctx, 'error', 'INVALID_OVERRIDE', kind, name, `unexpected key '${key}': an 'override' directive must be provided for each key other than the name`, ctx.keyWhere(key));
      return undefined;
    }
  }
  return result;
}

function readList(obj: Record<string, unknown>, ctx: ItemCtx): void {
  const name = str(obj['list']) ?? '';
  const lists = ctx.out.lists;
  const itemsRaw = obj['items'];
  if (name === '') {
    issue(ctx, 'error', 'MISSING_KEY', 'list', name, 'list has no name');
    return;
  }
  if (!Array.isArray(itemsRaw)) {
    issue(ctx, 'error', 'MISSING_KEY', 'list', name, "list has no sequence for key 'items'", ctx.keyWhere('items'));
    return;
  }
  const items = (itemsRaw as unknown[]).map((i) => str(i) ?? JSON.stringify(i));
  let mode: 'append' | 'replace' | 'define' = obj['append'] === true ? 'append' : 'define';
  if (mode === 'append' && !('override' in obj)) issue(ctx, 'warning', 'DEPRECATED', 'list', name, APPEND_DEPRECATED, ctx.keyWhere('append'));
  if ('override' in obj) {
    const o = readOverride(obj, ctx, 'list', name, new Set(['items']), new Set(['items']));
    if (o === undefined) return;
    mode = o.get('items') ?? 'replace';
  }
  const prev = lists.get(name);
  if (mode !== 'define' && prev === undefined) {
    issue(ctx, 'error', 'APPEND_WITHOUT_TARGET', 'list', name, "List uses 'append' or 'override.items: append' but no list by that name already exists");
    return;
  }
  if (mode === 'append' && prev !== undefined) prev.items.push(...items);
  else if (mode === 'replace' && prev !== undefined) prev.items = items;
  else lists.set(name, { name, items, where: ctx.where });
}

function readMacro(obj: Record<string, unknown>, ctx: ItemCtx): void {
  const name = str(obj['macro']) ?? '';
  if (name === '') {
    issue(ctx, 'error', 'MISSING_KEY', 'macro', name, 'macro has no name');
    return;
  }
  const condition = str(obj['condition']);
  if (condition === undefined) {
    issue(ctx, 'error', 'MISSING_KEY', 'macro', name, "macro has no mapping for key 'condition'");
    return;
  }
  let mode: 'append' | 'replace' | 'define' = obj['append'] === true ? 'append' : 'define';
  if (mode === 'append' && !('override' in obj)) issue(ctx, 'warning', 'DEPRECATED', 'macro', name, APPEND_DEPRECATED, ctx.keyWhere('append'));
  if ('override' in obj) {
    const o = readOverride(obj, ctx, 'macro', name, new Set(['condition']), new Set(['condition']));
    if (o === undefined) return;
    mode = o.get('condition') ?? 'replace';
  }
  const prev = ctx.out.macros.get(name);
  if (mode !== 'define' && prev === undefined) {
    issue(ctx, 'error', 'APPEND_WITHOUT_TARGET', 'macro', name, "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists");
    return;
  }
  if (mode === 'append' && prev !== undefined) prev.condition = `${prev.condition} ${condition}`;
  else if (mode === 'replace' && prev !== undefined) {
    prev.condition = condition;
    prev.conditionWhere = ctx.keyWhere('condition');
  } else ctx.out.macros.set(name, { name, condition, conditionWhere: ctx.keyWhere('condition'), where: ctx.where });
}

function readExceptions(raw: unknown, ctx: ItemCtx, ruleName: string, requireFields: boolean): ExceptionDef[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, "'exceptions' must be a sequence", ctx.keyWhere('exceptions'));
    return undefined;
  }
  const result: ExceptionDef[] = [];
  for (const e of raw as unknown[]) {
    const ex = (e ?? {}) as Record<string, unknown>;
    const name = str(ex['name']);
    const where = ctx.keyWhere('exceptions');
    if (name === undefined) {
      issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, "exception has no mapping for key 'name'", where);
      return undefined;
    }
    const fields = ex['fields'];
    const comps = ex['comps'];
    const values = ex['values'] === undefined ? [] : ex['values'];
    if (!Array.isArray(values)) {
      issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': 'values' must be a sequence`, where);
      return undefined;
    }
    if (fields === undefined) {
      if (requireFields) {
        issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}' has no mapping for key 'fields'`, where);
        return undefined;
      }
      result.push({ name, fields: [], comps: undefined, values: values as unknown[], where });
      continue;
    }
    const fieldList = typeof fields === 'string' ? fields : Array.isArray(fields) ? (fields as unknown[]).map((f) => str(f) ?? '') : undefined;
    if (fieldList === undefined) {
      issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': 'fields' must be a string or a sequence`, where);
      return undefined;
    }
    let compList: string | string[] | undefined;
    if (comps !== undefined) {
      compList = typeof comps === 'string' ? comps : Array.isArray(comps) ? (comps as unknown[]).map((c) => str(c) ?? '') : undefined;
      if (compList === undefined) {
        issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': 'comps' must be a string or a sequence`, where);
        return undefined;
      }
      if (typeof fieldList === 'string' ? typeof compList !== 'string' : !Array.isArray(compList) || compList.length !== fieldList.length) {
        issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': fields and comps lengths do not match`, where);
        return undefined;
      }
      for (const c of typeof compList === 'string' ? [compList] : compList) {
        if (!EXCEPTION_COMPS.has(c)) {
          issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': invalid comparison operator '${c}'`, where);
          return undefined;
        }
      }
    }
    if (Array.isArray(fieldList)) {
      for (const v of values as unknown[]) {
        if (!Array.isArray(v) || v.length !== fieldList.length) {
          issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', ruleName, `exception '${name}': each value must be a sequence of ${fieldList.length} items, one per field`, where);
          return undefined;
        }
      }
    }
    result.push({ name, fields: fieldList, comps: compList, values: values as unknown[], where });
  }
  return result;
}

function mergeExceptions(target: RuleDef, added: readonly ExceptionDef[], ctx: ItemCtx): boolean {
  for (const ex of added) {
    const existing = target.exceptions.find((e) => e.name === ex.name);
    if (existing !== undefined) {
      if (Array.isArray(ex.fields) ? ex.fields.length > 0 : true) {
        issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', target.name, `exception '${ex.name}' exists: only its values can be appended, not fields or comps`, ex.where);
        return false;
      }
      existing.values.push(...ex.values);
    } else if (Array.isArray(ex.fields) && ex.fields.length === 0) {
      issue(ctx, 'error', 'INVALID_EXCEPTION', 'rule', target.name, `exception '${ex.name}' has no mapping for key 'fields'`, ex.where);
      return false;
    } else target.exceptions.push(ex);
  }
  return true;
}

function readTags(v: unknown, ctx: ItemCtx, name: string): string[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issue(ctx, 'error', 'INVALID_ITEM', 'rule', name, "'tags' must be a sequence", ctx.keyWhere('tags'));
    return undefined;
  }
  return (v as unknown[]).map((t) => str(t) ?? '');
}

function readRule(obj: Record<string, unknown>, ctx: ItemCtx): void {
  const name = str(obj['rule']) ?? '';
  if (name === '') {
    issue(ctx, 'error', 'MISSING_KEY', 'rule', name, 'rule has no name');
    return;
  }
  for (const key of Object.keys(obj)) {
    if (!RULE_KEYS.has(key)) issue(ctx, 'warning', 'UNKNOWN_KEY', 'rule', name, `unknown key '${key}' ignored`, ctx.keyWhere(key));
  }
  const rules = ctx.out.rules;
  const prev = rules.get(name);
  const enabledRaw = obj['enabled'];
  if (enabledRaw !== undefined && typeof enabledRaw !== 'boolean') {
    issue(ctx, 'error', 'INVALID_ITEM', 'rule', name, "'enabled' must be true or false", ctx.keyWhere('enabled'));
    return;
  }

  let override: Map<string, 'append' | 'replace'> | undefined;
  if ('override' in obj) {
    override = readOverride(obj, ctx, 'rule', name, RULE_APPENDABLE, RULE_REPLACEABLE);
    if (override === undefined) return;
  } else if (obj['append'] === true) {
    issue(ctx, 'warning', 'DEPRECATED', 'rule', name, APPEND_DEPRECATED, ctx.keyWhere('append'));
    override = new Map();
    for (const key of Object.keys(obj)) {
      if (key === 'rule' || key === 'append') continue;
      if (key === 'enabled') override.set(key, 'replace');
      else if (RULE_APPENDABLE.has(key)) override.set(key, 'append');
      else {
        issue(ctx, 'error', 'INVALID_OVERRIDE', 'rule', name, `key '${key}' cannot be appended to`, ctx.keyWhere(key));
        return;
      }
    }
  } else if (Object.keys(obj).every((k) => k === 'rule' || k === 'enabled') && enabledRaw !== undefined) {
    // Legacy toggle: `- rule: X` with only `enabled:` changes an existing rule.
    issue(
      ctx,
      'warning',
      'DEPRECATED',
      'rule',
      name,
      "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').",
      ctx.keyWhere('enabled'),
    );
    override = new Map([['enabled', 'replace']]);
  }

  if (override !== undefined) {
    if (prev === undefined) {
      const appends = [...override.values()].includes('append');
      issue(
        ctx,
        'error',
        'APPEND_WITHOUT_TARGET',
        'rule',
        name,
        appends
          ? "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"
          : "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
      );
      return;
    }
    const source = obj['source'];
    if (source !== undefined && str(source) !== prev.source) {
      const shown = typeof source === 'string' ? source : JSON.stringify(source);
      issue(ctx, 'error', 'INVALID_OVERRIDE', 'rule', name, `rule '${name}' is defined for source '${prev.source}', not '${shown}'`, ctx.keyWhere('source'));
      return;
    }
    const next: RuleDef = { ...prev, tags: [...prev.tags], exceptions: prev.exceptions.map((e) => ({ ...e, values: [...e.values] })) };
    for (const [key, mode] of override) {
      const v = obj[key];
      switch (key) {
        case 'condition':
        case 'output':
        case 'desc': {
          const s = str(v);
          if (s === undefined) {
            issue(ctx, 'error', 'INVALID_ITEM', 'rule', name, `'${key}' must be a string`, ctx.keyWhere(key));
            return;
          }
          next[key] = mode === 'append' ? `${next[key]} ${s}` : s;
          if (key === 'condition' && mode === 'replace') next.conditionWhere = ctx.keyWhere('condition');
          break;
        }
        case 'priority': {
          const p = parsePriority(str(v) ?? '');
          if (p === undefined) {
            issue(ctx, 'error', 'INVALID_PRIORITY', 'rule', name, `invalid priority '${String(v)}'`, ctx.keyWhere(key));
            return;
          }
          next.priority = p;
          break;
        }
        case 'tags': {
          const tags = readTags(v, ctx, name);
          if (tags === undefined) return;
          next.tags = mode === 'append' ? [...next.tags, ...tags.filter((t) => !next.tags.includes(t))] : tags;
          break;
        }
        case 'enabled':
          next.enabled = v === true;
          break;
        case 'skip-if-unknown-filter':
          next.skipIfUnknownFilter = v === true;
          break;
        case 'exceptions': {
          const ex = readExceptions(v, ctx, name, mode === 'replace');
          if (ex === undefined) return;
          if (mode === 'replace') next.exceptions = ex;
          else if (!mergeExceptions(next, ex, ctx)) return;
          break;
        }
        default:
          break;
      }
    }
    rules.set(name, next);
    return;
  }

  for (const key of ['condition', 'output', 'desc', 'priority'] as const) {
    if (obj[key] === undefined || str(obj[key]) === undefined) {
      issue(ctx, 'error', 'MISSING_KEY', 'rule', name, `rule has no mapping for key '${key}'`);
      return;
    }
  }
  const priority = parsePriority(str(obj['priority']) ?? '');
  if (priority === undefined) {
    issue(ctx, 'error', 'INVALID_PRIORITY', 'rule', name, `invalid priority '${String(obj['priority'])}'`, ctx.keyWhere('priority'));
    return;
  }
  const tags = readTags(obj['tags'], ctx, name);
  if (tags === undefined) return;
  const exceptions = readExceptions(obj['exceptions'], ctx, name, true);
  if (exceptions === undefined) return;
  const def: RuleDef = {
    name,
    condition: str(obj['condition']) ?? '',
    conditionWhere: ctx.keyWhere('condition'),
    output: (str(obj['output']) ?? '').trim(),
    desc: str(obj['desc']) ?? '',
    priority,
    source: str(obj['source']) ?? 'syscall',
    tags,
    enabled: enabledRaw !== false,
    exceptions,
    skipIfUnknownFilter: obj['skip-if-unknown-filter'] === true,
    where: ctx.where,
  };
  // A redefinition replaces the earlier rule in place (Falco's indexed_vector).
  rules.set(name, def);
}
