import { MAX_VERSION_LENGTH } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * Go module versions with the semantics of golang.org/x/mod/semver (semver.go): a `v` prefix is
 * required, `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0` (but take no pre-release or
 * build), build metadata (including `+incompatible`) is ignored, and every invalid string
 * compares equal to every other and below every valid version. Pseudo-versions
 * (golang.org/x/mod/module/pseudo.go) are ordinary pre-releases under these rules.
 */
export interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly short: string;
  readonly prerelease: string;
  readonly build: string;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 45;
}

/** A numeric identifier with a leading zero. */
function isBadNum(s: string): boolean {
  return /^[0-9]+$/.test(s) && s.length > 1 && s.startsWith('0');
}

function isNum(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): number {
    return this.s.charCodeAt(this.pos);
  }
}

function parseInt(c: Cursor): string | null {
  const start = c.pos;
  while (!c.done && isDigit(c.peek())) c.pos++;
  const n = c.s.slice(start, c.pos);
  if (n === '' || (n.length > 1 && n.startsWith('0'))) return null;
  return n;
}

/** The dot-separated identifiers after `-` (pre-release, checkBadNum) or `+` (build). */
function parseIdents(c: Cursor, stop: number, checkBadNum: boolean): string | null {
  const start = c.pos;
  c.pos++;
  let identStart = c.pos;
  while (!c.done && c.peek() !== stop) {
    const ch = c.peek();
    if (!isIdentChar(ch) && ch !== 46) return null;
    if (ch === 46) {
      if (identStart === c.pos || (checkBadNum && isBadNum(c.s.slice(identStart, c.pos)))) return null;
      identStart = c.pos + 1;
    }
    c.pos++;
  }
  if (identStart === c.pos || (checkBadNum && isBadNum(c.s.slice(identStart, c.pos)))) return null;
  return c.s.slice(start, c.pos);
}

/** `semver.parse` of x/mod: null when invalid. */
export function parseGoVersion(v: string): GoVersion | null {
  if (v.length > MAX_VERSION_LENGTH || !v.startsWith('v')) return null;
  const c = new Cursor(v);
  c.pos = 1;
  const major = parseInt(c);
  if (major === null) return null;
  if (c.done) return { major, minor: '0', patch: '0', short: '.0.0', prerelease: '', build: '' };
  if (c.peek() !== 46) return null;
  c.pos++;
  const minor = parseInt(c);
  if (minor === null) return null;
  if (c.done) return { major, minor, patch: '0', short: '.0', prerelease: '', build: '' };
  if (c.peek() !== 46) return null;
  c.pos++;
  const patch = parseInt(c);
  if (patch === null) return null;
  let prerelease = '';
  let build = '';
  if (!c.done && c.peek() === 45) {
    const p = parseIdents(c, 43, true);
    if (p === null) return null;
    prerelease = p;
  }
  if (!c.done && c.peek() === 43) {
    const b = parseIdents(c, -1, false);
    if (b === null) return null;
    build = b;
  }
  if (!c.done) return null;
  return { major, minor, patch, short: '', prerelease, build };
}

function compareInt(x: string, y: string): Sign {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function comparePrerelease(x: string, y: string): Sign {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const dx = xs[i] ?? '';
    const dy = ys[i] ?? '';
    if (dx === dy) continue;
    const ix = isNum(dx);
    const iy = isNum(dy);
    if (ix !== iy) return ix ? -1 : 1;
    if (ix && dx.length !== dy.length) return dx.length < dy.length ? -1 : 1;
    return dx < dy ? -1 : 1;
  }
  return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1;
}

/** `semver.Compare`. */
export function compareGoVersions(v: string, w: string): Sign {
  const pv = parseGoVersion(v);
  const pw = parseGoVersion(w);
  if (pv === null && pw === null) return 0;
  if (pv === null) return -1;
  if (pw === null) return 1;
  return compareInt(pv.major, pw.major) || compareInt(pv.minor, pw.minor) || compareInt(pv.patch, pw.patch) || comparePrerelease(pv.prerelease, pw.prerelease);
}

/** `semver.Canonical`: `v1.2` becomes `v1.2.0`, build metadata is dropped; '' when invalid. */
export function canonicalGoVersion(v: string): string {
  const p = parseGoVersion(v);
  if (p === null) return '';
  return `v${p.major}.${p.minor}.${p.patch}${p.prerelease}`;
}

const PSEUDO = /^v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** `module.IsPseudoVersion`: `vX.0.0-yyyymmddhhmmss-abcdef123456` and its two other forms. */
export function isPseudoVersion(v: string): boolean {
  return v.length <= MAX_VERSION_LENGTH && (v.match(/-/g)?.length ?? 0) >= 2 && PSEUDO.test(v) && parseGoVersion(v) !== null;
}

/**
 * OSV's Go ecosystem and some feeds write module versions without the `v` (`1.2.3`); x/mod
 * calls those invalid. Matchers convert them with this before comparing.
 */
export function withGoPrefix(version: string): string {
  return /^[0-9]/.test(version) ? `v${version}` : version;
}

export const golangScheme: VersionScheme = {
  id: 'golang',
  version: 1,
  reference: 'golang.org/x/mod/semver https://pkg.go.dev/golang.org/x/mod/semver',
  isValid: (version) => parseGoVersion(version) !== null,
  compare: compareGoVersions,
};
