import { readFile } from 'node:fs/promises';
import { isSeverity } from '@sekisho/model';
import type { Severity } from '@sekisho/model';
import { SekishoError } from '../../errors.js';
import { validateAllowlist, validateRule } from './engine.js';
import { translateGoRegex } from './go-regex.js';
import { BUILTIN_RULES } from './rules.js';
import { GLOBAL_ALLOWLIST_IDS } from './types.js';
import type { GlobalAllowlistId, SecretAllowlist, SecretRule, SecretsOptions } from './types.js';
import { lazyModule } from '../../util/lazy-module.js';
import type * as SmolToml from 'smol-toml';

const yaml = lazyModule<typeof import('yaml')>('yaml');
const smolToml = lazyModule<typeof SmolToml>('smol-toml');

/**
 * User secret rules from a gitleaks configuration (TOML: `[[rules]]`, `[allowlist]` /
 * `[[allowlists]]`, `[extend]`) or a Trivy `trivy-secret.yaml` (`rules`, `allow-rules`,
 * `enable-builtin-rules`, `disable-rules`, `disable-allow-rules`). Patterns are Go RE2; they are
 * translated (`go-regex.ts`) and every one must pass the regex-safety check, or the file is
 * refused with CONFIG_INVALID naming each rule and why.
 *
 * gitleaks: https://github.com/gitleaks/gitleaks#configuration ;
 * Trivy: https://trivy.dev/latest/docs/scanner/secret/#configuration
 */

export type SecretConfigFormat = 'gitleaks' | 'trivy';

/** What a user config changes in the analyzer options. */
export type SecretConfig = Pick<SecretsOptions, 'extraRules' | 'disabledRules' | 'builtinRules' | 'allowlists' | 'disabledGlobalAllowlists'>;

export interface SecretConfigProblem {
  /** The rule the problem is in, or null for the file as a whole. */
  readonly ruleId: string | null;
  readonly message: string;
}

export interface ParsedSecretConfig {
  readonly format: SecretConfigFormat;
  /** The usable part: rules and allowlists without problems. */
  readonly config: SecretConfig;
  /** Rules and settings that cannot be used, with the reason; a loader refuses the file when any exist. */
  readonly problems: readonly SecretConfigProblem[];
}

/** Largest config file read. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_RULES = 2000;

const BUILTIN_IDS = new Set(BUILTIN_RULES.map((rule) => rule.id));

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown, what: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    problems.push(`${what} must be a list of strings`);
    return [];
  }
  return value;
}

function optionalString(value: unknown, what: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${what} must be a string`);
    return undefined;
  }
  return value;
}

/** A Go pattern as JavaScript source, or a problem. */
function pattern(source: string, what: string, problems: string[]): string | null {
  const result = translateGoRegex(source);
  if (!result.ok) {
    problems.push(`${what} '${source}': ${result.error}`);
    return null;
  }
  return result.source;
}

function patterns(sources: readonly string[], what: string, problems: string[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    const translated = pattern(source, what, problems);
    if (translated !== null) out.push(translated);
  }
  return out;
}

/** A gitleaks allowlist table (`[[rules.allowlists]]`, `[rules.allowlist]`, `[[allowlists]]`, `[allowlist]`). */
function gitleaksAllowlist(table: Table, problems: string[]): SecretAllowlist & { readonly targetRules?: readonly string[] } {
  const condition = optionalString(table['condition'], 'allowlist condition', problems)?.toUpperCase();
  if (condition !== undefined && condition !== 'AND' && condition !== 'OR') problems.push(`allowlist condition must be AND or OR, not '${condition}'`);
  const target = optionalString(table['regexTarget'], 'allowlist regexTarget', problems);
  if (target !== undefined && target !== 'secret' && target !== 'match' && target !== 'line') {
    problems.push(`allowlist regexTarget must be secret, match or line, not '${target}'`);
  }
  const description = optionalString(table['description'], 'allowlist description', problems);
  const targetRules = strings(table['targetRules'], 'allowlist targetRules', problems);
  // `commits` name git commits: an image has none, so they never apply.
  return {
    ...(description === undefined ? {} : { description }),
    ...(condition === 'AND' ? { condition: 'AND' as const } : {}),
    paths: patterns(strings(table['paths'], 'allowlist paths', problems), 'allowlist path', problems),
    regexes: patterns(strings(table['regexes'], 'allowlist regexes', problems), 'allowlist regex', problems),
    ...(target === 'match' || target === 'line' ? { regexTarget: target } : {}),
    stopwords: strings(table['stopwords'], 'allowlist stopwords', problems),
    ...(targetRules.length > 0 ? { targetRules } : {}),
  };
}

function tables(value: unknown, what: string, problems: string[]): Table[] {
  if (value === undefined) return [];
  if (isTable(value)) return [value];
  if (Array.isArray(value) && value.every(isTable)) return value;
  problems.push(`${what} must be a table or an array of tables`);
  return [];
}

function severityOf(value: unknown, fallback: Severity): Severity {
  if (typeof value !== 'string') return fallback;
  const lower = value.toLowerCase();
  return isSeverity(lower) ? lower : fallback;
}

interface RuleInput {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly regex: string;
  readonly secretGroup: number | string | undefined;
  readonly keywords: readonly string[];
  readonly entropy: number | undefined;
  readonly path: string | undefined;
  readonly allowlists: readonly SecretAllowlist[];
}

/** One user rule with its regexes translated and checked; null with problems when unusable. */
function buildRule(input: RuleInput, problems: string[]): SecretRule | null {
  const translated = translateGoRegex(input.regex);
  if (!translated.ok) {
    problems.push(`regex: ${translated.error}`);
    return null;
  }
  let secretGroup: number | 'first' | undefined;
  if (typeof input.secretGroup === 'number') {
    if (input.secretGroup > translated.groups) problems.push(`secretGroup ${input.secretGroup} but the regex has ${translated.groups} groups`);
    secretGroup = input.secretGroup;
  } else if (typeof input.secretGroup === 'string') {
    const group = translated.names.get(input.secretGroup);
    if (group === undefined) problems.push(`secret group '${input.secretGroup}' is not a named group of the regex`);
    secretGroup = group;
  } else if (translated.groups > 0) {
    // gitleaks: without secretGroup the secret is the first non-empty group.
    secretGroup = 'first';
  }
  const pathRegex = input.path === undefined ? undefined : pattern(input.path, 'path', problems);
  const rule: SecretRule = {
    id: input.id,
    title: input.title,
    description: input.description,
    severity: input.severity,
    regex: translated.source,
    keywords: input.keywords.map((k) => k.toLowerCase()),
    ...(input.entropy === undefined ? {} : { entropy: input.entropy }),
    ...(pathRegex === undefined || pathRegex === null ? {} : { pathRegex }),
    ...(input.allowlists.length > 0 ? { allowlists: input.allowlists } : {}),
    ...(secretGroup === undefined ? {} : { secretGroup }),
  };
  problems.push(...validateRule(rule));
  return problems.length > 0 ? null : rule;
}

/** Parse a gitleaks TOML configuration. */
export function parseGitleaksConfig(text: string): ParsedSecretConfig {
  const problems: SecretConfigProblem[] = [];
  let doc: Table;
  try {
    doc = smolToml().parse(text);
  } catch (error) {
    return { format: 'gitleaks', config: {}, problems: [{ ruleId: null, message: `not valid TOML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const fileProblems: string[] = [];
  let builtinRules: SecretsOptions['builtinRules'] = 'none';
  const disabledRules: string[] = [];
  const extend = doc['extend'];
  if (extend !== undefined) {
    if (!isTable(extend)) fileProblems.push('[extend] must be a table');
    else {
      if (extend['path'] !== undefined || extend['url'] !== undefined) {
        fileProblems.push('[extend] path/url: extending another file is not supported; merge the rules into this file');
      }
      if (extend['useDefault'] === true) builtinRules = 'all';
      for (const id of strings(extend['disabledRules'], '[extend] disabledRules', fileProblems)) disabledRules.push(id);
    }
  }
  const globals: SecretAllowlist[] = [];
  const targeted = new Map<string, SecretAllowlist[]>();
  for (const table of [...tables(doc['allowlist'], '[allowlist]', fileProblems), ...tables(doc['allowlists'], '[[allowlists]]', fileProblems)]) {
    const { targetRules, ...allowlist } = gitleaksAllowlist(table, fileProblems);
    const unsafe = validateAllowlist(allowlist);
    if (targetRules === undefined) {
      for (const problem of unsafe) fileProblems.push(`global ${problem}`);
      if (unsafe.length === 0) globals.push(allowlist);
    } else for (const id of targetRules) targeted.set(id, [...(targeted.get(id) ?? []), allowlist]);
  }
  for (const message of fileProblems) problems.push({ ruleId: null, message });

  const rules: SecretRule[] = [];
  const ruleTables = tables(doc['rules'], '[[rules]]', []);
  if (ruleTables.length > MAX_RULES) problems.push({ ruleId: null, message: `more than ${MAX_RULES} rules` });
  const seen = new Set<string>();
  for (const [index, table] of ruleTables.slice(0, MAX_RULES).entries()) {
    const ruleProblems: string[] = [];
    const id = typeof table['id'] === 'string' ? table['id'] : `rules[${index}]`;
    if (seen.has(id)) ruleProblems.push('defined twice');
    seen.add(id);
    const regex = optionalString(table['regex'], 'regex', ruleProblems);
    const path = optionalString(table['path'], 'path', ruleProblems);
    if (table['required'] !== undefined) ruleProblems.push('composite rules ([[rules.required]]) are not supported');
    if (regex === undefined) {
      ruleProblems.push(path === undefined ? 'no regex' : 'a path-only rule (no regex) reports files by name; Sekisho reports sensitive files in the hardening scanner');
    }
    const allowlists = [...tables(table['allowlist'], 'allowlist', ruleProblems), ...tables(table['allowlists'], 'allowlists', ruleProblems)].map((t) => {
      const { targetRules: _ignored, ...allowlist } = gitleaksAllowlist(t, ruleProblems);
      return allowlist;
    });
    const entropy = table['entropy'];
    if (entropy !== undefined && typeof entropy !== 'number') ruleProblems.push('entropy must be a number');
    const secretGroup = table['secretGroup'];
    if (secretGroup !== undefined && typeof secretGroup !== 'number') ruleProblems.push('secretGroup must be a number');
    const description = optionalString(table['description'], 'description', ruleProblems) ?? id;
    if (ruleProblems.length === 0 && regex !== undefined) {
      const rule = buildRule(
        {
          id,
          title: description,
          description: `${description} (user rule from a gitleaks configuration).`,
          severity: 'high',
          regex,
          secretGroup: typeof secretGroup === 'number' ? secretGroup : undefined,
          keywords: strings(table['keywords'], 'keywords', ruleProblems),
          entropy: typeof entropy === 'number' ? entropy : undefined,
          path,
          allowlists: [...allowlists, ...(targeted.get(id) ?? [])],
        },
        ruleProblems,
      );
      if (rule !== null) rules.push(rule);
    }
    for (const message of ruleProblems) problems.push({ ruleId: id, message });
  }
  return { format: 'gitleaks', config: assemble(rules, builtinRules, disabledRules, globals, [], problems), problems };
}

/** Parse a Trivy `trivy-secret.yaml`. */
export function parseTrivySecretConfig(text: string): ParsedSecretConfig {
  const problems: SecretConfigProblem[] = [];
  let doc: unknown;
  try {
    doc = yaml().parse(text, { maxAliasCount: 100, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    return { format: 'trivy', config: {}, problems: [{ ruleId: null, message: `not valid YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isTable(doc)) return { format: 'trivy', config: {}, problems: [{ ruleId: null, message: 'the top level must be a mapping' }] };
  const fileProblems: string[] = [];
  const enable = strings(doc['enable-builtin-rules'], 'enable-builtin-rules', fileProblems);
  const disabledRules = strings(doc['disable-rules'], 'disable-rules', fileProblems);
  const disabledAllow: GlobalAllowlistId[] = [];
  for (const id of strings(doc['disable-allow-rules'], 'disable-allow-rules', fileProblems)) {
    if ((GLOBAL_ALLOWLIST_IDS as readonly string[]).includes(id)) disabledAllow.push(id as GlobalAllowlistId);
    else fileProblems.push(`disable-allow-rules: unknown allow rule '${id}' (Sekisho's are ${GLOBAL_ALLOWLIST_IDS.join(', ')})`);
  }
  for (const id of enable) {
    if (!BUILTIN_IDS.has(id)) fileProblems.push(`enable-builtin-rules: unknown built-in rule '${id}' (Sekisho's rule ids differ from Trivy's; see the secrets readme)`);
  }
  const globals = trivyAllowRules(doc['allow-rules'], 'allow-rules', fileProblems);
  for (const message of fileProblems) problems.push({ ruleId: null, message });

  const rules: SecretRule[] = [];
  const list = doc['rules'] ?? [];
  const ruleItems = Array.isArray(list) ? list : [];
  if (!Array.isArray(list)) problems.push({ ruleId: null, message: 'rules must be a list' });
  const seen = new Set<string>();
  for (const [index, item] of ruleItems.slice(0, MAX_RULES).entries()) {
    const ruleProblems: string[] = [];
    const table = isTable(item) ? item : {};
    if (!isTable(item)) ruleProblems.push('a rule must be a mapping');
    const id = typeof table['id'] === 'string' ? table['id'] : `rules[${index}]`;
    if (seen.has(id)) ruleProblems.push('defined twice');
    seen.add(id);
    const regex = optionalString(table['regex'], 'regex', ruleProblems);
    if (regex === undefined) ruleProblems.push('no regex');
    if (table['exclude-block'] !== undefined) ruleProblems.push('exclude-block is not supported');
    const title = optionalString(table['title'], 'title', ruleProblems) ?? id;
    const category = optionalString(table['category'], 'category', ruleProblems);
    const path = optionalString(table['path'], 'path', ruleProblems);
    const groupName = optionalString(table['secret-group-name'], 'secret-group-name', ruleProblems);
    const allowlists = trivyAllowRules(table['allow-rules'], 'allow-rules', ruleProblems);
    if (ruleProblems.length === 0 && regex !== undefined) {
      const rule = buildRule(
        {
          id,
          title,
          description: `${title}${category === undefined ? '' : ` (${category})`} (user rule from a Trivy secret configuration).`,
          severity: severityOf(table['severity'], 'unknown'),
          regex,
          secretGroup: groupName,
          keywords: strings(table['keywords'], 'keywords', ruleProblems),
          entropy: undefined,
          path,
          allowlists,
        },
        ruleProblems,
      );
      if (rule !== null) rules.push(rule);
    }
    for (const message of ruleProblems) problems.push({ ruleId: id, message });
  }
  const builtinRules: SecretsOptions['builtinRules'] = enable.length > 0 ? enable.filter((id) => BUILTIN_IDS.has(id)) : 'all';
  return { format: 'trivy', config: assemble(rules, builtinRules, disabledRules, globals, disabledAllow, problems), problems };
}

/** Trivy allow rules: each one's `path` and `regex` (tested against the match) drop a match on their own. */
function trivyAllowRules(value: unknown, what: string, problems: string[]): SecretAllowlist[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${what} must be a list`);
    return [];
  }
  const out: SecretAllowlist[] = [];
  for (const item of value) {
    if (!isTable(item)) {
      problems.push(`${what}: an allow rule must be a mapping`);
      continue;
    }
    const id = optionalString(item['id'], `${what} id`, problems);
    const description = optionalString(item['description'], `${what} description`, problems) ?? id;
    const regex = optionalString(item['regex'], `${what} regex`, problems);
    const path = optionalString(item['path'], `${what} path`, problems);
    const allowlist: SecretAllowlist = {
      ...(description === undefined ? {} : { description }),
      paths: path === undefined ? [] : patterns([path], `${what} path`, problems),
      regexes: regex === undefined ? [] : patterns([regex], `${what} regex`, problems),
      regexTarget: 'match',
    };
    for (const problem of validateAllowlist(allowlist)) problems.push(`${what}${id === undefined ? '' : ` '${id}'`}: ${problem}`);
    out.push(allowlist);
  }
  return out;
}

/** Options from the usable rules; a user rule with a built-in rule's id replaces the built-in one. */
function assemble(
  rules: readonly SecretRule[],
  builtinRules: SecretsOptions['builtinRules'],
  disabledRules: readonly string[],
  allowlists: readonly SecretAllowlist[],
  disabledGlobalAllowlists: readonly GlobalAllowlistId[],
  problems: SecretConfigProblem[],
): SecretConfig {
  const userIds = new Set(rules.map((rule) => rule.id));
  const base = builtinRules === 'none' ? [] : builtinRules === undefined || builtinRules === 'all' ? [...BUILTIN_IDS] : [...builtinRules];
  const keptList = base.filter((id) => !userIds.has(id));
  const kept: SecretsOptions['builtinRules'] = builtinRules === 'none' ? 'none' : keptList.length === BUILTIN_IDS.size ? 'all' : keptList;
  const active = new Set([...keptList, ...userIds]);
  const disabled: string[] = [];
  for (const id of disabledRules) {
    if (active.has(id)) disabled.push(id);
    else if (!BUILTIN_IDS.has(id)) problems.push({ ruleId: null, message: `cannot disable unknown secret rule '${id}'` });
  }
  return {
    ...(rules.length > 0 ? { extraRules: rules } : {}),
    ...(kept === 'all' ? {} : { builtinRules: kept }),
    ...(disabled.length > 0 ? { disabledRules: disabled } : {}),
    ...(allowlists.length > 0 ? { allowlists } : {}),
    ...(disabledGlobalAllowlists.length > 0 ? { disabledGlobalAllowlists } : {}),
  };
}

/** gitleaks TOML or Trivy YAML, by extension, else by content. */
export function detectSecretConfigFormat(file: string, text: string): SecretConfigFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.toml')) return 'gitleaks';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'trivy';
  return /^\s*\[\[?(?:rules|allowlists?|extend)\]\]?/m.test(text) ? 'gitleaks' : 'trivy';
}

export function parseSecretConfig(text: string, format: SecretConfigFormat): ParsedSecretConfig {
  return format === 'gitleaks' ? parseGitleaksConfig(text) : parseTrivySecretConfig(text);
}

/**
 * Read a user secret configuration; throws SekishoError CONFIG_INVALID naming every rule that
 * cannot be used (translation, regex-safety or validation) and why.
 */
export async function loadSecretConfig(file: string): Promise<SecretConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `cannot read secret config ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (bytes.length > MAX_CONFIG_BYTES) throw new SekishoError('CONFIG_INVALID', `secret config ${file} is larger than ${MAX_CONFIG_BYTES} bytes`);
  const text = bytes.toString('utf8');
  const parsed = parseSecretConfig(text, detectSecretConfigFormat(file, text));
  if (parsed.problems.length > 0) {
    const lines = parsed.problems.slice(0, 50).map((p) => `  ${p.ruleId === null ? '(file)' : `rule '${p.ruleId}'`}: ${p.message}`);
    if (parsed.problems.length > 50) lines.push(`  … and ${parsed.problems.length - 50} more`);
    throw new SekishoError('CONFIG_INVALID', `secret config ${file} (${parsed.format}) was refused:\n${lines.join('\n')}`);
  }
  return parsed.config;
}
