import { MAX_VERSION_LENGTH, compareDigits, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * RPM versions, `[epoch:]version[-release]`, ordered as rpm orders them: `rpmvercmp` in
 * rpmio/rpmvercmp.cc and `rpmverCmp`/`rpmverParse` in lib/rpmver.cc of
 * https://github.com/rpm-software-management/rpm (tests/rpmvercmp.at).
 */
export interface RpmVersion {
  /** Digits, compared by value; '0' when absent. */
  readonly epoch: string;
  readonly version: string;
  /** null when the string has no release part. */
  readonly release: string | null;
}

/** `parseEVR`: leading digits followed by ':' are the epoch; the last '-' starts the release. */
export function parseRpmVersion(input: string): RpmVersion | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  let digits = 0;
  while (digits < input.length && isDigit(input.charCodeAt(digits))) digits++;
  let epoch = '0';
  let rest = input;
  if (input.charCodeAt(digits) === 58 /* ':' */) {
    if (digits > 0) epoch = input.slice(0, digits);
    rest = input.slice(digits + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, version: rest, release: null };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const TILDE = 126;
const CARET = 94;

/**
 * `rpmvercmp`: separators are skipped; '~' sorts before everything (even the end), '^' sorts
 * after the end but before anything else; digit runs compare numerically and beat letter runs.
 */
export function rpmvercmp(a: string, b: string): Sign {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): number => (k < s.length ? s.charCodeAt(k) : 0);
  const isSep = (c: number): boolean => c !== 0 && !isDigit(c) && !isAlpha(c) && c !== TILDE && c !== CARET;
  while (i < a.length || j < b.length) {
    while (isSep(at(a, i))) i++;
    while (isSep(at(b, j))) j++;
    const ca = at(a, i);
    const cb = at(b, j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;
    const numeric = isDigit(ca);
    const inRun = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inRun(a.charCodeAt(ei))) ei++;
    while (ej < b.length && inRun(b.charCodeAt(ej))) ej++;
    // Segments of different types: numeric is newer than alpha.
    if (ej === j) return numeric ? 1 : -1;
    const sa = a.slice(i, ei);
    const sb = b.slice(j, ej);
    const r = numeric ? compareDigits(sa, sb) : compareStrings(sa, sb);
    if (r !== 0) return r;
    i = ei;
    j = ej;
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

/**
 * `rpmverCmp` compares epoch, version, then release. rpm skips the release when either side
 * lacks one, which is not a total order (1.0-1 = 1.0 = 1.0-2); here a missing release sorts
 * before every release instead, so sorting and range evaluation stay consistent.
 */
export function compareRpmVersions(a: RpmVersion, b: RpmVersion): Sign {
  const e = compareDigits(a.epoch, b.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === null || b.release === null) {
    return a.release === b.release ? 0 : a.release === null ? -1 : 1;
  }
  return rpmvercmp(a.release, b.release);
}

const VALID = /^(?:[0-9]+:)?[A-Za-z0-9._+~^]+(?:-[A-Za-z0-9._+~^]+)?$/;

export const rpmScheme: VersionScheme = {
  id: 'rpm',
  version: 1,
  reference: 'rpm rpmio/rpmvercmp.cc and lib/rpmver.cc https://github.com/rpm-software-management/rpm',
  isValid(version) {
    return version.length <= MAX_VERSION_LENGTH && VALID.test(version);
  },
  compare(a, b) {
    const x = parseRpmVersion(a);
    const y = parseRpmVersion(b);
    if (x !== null && y !== null) return compareRpmVersions(x, y);
    if (x === null && y === null) return compareStrings(a, b);
    return x === null ? -1 : 1;
  },
};
