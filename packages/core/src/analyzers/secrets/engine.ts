import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { Severity } from '@sekisho/model';
import { SekishoError } from '../../errors.js';
import { distinctChars, dominantShare, shannonEntropy } from './entropy.js';
import { KeywordIndex } from './keyword-index.js';
import { redact } from './redact.js';
import { checkRegexSafety } from './regex-safety.js';
import { BUILTIN_RULES, GLOBAL_ALLOW_PATHS, GLOBAL_ALLOW_REGEXES, GLOBAL_STOPWORDS } from './rules.js';
import { GLOBAL_ALLOWLIST_IDS, SECRET_VALIDATORS } from './types.js';
import type { GlobalAllowlistId, SecretAllowlist, SecretAnalyzerFinding, SecretRule, SecretsOptions } from './types.js';
import { VALIDATORS } from './validators.js';
import { ruleRegExp } from './rule-regexp.js';

/** Bytes of a line window before and after a keyword hit: regexes never see more than 4 KiB. */
export const LINE_WINDOW_BEFORE = 2048;
export const LINE_WINDOW_AFTER = 2048;
/** Block rules (PEM, JSON objects) look further ahead, still bounded. */
export const BLOCK_WINDOW_BEFORE = 2048;
export const BLOCK_WINDOW_AFTER = 32 * 1024;
/** Window for path-selected rules without keywords (small files such as Rails master.key). */
export const WHOLE_FILE_WINDOW = 64 * 1024;
/** A keyword hit closer than this to the previous recorded hit of the same keyword adds no window. */
export const HIT_SPACING = 1024;
export const MAX_WINDOW = Math.max(LINE_WINDOW_BEFORE + LINE_WINDOW_AFTER, BLOCK_WINDOW_BEFORE + BLOCK_WINDOW_AFTER, WHOLE_FILE_WINDOW);
const MAX_MATCHES_PER_WINDOW = 64;
/** Findings kept per file; beyond it the rest is counted, not reported. */
export const MAX_FINDINGS_PER_FILE = 100;
/** Candidates per rule per file: per rule, so one rule's padding never hides another rule's match. */
export const MAX_CANDIDATES_PER_RULE = 1000;
const MAX_SECRET_LENGTH = 16 * 1024;
/** A generic match with this many ascending characters in a row is a placeholder (1 in ~10^8 for random base62). */
const GENERIC_MAX_RUN = 6;

export const SECRETS_ANALYZER_ID = 'secrets';

const DEFAULT_FIX =
  'Remove the secret from the image and rotate it: a later layer that deletes the file does not remove it from the image. Pass build secrets with `RUN --mount=type=secret` and runtime secrets through the environment or a secret store.';

export interface CompiledRule {
  readonly rule: SecretRule;
  readonly index: number;
  readonly regex: RegExp;
  readonly keywordIds: readonly number[];
  readonly onlyPaths: ((path: string) => boolean) | null;
  readonly allowPaths: ((path: string) => boolean) | null;
  readonly allowRegexes: readonly RegExp[];
  readonly stopwords: readonly string[];
  readonly pathRegex: RegExp | null;
  readonly allowlists: readonly CompiledAllowlist[];
}

/** A gitleaks-style allowlist, compiled. */
export interface CompiledAllowlist {
  readonly and: boolean;
  readonly paths: readonly RegExp[];
  readonly regexes: readonly RegExp[];
  readonly target: 'secret' | 'match' | 'line';
  readonly stopwords: readonly string[];
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  readonly byId: ReadonlyMap<string, CompiledRule>;
  readonly keywords: KeywordIndex;
  readonly globalAllowPath: (path: string) => boolean;
  readonly globalAllowRegexes: readonly RegExp[];
  readonly globalStopwords: readonly string[];
  /** User allowlists applied to every rule. */
  readonly allowlists: readonly CompiledAllowlist[];
  readonly showSecrets: boolean;
  /** SHA-256 over the effective rule set and options: part of the cache key of layer results. */
  readonly fingerprint: string;
}

function invalid(message: string): SekishoError {
  return new SekishoError('CONFIG_INVALID', message);
}

/** Problems with one rule; empty when it can run. */
export function validateRule(rule: SecretRule): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(rule.id)) problems.push('id must be kebab-case');
  if (rule.keywords.length === 0 && (rule.paths === undefined || rule.paths.length === 0) && rule.pathRegex === undefined) {
    problems.push('a rule without keywords must be limited by paths (keywords are literal strings that every match contains or is near; they decide where the regex runs)');
  }
  for (const keyword of rule.keywords) {
    if (keyword.length === 0 || keyword !== keyword.toLowerCase() || /[^\x20-\x7e]/.test(keyword)) {
      problems.push(`keyword '${keyword}' must be non-empty lowercase ASCII`);
    }
  }
  for (const issue of checkRegexSafety(rule.regex, rule.flags ?? '')) problems.push(`regex: ${issue.kind}: ${issue.message}`);
  for (const source of rule.allow?.regexes ?? []) {
    for (const issue of checkRegexSafety(source, '')) problems.push(`allow regex '${source}': ${issue.kind}: ${issue.message}`);
  }
  if (rule.validate !== undefined && !(SECRET_VALIDATORS as readonly string[]).includes(rule.validate)) {
    problems.push(`unknown validator '${rule.validate}'`);
  }
  if (rule.pathRegex !== undefined) {
    for (const issue of checkRegexSafety(rule.pathRegex, '')) problems.push(`path regex: ${issue.kind}: ${issue.message}`);
  }
  for (const allowlist of rule.allowlists ?? []) problems.push(...validateAllowlist(allowlist));
  if (typeof rule.secretGroup === 'number' && (!Number.isInteger(rule.secretGroup) || rule.secretGroup < 0)) {
    problems.push('secretGroup must be a group number');
  }
  return problems;
}

/** Problems with one allowlist; empty when it can run. */
export function validateAllowlist(allowlist: SecretAllowlist): string[] {
  const problems: string[] = [];
  for (const source of [...(allowlist.paths ?? []), ...(allowlist.regexes ?? [])]) {
    for (const issue of checkRegexSafety(source, '')) problems.push(`allowlist regex '${source}': ${issue.kind}: ${issue.message}`);
  }
  return problems;
}

function compileAllowlist(allowlist: SecretAllowlist): CompiledAllowlist {
  return {
    and: allowlist.condition === 'AND',
    paths: (allowlist.paths ?? []).map((source) => new RegExp(source)),
    regexes: (allowlist.regexes ?? []).map((source) => new RegExp(source, 'm')),
    target: allowlist.regexTarget ?? 'secret',
    stopwords: (allowlist.stopwords ?? []).map((word) => word.toLowerCase()),
  };
}

interface AllowInput {
  readonly path: string;
  readonly secret: string;
  readonly match: string;
  readonly line: string;
}

/** Whether an allowlist drops a match: any criterion (OR) or every given criterion (AND). */
function allowlistDrops(allowlist: CompiledAllowlist, input: AllowInput): boolean {
  const results: boolean[] = [];
  if (allowlist.paths.length > 0) results.push(allowlist.paths.some((re) => re.test(input.path)));
  if (allowlist.regexes.length > 0) {
    const target = input[allowlist.target === 'secret' ? 'secret' : allowlist.target];
    results.push(allowlist.regexes.some((re) => re.test(target)));
  }
  if (allowlist.stopwords.length > 0) {
    const lower = input.secret.toLowerCase();
    results.push(allowlist.stopwords.some((word) => lower.includes(word)));
  }
  if (results.length === 0) return false;
  return allowlist.and ? results.every(Boolean) : results.some(Boolean);
}

const BUILTIN_SET: ReadonlySet<SecretRule> = new Set(BUILTIN_RULES);

/** Whether `rule` is one of Sekisho's own (checked by tests once, not by every process that compiles it). */
export function isBuiltinRule(rule: SecretRule): boolean {
  return BUILTIN_SET.has(rule);
}

function selectBuiltins(choice: SecretsOptions['builtinRules']): readonly SecretRule[] {
  if (choice === undefined || choice === 'all') return BUILTIN_RULES;
  if (choice === 'none') return [];
  const known = new Set(BUILTIN_RULES.map((rule) => rule.id));
  for (const id of choice) if (!known.has(id)) throw invalid(`cannot enable unknown built-in secret rule '${id}'`);
  const wanted = new Set(choice);
  return BUILTIN_RULES.filter((rule) => wanted.has(rule.id));
}

/** Glob lists compiled, by list: built-in rules share them (23 rules name 7 lists, one of third-party paths for 12). */
const compiledGlobs = new WeakMap<readonly string[], (path: string) => boolean>();

/** Compiled on first use: a process that only redacts its output never asks most rules about a path. */
function pathMatcher(globs: readonly string[] | undefined): ((path: string) => boolean) | null {
  if (globs === undefined || globs.length === 0) return null;
  let matcher: ((path: string) => boolean) | null = null;
  return (path) => {
    if (matcher === null) {
      matcher = compiledGlobs.get(globs) ?? picomatch([...globs], { dot: true });
      compiledGlobs.set(globs, matcher);
    }
    return matcher(path);
  };
}

/** Compile the built-in rules plus `extraRules`, minus `disabledRules`; throws CONFIG_INVALID on a bad rule. */
export function compileRules(options: SecretsOptions = {}): CompiledRules {
  const disabled = new Set(options.disabledRules ?? []);
  const all = [...selectBuiltins(options.builtinRules), ...(options.extraRules ?? [])];
  const globalOff = new Set<GlobalAllowlistId>(options.disabledGlobalAllowlists ?? []);
  for (const id of globalOff) {
    if (!(GLOBAL_ALLOWLIST_IDS as readonly string[]).includes(id)) throw invalid(`unknown global allowlist '${id}' (known: ${GLOBAL_ALLOWLIST_IDS.join(', ')})`);
  }
  for (const allowlist of options.allowlists ?? []) {
    const problems = validateAllowlist(allowlist);
    if (problems.length > 0) throw invalid(`secret allowlist${allowlist.description ? ` '${allowlist.description}'` : ''}: ${problems.join('; ')}`);
  }
  const ids = new Set<string>();
  for (const rule of all) {
    if (ids.has(rule.id)) throw invalid(`secret rule '${rule.id}' is defined twice`);
    ids.add(rule.id);
    // The built-in rules are checked once, by regex-safety.test.ts, not by every process that redacts output.
    if (BUILTIN_SET.has(rule)) continue;
    const problems = validateRule(rule);
    if (problems.length > 0) throw invalid(`secret rule '${rule.id}': ${problems.join('; ')}`);
  }
  for (const id of disabled) if (!ids.has(id)) throw invalid(`cannot disable unknown secret rule '${id}'`);
  const active = all.filter((rule) => !disabled.has(rule.id));
  const keywordList: string[] = [];
  const keywordIds = new Map<string, number>();
  const rules = active.map((rule, index): CompiledRule => {
    const ids: number[] = [];
    for (const keyword of rule.keywords) {
      let id = keywordIds.get(keyword);
      if (id === undefined) {
        id = keywordList.length;
        keywordList.push(keyword);
        keywordIds.set(keyword, id);
      }
      ids.push(id);
    }
    return {
      rule,
      index,
      regex: ruleRegExp(rule.regex, `gdm${rule.flags ?? ''}`),
      keywordIds: ids,
      onlyPaths: pathMatcher(rule.paths),
      allowPaths: pathMatcher(rule.allow?.paths),
      allowRegexes: (rule.allow?.regexes ?? []).map((source) => new RegExp(source)),
      stopwords: rule.allow?.stopwords ?? [],
      pathRegex: rule.pathRegex === undefined ? null : new RegExp(rule.pathRegex),
      allowlists: (rule.allowlists ?? []).map(compileAllowlist),
    };
  });
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        rules: active,
        showSecrets: options.showSecrets === true,
        allowlists: options.allowlists ?? [],
        globalOff: [...globalOff].sort(),
      }),
    )
    .digest('hex');
  return {
    rules,
    byId: new Map(rules.map((compiled) => [compiled.rule.id, compiled])),
    keywords: new KeywordIndex(keywordList),
    globalAllowPath: globalOff.has('package-docs-and-tests') ? () => false : (pathMatcher(GLOBAL_ALLOW_PATHS) ?? (() => false)),
    globalAllowRegexes: globalOff.has('template-references') ? [] : GLOBAL_ALLOW_REGEXES.map((source) => new RegExp(source)),
    globalStopwords: globalOff.has('placeholder-words') ? [] : GLOBAL_STOPWORDS,
    allowlists: (options.allowlists ?? []).map(compileAllowlist),
    showSecrets: options.showSecrets === true,
    fingerprint,
  };
}

/** A match that passed every filter, before dedupe, pairing and formatting. */
export interface Candidate {
  readonly rule: CompiledRule;
  readonly secret: string;
  /** Absolute (approximate for invalid UTF-8) byte offsets of the secret. */
  readonly start: number;
  readonly end: number;
  /** What this match replaces when its rule supersedes others. */
  readonly coverStart: number;
  readonly coverEnd: number;
  readonly line: number | null;
  readonly entropy: number;
  readonly note: string | null;
  readonly title: string;
  readonly severity: Severity;
}

export interface ScanInput {
  readonly bytes: Buffer;
  readonly path: string;
  readonly binary: boolean;
  /** Report line numbers (false for binaries and config strings). */
  readonly lines: boolean;
}

/** Counters that tests use to check the bounds hold. */
export interface ScanStats {
  windows: number;
  maxWindowChars: number;
  regexInputChars: number;
  candidatesDropped: number;
  /** Matches not evaluated because their rule reached MAX_CANDIDATES_PER_RULE in this file. */
  candidatesCapped: number;
}

export function newStats(): ScanStats {
  return { windows: 0, maxWindowChars: 0, regexInputChars: 0, candidatesDropped: 0, candidatesCapped: 0 };
}

class LineIndex {
  private starts: number[] | null = null;
  constructor(private readonly bytes: Buffer) {}

  /** 1-based line number of a byte offset. */
  lineAt(offset: number): number {
    if (this.starts === null) {
      const starts = [0];
      let at = this.bytes.indexOf(10);
      while (at >= 0) {
        starts.push(at + 1);
        at = this.bytes.indexOf(10, at + 1);
      }
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function isBreak(byte: number | undefined, binary: boolean): boolean {
  return byte === 10 || (binary && byte === 0);
}

/**
 * Up to LINE_WINDOW_BEFORE/AFTER bytes around a hit, trimmed to whole lines at both edges (so
 * neighbouring lines that hits skipped by HIT_SPACING sit on are covered), cut mid-line only
 * when the hit's own line is longer than the window.
 */
function lineWindow(bytes: Buffer, hit: number, binary: boolean): [number, number] {
  const low = Math.max(0, hit - LINE_WINDOW_BEFORE);
  const high = Math.min(bytes.length, hit + LINE_WINDOW_AFTER);
  let start = low;
  if (low > 0 && !isBreak(bytes[low - 1], binary)) {
    let i = low;
    while (i < hit && !isBreak(bytes[i], binary)) i++;
    if (i < hit) start = i + 1;
  }
  let end = high;
  if (high < bytes.length && !isBreak(bytes[high], binary)) {
    let i = high;
    while (i > hit && !isBreak(bytes[i - 1], binary)) i--;
    if (i > hit) end = i;
  }
  return [start, end];
}

function windowsFor(compiled: CompiledRule, hits: ReadonlyMap<number, readonly number[]>, input: ScanInput): [number, number][] {
  const { bytes, binary } = input;
  if (compiled.keywordIds.length === 0) return bytes.length === 0 ? [] : [[0, Math.min(bytes.length, WHOLE_FILE_WINDOW)]];
  const positions: number[] = [];
  for (const id of compiled.keywordIds) for (const at of hits.get(id) ?? []) positions.push(at);
  if (positions.length === 0) return [];
  positions.sort((a, b) => a - b);
  const block = compiled.rule.scope === 'block';
  const margin = block ? BLOCK_WINDOW_AFTER / 2 : HIT_SPACING;
  const windows: [number, number][] = [];
  let last: [number, number] | null = null;
  for (const hit of positions) {
    if (last !== null && hit >= last[0] && hit + margin <= last[1]) continue;
    const window: [number, number] = block ? [Math.max(0, hit - BLOCK_WINDOW_BEFORE), Math.min(bytes.length, hit + BLOCK_WINDOW_AFTER)] : lineWindow(bytes, hit, binary);
    windows.push(window);
    last = window;
  }
  return windows;
}

function passesFilters(compiled: CompiledRule, rules: CompiledRules, secret: string): boolean {
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return false;
  const lower = secret.toLowerCase();
  for (const word of rules.globalStopwords) if (lower.includes(word)) return false;
  for (const word of compiled.stopwords) if (lower.includes(word)) return false;
  for (const re of rules.globalAllowRegexes) if (re.test(secret)) return false;
  for (const re of compiled.allowRegexes) if (re.test(secret)) return false;
  if (secret.length >= 8 && (distinctChars(secret) <= 3 || dominantShare(secret) > 0.5)) return false;
  // `abcdefgh…`, `123456789`: typed placeholders, not generated keys (a catch-all rule has no format to check).
  if (compiled.rule.generic === true && longestAscendingRun(secret) >= GENERIC_MAX_RUN) return false;
  return true;
}

/** Longest run of consecutive ascending letters or digits (`abcd`, `6789`), case-insensitive. */
function longestAscendingRun(text: string): number {
  const lower = text.toLowerCase();
  let best = text.length === 0 ? 0 : 1;
  let run = 1;
  for (let i = 1; i < lower.length; i++) {
    const prev = lower.charCodeAt(i - 1);
    const code = lower.charCodeAt(i);
    const alnum = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
    run = alnum && code === prev + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** The rules that apply to files at `path` (binary or not), in rule order; none where a global allowlist drops the path. */
export function rulesForPath(rules: CompiledRules, path: string, binary: boolean): readonly CompiledRule[] {
  if (rules.globalAllowPath(path)) return [];
  return rules.rules.filter((compiled) => ruleAppliesToPath(compiled, path, binary));
}

/** Whether one rule applies to files at `path` (binary or not), the global allowlist aside: rulesForPath's test. */
export function ruleAppliesToPath(compiled: CompiledRule, path: string, binary: boolean): boolean {
  return (
    (!binary || compiled.rule.binary === true) &&
    (compiled.onlyPaths === null || compiled.onlyPaths(path)) &&
    (compiled.pathRegex === null || compiled.pathRegex.test(path)) &&
    (compiled.allowPaths === null || !compiled.allowPaths(path))
  );
}

/**
 * Rules chosen once for many texts that share a path (the output redactor's thousands of short
 * strings), indexed by keyword so that each text is matched against the rules its keyword hits
 * name instead of asking each of ~300 rules whether one of its keywords was hit. `applies` (a
 * rule's path test) is asked of a rule only when a text first hits one of its keywords: most
 * path globs never need compiling (all of them took 6-8 ms of every report's redaction).
 */
export class PreparedRules {
  readonly #keywordless: readonly CompiledRule[];
  readonly #byKeyword = new Map<number, CompiledRule[]>();
  readonly #position = new Map<CompiledRule, number>();
  readonly #applies: (compiled: CompiledRule) => boolean;
  readonly #answers = new Map<CompiledRule, boolean>();

  constructor(applicable: readonly CompiledRule[], applies: (compiled: CompiledRule) => boolean = () => true) {
    this.#applies = applies;
    const keywordless: CompiledRule[] = [];
    applicable.forEach((compiled, i) => {
      this.#position.set(compiled, i);
      if (compiled.keywordIds.length === 0) keywordless.push(compiled);
      for (const id of new Set(compiled.keywordIds)) {
        const list = this.#byKeyword.get(id);
        if (list === undefined) this.#byKeyword.set(id, [compiled]);
        else list.push(compiled);
      }
    });
    this.#keywordless = keywordless;
  }

  /** The rules that can match a text with these keyword hits, in the order they were given. */
  withHits(hits: ReadonlyMap<number, readonly number[]>): readonly CompiledRule[] {
    const chosen = new Set<CompiledRule>();
    for (const compiled of this.#keywordless) if (this.#applying(compiled)) chosen.add(compiled);
    for (const id of hits.keys()) for (const compiled of this.#byKeyword.get(id) ?? []) if (this.#applying(compiled)) chosen.add(compiled);
    const position = (compiled: CompiledRule): number => this.#position.get(compiled) ?? 0;
    return [...chosen].sort((a, b) => position(a) - position(b));
  }

  #applying(compiled: CompiledRule): boolean {
    let answer = this.#answers.get(compiled);
    if (answer === undefined) this.#answers.set(compiled, (answer = this.#applies(compiled)));
    return answer;
  }
}

/**
 * Bytes up to which every window windowsFor cuts from a text is the whole text, for every kind of
 * rule: a line window reaches LINE_WINDOW_BEFORE/AFTER either side of a hit, a block window
 * BLOCK_WINDOW_BEFORE before it, a keyword-less rule's WHOLE_FILE_WINDOW from the start.
 */
export const ONE_WINDOW_BYTES = Math.min(LINE_WINDOW_BEFORE, LINE_WINDOW_AFTER, BLOCK_WINDOW_BEFORE, WHOLE_FILE_WINDOW);

/**
 * Whether scanWithRules could find a candidate in `text`, a string holding the keywords
 * `keywordIds`: false only when it provably finds none. A text of at most ONE_WINDOW_BYTES whose
 * UTF-8 bytes decode back to itself (no surrogate) is one window of every rule, so a rule whose
 * regex has no non-empty match in the text has none in its window. The output redactor answers
 * most of a report's keyword-holding strings (URLs, `lists.debian.org` addresses) with this,
 * without encoding them, scanning their bytes again and cutting windows.
 */
export function mayHaveCandidates(applicable: PreparedRules, text: string, keywordIds: ReadonlySet<number>): boolean {
  if (Buffer.byteLength(text, 'utf8') > ONE_WINDOW_BYTES || /[\uD800-\uDFFF]/.test(text)) return true;
  const hits = new Map<number, readonly number[]>();
  for (const id of keywordIds) hits.set(id, []);
  for (const compiled of applicable.withHits(hits)) {
    const re = compiled.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length > 0) return true;
      re.lastIndex++;
    }
  }
  return false;
}

/** Run every applicable rule over one file's bytes; returns filtered candidates. */
export function scanBytes(rules: CompiledRules, input: ScanInput, stats: ScanStats = newStats()): Candidate[] {
  if (input.bytes.length === 0) return [];
  const applicable = rulesForPath(rules, input.path, input.binary);
  if (applicable.length === 0) return [];
  return scanWithRules(rules, applicable, input, rules.keywords.scan(input.bytes, HIT_SPACING), stats);
}

/**
 * scanBytes with the work that depends on the path alone (`applicable`: rulesForPath of
 * `input.path`) and the keyword scan (`hits`) done by the caller: the output redactor runs it on
 * thousands of strings that share one path.
 */
export function scanWithRules(
  rules: CompiledRules,
  applicable: readonly CompiledRule[] | PreparedRules,
  input: ScanInput,
  hits: ReadonlyMap<number, readonly number[]>,
  stats: ScanStats = newStats(),
): Candidate[] {
  const { bytes, path, binary } = input;
  if (bytes.length === 0) return [];
  const lines = input.lines ? new LineIndex(bytes) : null;
  const encoding = binary ? 'latin1' : 'utf8';
  const candidates: Candidate[] = [];
  for (const compiled of applicable instanceof PreparedRules ? applicable.withHits(hits) : applicable) {
    // No window without a hit of one of the rule's keywords (windowsFor): skip the rule at once.
    if (compiled.keywordIds.length > 0 && !compiled.keywordIds.some((id) => hits.has(id))) continue;
    const before = candidates.length;
    for (const [from, to] of windowsFor(compiled, hits, input)) {
      if (candidates.length - before >= MAX_CANDIDATES_PER_RULE) {
        stats.candidatesCapped++;
        break;
      }
      const text = bytes.toString(encoding, from, to);
      stats.windows++;
      stats.regexInputChars += text.length;
      stats.maxWindowChars = Math.max(stats.maxWindowChars, text.length);
      const ascii = binary || Buffer.byteLength(text, 'utf8') === text.length;
      const offsetOf = (index: number): number => from + (ascii ? index : Buffer.byteLength(text.slice(0, index), 'utf8'));
      const re = compiled.regex;
      re.lastIndex = 0;
      let count = 0;
      for (let m = re.exec(text); m !== null && count < MAX_MATCHES_PER_WINDOW; m = re.exec(text)) {
        count++;
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        const candidate = evaluate(compiled, rules, m, text, offsetOf, lines, stats, path);
        if (candidate !== null) candidates.push(candidate);
      }
    }
  }
  return candidates;
}

function evaluate(
  compiled: CompiledRule,
  rules: CompiledRules,
  m: RegExpExecArray,
  text: string,
  offsetOf: (index: number) => number,
  lines: LineIndex | null,
  stats: ScanStats,
  path: string,
): Candidate | null {
  const rule = compiled.rule;
  const groups = m.groups ?? {};
  const group = secretGroupOf(rule, m);
  const secretSpan = (group === null ? m.indices?.groups?.secret : m.indices?.[group]) ?? [m.index, m.index + m[0].length];
  let secret = group === null ? (groups.secret ?? m[0]) : (m[group] ?? '');
  if (!passesFilters(compiled, rules, secret)) {
    stats.candidatesDropped++;
    return null;
  }
  if (compiled.allowlists.length > 0 || rules.allowlists.length > 0) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const lineEnd = text.indexOf('\n', m.index + m[0].length);
    const input = { path, secret, match: m[0], line: text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd) };
    if (compiled.allowlists.some((a) => allowlistDrops(a, input)) || rules.allowlists.some((a) => allowlistDrops(a, input))) {
      stats.candidatesDropped++;
      return null;
    }
  }
  const entropy = shannonEntropy(secret);
  if (rule.entropy !== undefined && entropy < rule.entropy) {
    stats.candidatesDropped++;
    return null;
  }
  let note: string | null = null;
  let title = rule.title;
  let severity = rule.severity;
  if (rule.validate !== undefined) {
    const result = VALIDATORS[rule.validate]({ secret, groups, window: text, index: m.index });
    if (result === null) {
      stats.candidatesDropped++;
      return null;
    }
    note = result.note ?? null;
    title = result.title ?? title;
    severity = result.severity ?? severity;
    if (result.secret !== undefined) secret = result.secret;
  }
  const start = offsetOf(secretSpan[0]);
  const matchStart = offsetOf(m.index);
  const block = rule.scope === 'block' && rule.supersedes !== undefined;
  return {
    rule: compiled,
    secret,
    start,
    end: offsetOf(secretSpan[1]),
    // A block rule that supersedes others (a key file) covers the surrounding object.
    coverStart: block ? Math.max(0, matchStart - 4096) : matchStart,
    coverEnd: block ? matchStart + 8192 : offsetOf(m.index + m[0].length),
    line: lines === null ? null : lines.lineAt(matchStart),
    entropy,
    note,
    title,
    severity,
  };
}

/** The group number that holds the secret, or null for the named `secret` group (else the whole match). */
function secretGroupOf(rule: SecretRule, m: RegExpExecArray): number | null {
  if (rule.secretGroup === undefined) return null;
  if (rule.secretGroup === 'first') {
    for (let i = 1; i < m.length; i++) if (m[i] !== undefined && m[i] !== '') return i;
    return 0;
  }
  return rule.secretGroup;
}

function supersedes(winner: CompiledRule, loser: CompiledRule): boolean {
  if (loser.rule.generic === true && winner.rule.generic !== true) return true;
  for (const pattern of winner.rule.supersedes ?? []) {
    if (pattern.endsWith('*') ? loser.rule.id.startsWith(pattern.slice(0, -1)) : loser.rule.id === pattern) return true;
  }
  return false;
}

/** Drop duplicates and matches a more specific rule replaces. */
export function resolveCandidates(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  const unique: Candidate[] = [];
  for (const c of candidates) {
    const key = `${c.rule.rule.id}\0${c.start}\0${c.secret}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(c);
  }
  return unique.filter((loser) => {
    for (const winner of unique) {
      if (winner === loser) continue;
      const overlaps =
        winner.rule.rule.generic === true || winner.rule.rule.supersedes === undefined
          ? winner.start < loser.end && loser.start < winner.end
          : winner.coverStart < loser.end && loser.start < winner.coverEnd;
      if (overlaps && supersedes(winner.rule, loser.rule)) return false;
    }
    return true;
  });
}

/** Where a candidate was found, for findings built from several inputs (image config strings). */
export interface Located {
  readonly candidate: Candidate;
  readonly path: string;
}

function shown(rules: CompiledRules, secret: string): string {
  return rules.showSecrets ? secret : redact(secret);
}

function describe(c: Candidate, where: string): string {
  const parts = [c.rule.rule.description, `Matched rule ${c.rule.rule.id} ${where}`];
  if (c.rule.rule.entropy !== undefined) {
    parts.push(`entropy ${c.entropy.toFixed(2)} bits/char (threshold ${c.rule.rule.entropy})`);
  }
  if (c.note !== null) parts.push(c.note);
  return `${parts[0]} ${parts.slice(1).join('; ')}.`;
}

function whereOf(located: Located): string {
  return located.candidate.line === null ? `in ${located.path}` : `at line ${located.candidate.line}`;
}

/**
 * Turn candidates into findings: pairs (AWS key id + secret) become one finding, the rest one
 * each; sorted by path, line and rule; at most MAX_FINDINGS_PER_FILE per path.
 */
export function buildFindings(rules: CompiledRules, located: readonly Located[]): { findings: SecretAnalyzerFinding[]; omitted: number } {
  const used = new Set<Located>();
  const findings: SecretAnalyzerFinding[] = [];
  for (const first of located) {
    const pair = first.candidate.rule.rule.pairWith;
    if (pair === undefined || used.has(first)) continue;
    let best: Located | null = null;
    let bestDistance = Infinity;
    for (const other of located) {
      if (used.has(other) || other.candidate.rule.rule.id !== pair.rule) continue;
      const distance = (other.path === first.path ? 0 : 1_000_000) + Math.abs((other.candidate.line ?? 0) - (first.candidate.line ?? 0));
      if (distance < bestDistance) {
        best = other;
        bestDistance = distance;
      }
    }
    if (best === null) continue;
    used.add(first);
    used.add(best);
    const a = first.candidate;
    const b = best.candidate;
    findings.push({
      kind: 'secret',
      ruleId: pair.id,
      title: pair.title,
      severity: pair.severity,
      description: `${b.rule.rule.description} Its key id was found beside it: ${a.rule.rule.id} ${whereOf(first)} and ${b.rule.rule.id} ${whereOf(best)}; together they sign API requests.`,
      match: `${shown(rules, a.secret)} + ${shown(rules, b.secret)}`,
      line: a.line,
      foundBy: SECRETS_ANALYZER_ID,
      fix: a.rule.rule.fix ?? DEFAULT_FIX,
      references: a.rule.rule.references ?? [],
      path: first.path,
    });
  }
  for (const item of located) {
    if (used.has(item)) continue;
    const c = item.candidate;
    findings.push({
      kind: 'secret',
      ruleId: c.rule.rule.id,
      title: c.title,
      severity: c.severity,
      description: describe(c, whereOf(item)),
      match: shown(rules, c.secret),
      line: c.line,
      foundBy: SECRETS_ANALYZER_ID,
      fix: c.rule.rule.fix ?? DEFAULT_FIX,
      references: c.rule.rule.references ?? [],
      path: item.path,
    });
  }
  findings.sort(
    (x, y) =>
      (x.path < y.path ? -1 : x.path > y.path ? 1 : 0) ||
      (x.line ?? 0) - (y.line ?? 0) ||
      (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0) ||
      (x.match < y.match ? -1 : x.match > y.match ? 1 : 0),
  );
  const perPath = new Map<string, number>();
  let omitted = 0;
  const kept = findings.filter((f) => {
    const n = (perPath.get(f.path) ?? 0) + 1;
    perPath.set(f.path, n);
    if (n > MAX_FINDINGS_PER_FILE) omitted++;
    return n <= MAX_FINDINGS_PER_FILE;
  });
  return { findings: kept, omitted };
}
