import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareDigits, compareParsed, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * Python package versions and version specifiers per PEP 440
 * (https://peps.python.org/pep-0440/, now https://packaging.python.org/en/latest/specifications/version-specifiers/),
 * matching pypa/packaging's `Version` and `Specifier`/`SpecifierSet` (tests/test_version.py,
 * tests/test_specifiers.py). Numbers are kept as digit strings, so any size compares exactly.
 */
export interface Pep440Version {
  readonly epoch: string;
  readonly release: readonly string[];
  /** `a`, `b` or `rc` and its number. */
  readonly pre: readonly [string, string] | null;
  readonly post: string | null;
  readonly dev: string | null;
  /** Lower-cased segments, `.`-separated in canonical form; numeric ones without leading zeros. */
  readonly local: readonly string[] | null;
}

// PEP 440 appendix B "Parsing version strings with regular expressions" (packaging's
// VERSION_PATTERN), matched case-insensitively with surrounding whitespace allowed.
const VERSION_BODY =
  'v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
  '([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' +
  '((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?' +
  '([-_.]?(dev)[-_.]?([0-9]+)?)?)' +
  '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?';
const VERSION = new RegExp(`^\\s*${VERSION_BODY}\\s*$`, 'i');

function num(s: string | undefined): string {
  if (s === undefined || s === '') return '0';
  const t = s.replace(/^0+/, '');
  return t === '' ? '0' : t;
}

export function parsePep440(input: string): Pep440Version | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  const m = VERSION.exec(input);
  if (m === null) return null;
  const [, epoch, release, pre, preL, preN, post, postN1, , postN2, dev, , devN, local] = m;
  let preTag: [string, string] | null = null;
  if (pre !== undefined) {
    const l = (preL ?? '').toLowerCase();
    const letter = l === 'alpha' || l === 'a' ? 'a' : l === 'beta' || l === 'b' ? 'b' : 'rc';
    preTag = [letter, num(preN)];
  }
  return {
    epoch: num(epoch),
    release: (release ?? '0').split('.').map((p) => num(p)),
    pre: preTag,
    post: post === undefined ? null : num(postN1 ?? postN2),
    dev: dev === undefined ? null : num(devN),
    local:
      local === undefined
        ? null
        : local
            .toLowerCase()
            .split(/[-_.]/)
            .map((p) => (/^[0-9]+$/.test(p) ? num(p) : p)),
  };
}

/** `str(Version(v))`: the normalized form. */
export function normalizePep440(v: Pep440Version): string {
  let s = v.epoch === '0' ? '' : `${v.epoch}!`;
  s += v.release.join('.');
  if (v.pre !== null) s += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== null) s += `.post${v.post}`;
  if (v.dev !== null) s += `.dev${v.dev}`;
  if (v.local !== null) s += `+${v.local.join('.')}`;
  return s;
}

function compareRelease(a: readonly string[], b: readonly string[]): Sign {
  // Trailing zeros do not count: 1.0 == 1.0.0.
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

const PRE_RANK: Readonly<Record<string, number>> = { a: 0, b: 1, rc: 2 };

/**
 * packaging's `_cmpkey`: a dev release without pre/post sorts before every pre-release of the
 * same release; no pre-release sorts after all of them; no post-release before any; no dev
 * release after any; a local version after none, numeric local segments above alphanumeric ones.
 */
function preKey(v: Pep440Version): number {
  if (v.pre === null && v.post === null && v.dev !== null) return -1;
  if (v.pre === null) return 3;
  return PRE_RANK[v.pre[0]] ?? 2;
}

function compareLocal(a: readonly string[] | null, b: readonly string[] | null): Sign {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const nx = /^[0-9]+$/.test(x);
    const ny = /^[0-9]+$/.test(y);
    if (nx !== ny) return nx ? 1 : -1;
    const r = nx ? compareDigits(x, y) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePep440(a: Pep440Version, b: Pep440Version): Sign {
  let r = compareDigits(a.epoch, b.epoch) || compareRelease(a.release, b.release);
  if (r !== 0) return r;
  const pa = preKey(a);
  const pb = preKey(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.pre !== null && b.pre !== null) {
    r = compareDigits(a.pre[1], b.pre[1]);
    if (r !== 0) return r;
  }
  if (a.post !== b.post) {
    if (a.post === null || b.post === null) return a.post === null ? -1 : 1;
    r = compareDigits(a.post, b.post);
    if (r !== 0) return r;
  }
  if (a.dev !== b.dev) {
    if (a.dev === null || b.dev === null) return a.dev === null ? 1 : -1;
    r = compareDigits(a.dev, b.dev);
    if (r !== 0) return r;
  }
  return compareLocal(a.local, b.local);
}

function isPrerelease(v: Pep440Version): boolean {
  return v.pre !== null || v.dev !== null;
}

function publicOf(v: Pep440Version): Pep440Version {
  return { ...v, local: null };
}

function baseOf(v: Pep440Version): Pep440Version {
  return { epoch: v.epoch, release: v.release, pre: null, post: null, dev: null, local: null };
}

// --- specifiers (packaging.specifiers.Specifier) ---------------------------------------------

export type Pep440Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

export interface Pep440Specifier {
  readonly operator: Pep440Operator;
  /** The version text as written (for `==`/`!=` possibly ending in `.*`). */
  readonly version: string;
}

const PRE = '(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const EPOCH_RELEASE = 'v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';
// The per-operator version grammars of packaging's Specifier._regex_str.
const SPEC_VERSION: Readonly<Record<Pep440Operator, RegExp>> = {
  '===': /^[^\s;)]*$/,
  '==': new RegExp(`^${EPOCH_RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})$`, 'i'),
  '!=': new RegExp(`^${EPOCH_RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})$`, 'i'),
  '~=': new RegExp(`^v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV}$`, 'i'),
  '<=': new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}$`, 'i'),
  '>=': new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}$`, 'i'),
  '<': new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}$`, 'i'),
  '>': new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}$`, 'i'),
};
const OPERATOR = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*/;

export function parsePep440Specifier(text: string): Pep440Specifier | null {
  if (text.length > MAX_CONSTRAINT_LENGTH) return null;
  const m = OPERATOR.exec(text);
  if (m === null) return null;
  const operator = m[1] as Pep440Operator;
  const version = text.slice(m[0].length).trim();
  if (!SPEC_VERSION[operator].test(version)) return null;
  if (operator !== '===' && parsePep440(version.replace(/\.\*$/, '')) === null) return null;
  return { operator, version };
}

/** `Specifier.prereleases`: whether the specifier itself names a pre-release. */
function specifierAllowsPrereleases(spec: Pep440Specifier): boolean {
  if (spec.operator === '!=') return false;
  const v = parsePep440(spec.operator === '==' ? spec.version.replace(/\.\*$/, '') : spec.version);
  return v !== null && isPrerelease(v);
}

/** `_version_split` on a normalized version: epoch, release numbers, then suffix segments. */
function versionSplit(v: Pep440Version): string[] {
  const parts = [v.epoch, ...v.release];
  if (v.pre !== null) parts.push(`${v.pre[0]}${v.pre[1]}`);
  if (v.post !== null) parts.push(`post${v.post}`);
  if (v.dev !== null) parts.push(`dev${v.dev}`);
  return parts;
}

/** `==X.*`: the prospective's split, zero-padded in its release, starts with X's split. */
function prefixMatch(prospective: Pep440Version, prefix: Pep440Version): boolean {
  const spec = versionSplit(prefix);
  const specNumeric = 1 + prefix.release.length;
  const p = versionSplit(publicOf(prospective));
  const pNumeric = 1 + prospective.release.length;
  const padded = [...p.slice(0, pNumeric), ...Array<string>(Math.max(0, specNumeric - pNumeric)).fill('0'), ...p.slice(pNumeric)];
  for (let i = 0; i < spec.length; i++) if (padded[i] !== spec[i]) return false;
  return true;
}

function compareEqual(prospective: Pep440Version, specVersion: string): boolean {
  if (specVersion.endsWith('.*')) {
    const prefix = parsePep440(specVersion.slice(0, -2));
    return prefix !== null && prefixMatch(prospective, prefix);
  }
  const spec = parsePep440(specVersion);
  if (spec === null) return false;
  return comparePep440(spec.local === null ? publicOf(prospective) : prospective, spec) === 0;
}

function operatorHolds(v: Pep440Version, raw: string, spec: Pep440Specifier): boolean {
  const target = parsePep440(spec.version);
  switch (spec.operator) {
    case '===': {
      const left = parsePep440(raw);
      return (left === null ? raw : normalizePep440(left)).toLowerCase() === spec.version.toLowerCase();
    }
    case '==':
      return compareEqual(v, spec.version);
    case '!=':
      return !compareEqual(v, spec.version);
    case '<=':
      return target !== null && comparePep440(publicOf(v), target) <= 0;
    case '>=':
      return target !== null && comparePep440(publicOf(v), target) >= 0;
    case '<':
      if (target === null || comparePep440(v, target) >= 0) return false;
      // <V excludes pre-releases of V itself unless V is one.
      return isPrerelease(target) || !isPrerelease(v) || comparePep440(baseOf(v), baseOf(target)) !== 0;
    case '>':
      if (target === null || comparePep440(v, target) <= 0) return false;
      // >V excludes post-releases of V unless V is one, and local versions of V.
      if (target.post === null && v.post !== null && comparePep440(baseOf(v), baseOf(target)) === 0) return false;
      return v.local === null || comparePep440(baseOf(v), baseOf(target)) !== 0;
    case '~=': {
      if (target === null || comparePep440(publicOf(v), target) < 0) return false;
      const prefixRelease = target.release.slice(0, -1);
      return prefixMatch(v, { epoch: target.epoch, release: prefixRelease, pre: null, post: null, dev: null, local: null });
    }
  }
}

export interface Pep440MatchOptions {
  /**
   * packaging's `prereleases` flag. `undefined` (packaging's default) admits a pre-release only
   * when some specifier names one; `true` admits pre-releases, as PEP 440 does for versions that
   * are already installed.
   */
  readonly prereleases?: boolean;
}

/** Parses a comma-separated specifier set; null when any part is invalid. '' is the empty set. */
export function parsePep440SpecifierSet(text: string): Pep440Specifier[] | null {
  if (text.length > MAX_CONSTRAINT_LENGTH) return null;
  const specs: Pep440Specifier[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const s = parsePep440Specifier(part);
    if (s === null) return null;
    specs.push(s);
  }
  return specs;
}

/** `SpecifierSet(constraint).contains(version, prereleases)`; false on any invalid input. */
export function satisfiesPep440(version: string, constraint: string, options: Pep440MatchOptions = {}): boolean {
  const v = parsePep440(version);
  const specs = parsePep440SpecifierSet(constraint);
  if (v === null || specs === null) return false;
  const prereleases = options.prereleases ?? specs.some(specifierAllowsPrereleases);
  if (!prereleases && isPrerelease(v)) return false;
  return specs.every((s) => operatorHolds(v, version, s));
}

export const pep440Scheme: VersionScheme = {
  id: 'pep440',
  version: 1,
  reference: 'PEP 440 https://packaging.python.org/en/latest/specifications/version-specifiers/; pypa/packaging',
  isValid: (version) => parsePep440(version) !== null,
  compare: (a, b) => compareParsed(a, b, parsePep440, comparePep440),
  /** Installed versions: pre-releases are admitted, as PEP 440 says for installed versions. */
  satisfies: (version, constraint) => satisfiesPep440(version, constraint, { prereleases: true }),
  isValidConstraint: (constraint) => parsePep440SpecifierSet(constraint) !== null,
};
