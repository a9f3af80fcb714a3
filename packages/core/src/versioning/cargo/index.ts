import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareDigits, compareParsed, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * Cargo versions and requirements as the `semver` crate (dtolnay/semver: src/parse.rs,
 * src/eval.rs, src/impls.rs) that Cargo uses; https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html.
 */
export interface CargoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** '' when none. */
  readonly pre: string;
  readonly build: string;
}

const U64_MAX = '18446744073709551615';
const NUMBER = '(0|[1-9][0-9]*)';
const PRE_IDENT = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const VERSION = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${PRE_IDENT}(?:\\.${PRE_IDENT})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);

function fitsU64(n: string): boolean {
  return compareDigits(n, U64_MAX) <= 0;
}

/** `semver::Version::parse`: strict `MAJOR.MINOR.PATCH[-pre][+build]`, u64 numbers. */
export function parseCargoVersion(input: string): CargoVersion | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  const m = VERSION.exec(input);
  if (m === null) return null;
  const [, major = '', minor = '', patch = '', pre = '', build = ''] = m;
  if (!fitsU64(major) || !fitsU64(minor) || !fitsU64(patch)) return null;
  if (pre.split('.').some((id) => /^[0-9]+$/.test(id) && !fitsU64(id))) return null;
  return { major, minor, patch, pre, build };
}

const isNumeric = (s: string): boolean => /^[0-9]+$/.test(s);

/** `Prerelease` order: none above any; numeric identifiers below alphanumeric ones. */
export function comparePrerelease(a: string, b: string): Sign {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? 1 : -1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const l = x[i] ?? '';
    const r = y[i] ?? '';
    const nl = isNumeric(l);
    const nr = isNumeric(r);
    const c = nl && nr ? compareDigits(l, r) : nl !== nr ? (nl ? -1 : 1) : compareStrings(l, r);
    if (c !== 0) return c;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** `BuildMetadata` order: none first; `0 < 00 < 1 < 01 < 2`; numbers below words. */
function compareBuild(a: string, b: string): Sign {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? -1 : 1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const l = x[i] ?? '';
    const r = y[i] ?? '';
    const nl = isNumeric(l);
    const nr = isNumeric(r);
    let c: Sign;
    if (nl && nr) {
      c = compareDigits(l, r) || (l.length === r.length ? 0 : l.length < r.length ? -1 : 1);
    } else if (nl !== nr) {
      return nl ? -1 : 1;
    } else {
      c = compareStrings(l, r);
    }
    if (c !== 0) return c;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** `impl Ord for Version`: precedence, then build metadata (so distinct builds are not equal). */
export function compareCargoVersions(a: CargoVersion, b: CargoVersion): Sign {
  return compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch) || comparePrerelease(a.pre, b.pre) || compareBuild(a.build, b.build);
}

// --- VersionReq --------------------------------------------------------------------------------

type Op = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

interface Comparator {
  readonly op: Op;
  /** '*' for the bare wildcard. */
  readonly major: string;
  readonly minor: string | null;
  readonly patch: string | null;
  readonly pre: string;
}

const COMPARATOR = new RegExp(
  `^(=|>=|>|<=|<|~|\\^)?\\s*${NUMBER}(?:\\.(${NUMBER.slice(1, -1)}|[*xX]))?(?:\\.(${NUMBER.slice(1, -1)}|[*xX]))?` +
    `(?:-(${PRE_IDENT}(?:\\.${PRE_IDENT})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

function parseComparator(text: string): Comparator | null {
  const t = text.trim();
  if (/^[*xX]$/.test(t)) return { op: '*', major: '*', minor: null, patch: null, pre: '' };
  const m = COMPARATOR.exec(t);
  if (m === null) return null;
  const [, opText, major = '', minorText, patchText, pre = ''] = m;
  const wild = (s: string | undefined): boolean => s !== undefined && /^[*xX]$/.test(s);
  if (!fitsU64(major) || (minorText !== undefined && !wild(minorText) && !fitsU64(minorText))) return null;
  if (patchText !== undefined && !wild(patchText) && !fitsU64(patchText)) return null;
  // A wildcard ends the version: nothing concrete may follow it, and no pre-release.
  if (wild(minorText) && patchText !== undefined && !wild(patchText)) return null;
  const wildcard = wild(minorText) || wild(patchText);
  if (pre !== '' && (patchText === undefined || wildcard)) return null;
  if (wildcard && opText !== undefined && opText !== '=') return null;
  const minor = minorText === undefined || wild(minorText) ? null : minorText;
  const patch = patchText === undefined || wild(patchText) || minor === null ? null : patchText;
  const op: Op = wildcard ? '*' : ((opText ?? '^') as Op);
  return { op, major, minor, patch, pre };
}

/** `VersionReq::parse`: comma-separated comparators, all of which must match. */
export function parseCargoRequirement(text: string): Comparator[] | null {
  if (text.length > MAX_CONSTRAINT_LENGTH || text.trim() === '') return null;
  const out: Comparator[] = [];
  for (const part of text.split(',')) {
    const c = parseComparator(part);
    if (c === null) return null;
    out.push(c);
  }
  return out;
}

const cmpNum = compareDigits;

function matchesExact(c: Comparator, v: CargoVersion): boolean {
  if (cmpNum(v.major, c.major) !== 0) return false;
  if (c.minor !== null && cmpNum(v.minor, c.minor) !== 0) return false;
  if (c.patch !== null && cmpNum(v.patch, c.patch) !== 0) return false;
  return v.pre === c.pre;
}

function matchesGreater(c: Comparator, v: CargoVersion): boolean {
  let r = cmpNum(v.major, c.major);
  if (r !== 0) return r > 0;
  if (c.minor === null) return false;
  r = cmpNum(v.minor, c.minor);
  if (r !== 0) return r > 0;
  if (c.patch === null) return false;
  r = cmpNum(v.patch, c.patch);
  if (r !== 0) return r > 0;
  return comparePrerelease(v.pre, c.pre) > 0;
}

function matchesLess(c: Comparator, v: CargoVersion): boolean {
  let r = cmpNum(v.major, c.major);
  if (r !== 0) return r < 0;
  if (c.minor === null) return false;
  r = cmpNum(v.minor, c.minor);
  if (r !== 0) return r < 0;
  if (c.patch === null) return false;
  r = cmpNum(v.patch, c.patch);
  if (r !== 0) return r < 0;
  return comparePrerelease(v.pre, c.pre) < 0;
}

function matchesTilde(c: Comparator, v: CargoVersion): boolean {
  if (cmpNum(v.major, c.major) !== 0) return false;
  if (c.minor !== null && cmpNum(v.minor, c.minor) !== 0) return false;
  if (c.patch !== null) {
    const r = cmpNum(v.patch, c.patch);
    if (r !== 0) return r > 0;
  }
  return comparePrerelease(v.pre, c.pre) >= 0;
}

function matchesCaret(c: Comparator, v: CargoVersion): boolean {
  if (cmpNum(v.major, c.major) !== 0) return false;
  if (c.minor === null) return true;
  const minorCmp = cmpNum(v.minor, c.minor);
  if (c.patch === null) return c.major !== '0' ? minorCmp >= 0 : minorCmp === 0;
  const patchCmp = cmpNum(v.patch, c.patch);
  if (c.major !== '0') {
    if (minorCmp !== 0) return minorCmp > 0;
    if (patchCmp !== 0) return patchCmp > 0;
  } else if (c.minor !== '0') {
    if (minorCmp !== 0) return false;
    if (patchCmp !== 0) return patchCmp > 0;
  } else if (minorCmp !== 0 || patchCmp !== 0) {
    return false;
  }
  return comparePrerelease(v.pre, c.pre) >= 0;
}

function matchesComparator(c: Comparator, v: CargoVersion): boolean {
  switch (c.op) {
    case '=':
      return matchesExact(c, v);
    case '*':
      return matchesWildcard(c, v);
    case '>':
      return matchesGreater(c, v);
    case '>=':
      return matchesGreater(c, v) || matchesExact(c, v);
    case '<':
      return matchesLess(c, v);
    case '<=':
      return matchesLess(c, v) || matchesExact(c, v);
    case '~':
      return matchesTilde(c, v);
    case '^':
      return matchesCaret(c, v);
  }
}

function matchesWildcard(c: Comparator, v: CargoVersion): boolean {
  if (c.major === '*') return true;
  return cmpNum(v.major, c.major) === 0 && (c.minor === null || cmpNum(v.minor, c.minor) === 0);
}

/**
 * `VersionReq::matches`: every comparator matches, and a pre-release version only matches when
 * some comparator names a pre-release of the same major.minor.patch.
 */
export function cargoRequirementMatches(req: readonly Comparator[], v: CargoVersion): boolean {
  if (!req.every((c) => matchesComparator(c, v))) return false;
  if (v.pre === '') return true;
  return req.some((c) => c.pre !== '' && cmpNum(c.major, v.major) === 0 && c.minor !== null && cmpNum(c.minor, v.minor) === 0 && c.patch !== null && cmpNum(c.patch, v.patch) === 0);
}

export const cargoScheme: VersionScheme = {
  id: 'cargo',
  version: 1,
  reference: 'semver crate (dtolnay/semver) used by Cargo https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html',
  isValid: (version) => parseCargoVersion(version) !== null,
  compare: (a, b) => compareParsed(a, b, parseCargoVersion, compareCargoVersions),
  satisfies(version, constraint) {
    const v = parseCargoVersion(version);
    const req = parseCargoRequirement(constraint);
    return v !== null && req !== null && cargoRequirementMatches(req, v);
  },
  isValidConstraint: (constraint) => parseCargoRequirement(constraint) !== null,
};
