import type { Report } from '@sekisho/model';
import { compileRules, HIT_SPACING, isBuiltinRule, mayHaveCandidates, PreparedRules, resolveCandidates, ruleAppliesToPath, scanWithRules } from '../analyzers/secrets/engine.js';
import type { CompiledRules } from '../analyzers/secrets/engine.js';
import { redact } from '../analyzers/secrets/redact.js';
import type { SecretsOptions } from '../analyzers/secrets/types.js';

/**
 * One redaction mechanism for every string that leaves the process: reports in every format,
 * SBOMs, warnings and error messages. It is driven by the secret rules the secrets scanner uses
 * (a value any rule matches is replaced by `redact()`'s `first4…(N chars)` form), plus values
 * assigned to names that look sensitive (see `isSensitiveKey`): `TOKEN=…` in an Env entry, an
 * `ARG TOKEN=…` or `|1 TOKEN=… /bin/sh -c …` build step, a label `com.example.api-key`.
 *
 * `--show-secrets` is the only way around it (`NO_REDACTION`).
 */
export interface Redactor {
  /** The text with every secret value replaced. */
  text(value: string): string;
  /** A copy of the report in which every string went through `text`, and sensitive Env and label values are hidden whole. */
  report(report: Report): Report;
  /** A copy of any JSON-like value (a config audit result, findings) in which every string went through `text`. */
  value<T>(value: T): T;
}

/** Whole words (after splitting a name on `_`, `-`, `.` and camelCase) that mark a name as sensitive. */
const SENSITIVE_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'credential',
  'credentials',
  'creds',
  'auth',
  'bearer',
  'cookie',
  'jwt',
]);

/** Word endings that mark a name as sensitive when written as one word (MYSQLPASSWORD, GITHUBTOKEN, CLIENTSECRET). */
const SENSITIVE_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credentials'];

/** Names that contain a sensitive word but hold no secret: the shell's working directories. */
const NOT_SENSITIVE = new Set(['pwd', 'oldpwd']);

/**
 * Whether an Env variable, build argument or label name looks like it holds a secret. Chosen to
 * err on the side of hiding: `GPG_KEY` (a public fingerprint) is hidden too, which costs nothing;
 * `TOKENIZERS_PARALLELISM` is not (the word is `tokenizers`), nor are `PWD`/`OLDPWD`.
 */
export function isSensitiveKey(name: string): boolean {
  const lower = name.toLowerCase();
  if (NOT_SENSITIVE.has(lower)) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  return words.some((w) => SENSITIVE_WORDS.has(w) || SENSITIVE_SUFFIXES.some((s) => w.length > s.length && w.endsWith(s)));
}

/** `NAME=value` (value bare, or in single or double quotes); the name may follow `--`, `ENV `, `ARG ` or `|1 `. */
const ASSIGNMENT = /(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,127})=("[^"\n]*"|'[^'\n]*'|[^\s"'`;&|)]+)/g;
/** The form `redact()` leaves: never redacted twice. */
const ALREADY = /…\(\d+ chars\)/;

function hideValue(value: string): string {
  return value === '' || ALREADY.test(value) ? value : redact(value);
}

/** isSensitiveKey of assignment names, which repeat (`arch=`, `distro=` in every package URL of a report). */
const sensitiveNames = new Map<string, boolean>();

function isSensitiveName(name: string): boolean {
  let answer = sensitiveNames.get(name);
  if (answer === undefined) {
    answer = isSensitiveKey(name);
    if (sensitiveNames.size < 10_000) sensitiveNames.set(name, answer);
  }
  return answer;
}

function redactAssignments(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(ASSIGNMENT, (whole, name: string, value: string) => {
    if (!isSensitiveName(name) || value.includes('…(')) return whole;
    const quote = value.startsWith('"') || value.startsWith("'") ? (value[0] ?? '') : '';
    const inner = quote === '' ? value : value.slice(1, -1);
    return inner === '' ? whole : `${name}=${quote}${redact(inner)}${quote}`;
  });
}

/** Byte spans of every value a secret rule matches in `text`. */
function ruleSpans(rules: CompiledRules, applicable: PreparedRules, bytes: Buffer, hits: ReadonlyMap<number, readonly number[]>): [number, number][] {
  const candidates = resolveCandidates(scanWithRules(rules, applicable, { bytes, path: OUTPUT_PATH, binary: false, lines: false }, hits));
  const spans = candidates.map((c): [number, number] => [c.start, c.end]).filter(([a, b]) => b > a);
  spans.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/**
 * Where scanBytes says these strings come from: no path-limited rule applies to it, and no path of
 * the global allowlist matches it (redaction.test.ts checks both for the built-in rules, so that
 * no process compiles those globs only to learn it again: 10-15 ms of every command that prints).
 */
export const OUTPUT_PATH = 'sekisho:output';

/** `text` with every rule's match hidden; the caller has seen a keyword in it (containsAny). */
function redactRules(rules: CompiledRules, applicable: PreparedRules, text: string): string {
  const keywordIds = rules.keywords.keywordIdsIn(text);
  if (keywordIds !== null && !mayHaveCandidates(applicable, text, keywordIds)) return text;
  const bytes = Buffer.from(text, 'utf8');
  const hits = rules.keywords.scan(bytes, HIT_SPACING);
  if (hits.size === 0) return text;
  const spans = ruleSpans(rules, applicable, bytes, hits);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += bytes.toString('utf8', at, start);
    out += hideValue(bytes.toString('utf8', start, end));
    at = end;
  }
  return out + bytes.toString('utf8', at);
}

function envEntry(entry: string, text: (value: string) => string): string {
  const eq = entry.indexOf('=');
  if (eq <= 0) return text(entry);
  const name = entry.slice(0, eq);
  return isSensitiveKey(name) ? `${name}=${hideValue(entry.slice(eq + 1))}` : text(entry);
}

/**
 * Values that redaction under a fingerprint's rules leaves unchanged: a redactor found so
 * (vouchRedacted) or a cache entry written by one says so (trustRedacted). A redactor with that
 * fingerprint returns them without walking them. Values are never mutated once built, so the
 * answer stays true for as long as the value lives.
 */
const unchangedBy = new WeakMap<object, string>();
/** The fingerprint of each redactor createRedactor made: its rules and options. */
const fingerprints = new WeakMap<Redactor, string>();

/**
 * Whether `redactor` leaves `value` unchanged, as the fingerprint under which that holds (null: it
 * changes something, or the redactor has no fingerprint). When it does, later redactions under the
 * same fingerprint return `value` as it is: the image cache keeps the answer beside a report's
 * packages, so a warm rescan does not redact again the thousands of strings it redacted before.
 */
export function vouchRedacted(redactor: Redactor, value: object): string | null {
  const fingerprint = fingerprints.get(redactor);
  if (fingerprint === undefined || redactor.value(value) !== value) return null;
  unchangedBy.set(value, fingerprint);
  return fingerprint;
}

/**
 * Take the word of a record that redaction under `fingerprint` leaves `value` unchanged (an image
 * cache entry whose key binds the code, the verified content and the options that made it).
 */
export function trustRedacted(value: object, fingerprint: string): void {
  unchangedBy.set(value, fingerprint);
}

/**
 * `value` with every string through `text`. Arrays and plain objects in which nothing changed are
 * returned as they are, not copied: a report of 20,000 packages is mostly strings no rule touches,
 * and copying it all cost more than the scans (reports are never mutated once built). Those known
 * to be unchanged under `fingerprint` are not walked.
 */
function deep(value: unknown, text: (value: string) => string, fingerprint: string): unknown {
  if (typeof value === 'string') return text(value);
  if (value !== null && typeof value === 'object' && unchangedBy.get(value) === fingerprint) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i += 1) {
      const before: unknown = value[i];
      const after = deep(before, text, fingerprint);
      if (out === null && after !== before) out = value.slice(0, i);
      out?.push(after);
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    const record = value as Record<string, unknown>;
    // Keys, not entries: a [key, value] pair per property was most of what the walk allocated.
    const keys = Object.keys(record);
    let out: Record<string, unknown> | null = plain ? null : {};
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const before = record[key];
      const after = deep(before, text, fingerprint);
      if (out === null && after !== before) {
        out = {};
        for (const earlier of keys.slice(0, i)) defineKey(out, earlier, record[earlier]);
      }
      if (out !== null) defineKey(out, key, after);
    }
    return out ?? value;
  }
  return value;
}

/** Set `key` as an own data property: a `__proto__` key stays a key. */
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A redactor driven by the secret rules (built-in rules plus `options.extraRules`, minus disabled ones). */
export function createRedactor(options: SecretsOptions = {}): Redactor {
  const rules = compileRules({ ...options, showSecrets: false });
  // The keyword pre-filter in redactRules is only sound while no keyword-less rule applies to
  // output text (the built-in rules are checked by a test: see OUTPUT_PATH).
  if (rules.rules.some((r) => r.keywordIds.length === 0 && !isBuiltinRule(r.rule) && (r.onlyPaths === null || r.onlyPaths(OUTPUT_PATH)))) {
    throw new Error('a secret rule without keywords applies to any path: the output redactor cannot pre-filter by keyword');
  }
  // The rules for output text: each rule's path test is answered once, when a string first hits
  // one of its keywords (PreparedRules). The global allowlist's paths never match OUTPUT_PATH.
  const applicable = new PreparedRules(rules.rules, (compiled) => ruleAppliesToPath(compiled, OUTPUT_PATH, false));
  const cache = new Map<string, string>();
  const text = (value: string): string => {
    if (value.length < 6) return value;
    // Most strings (names, versions, paths, digests) hold no keyword of a rule and no assignment:
    // answered by these two scans, not the memo, whose hashing of each string cost more than they do.
    const ruled = rules.rules.length > 0 && rules.keywords.containsAny(value);
    if (!ruled && !value.includes('=')) return value;
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
    const result = redactAssignments(ruled ? redactRules(rules, applicable, value) : value);
    if (cache.size < 100_000) cache.set(value, result);
    return result;
  };
  const fingerprint = `redaction:${rules.fingerprint}`;
  const redactor: Redactor = {
    text,
    value: <T>(value: T): T => deep(value, text, fingerprint) as T,
    report(report) {
      const copy = deep(report, text, fingerprint) as Report;
      if (report.image === null || copy.image === null) return copy;
      const config = report.image.config;
      const labels: Record<string, string> = {};
      for (const [key, value] of Object.entries(config.labels)) labels[text(key)] = isSensitiveKey(key) ? hideValue(value) : text(value);
      return {
        ...copy,
        image: { ...copy.image, config: { ...copy.image.config, env: config.env.map((e) => envEntry(e, text)), labels } },
      };
    },
  };
  fingerprints.set(redactor, fingerprint);
  return redactor;
}

let sharedDefault: Redactor | null = null;

/** createRedactor() with the built-in rules, made once per process: what the CLI's output goes through. */
export function defaultRedactor(): Redactor {
  sharedDefault ??= createRedactor();
  return sharedDefault;
}

/** `--show-secrets`: everything as it is. */
export const NO_REDACTION: Redactor = { text: (value) => value, report: (report) => report, value: (value) => value };
