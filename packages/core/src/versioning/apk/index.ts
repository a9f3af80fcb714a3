import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareDigits, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * Alpine package versions, `digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}`, ordered as
 * apk-tools does: src/version.c (`token_first`/`token_next`/`token_cmp`,
 * `apk_version_compare_fuzzy`, `apk_version_match`) and src/ctype.c of
 * https://gitlab.alpinelinux.org/alpine/apk-tools (test/unit/version.data).
 */

// Token kinds in apk's order: a later kind ends a version "earlier" in comparisons.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

// Suffix values: below NONE are pre-releases, above it post-releases.
const SUFFIXES: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface Token {
  kind: number;
  suffix: number;
  value: string;
}

/** A cursor over one version string; `next` moves it one token on. */
class Tokenizer {
  pos = 0;
  readonly token: Token = { kind: INITIAL_DIGIT, suffix: 0, value: '' };

  constructor(private readonly s: string) {
    this.digits();
  }

  private digits(): void {
    const start = this.pos;
    while (this.pos < this.s.length && isDigit(this.s.charCodeAt(this.pos))) this.pos++;
    this.token.value = this.s.slice(start, this.pos);
    if (this.token.value === '') this.token.kind = INVALID;
  }

  /** `apk_blob_spn`: characters outside ASCII count as members of every class. */
  private span(member: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c < 128 && !member(c)) break;
      this.pos++;
    }
    return this.s.slice(start, this.pos);
  }

  next(): void {
    const t = this.token;
    if (this.pos >= this.s.length) {
      t.kind = END;
      return;
    }
    const c = this.s.charCodeAt(this.pos);
    if (c >= 97 && c <= 122) {
      if (t.kind > DIGIT) {
        this.invalid();
        return;
      }
      t.value = this.s[this.pos] ?? '';
      t.kind = LETTER;
      this.pos++;
      return;
    }
    if (c === 46 /* . */ || isDigit(c)) {
      if (c === 46) {
        if (t.kind > DIGIT) {
          this.invalid();
          return;
        }
        this.pos++;
      }
      if (t.kind === INITIAL_DIGIT || t.kind === DIGIT) t.kind = DIGIT;
      else if (t.kind === SUFFIX) t.kind = SUFFIX_NO;
      else {
        this.invalid();
        return;
      }
      this.digits();
      return;
    }
    if (c === 95 /* _ */) {
      if (t.kind > SUFFIX_NO) {
        this.invalid();
        return;
      }
      this.pos++;
      t.value = this.span((x) => x >= 97 && x <= 122);
      const suffix = SUFFIXES[t.value];
      if (suffix === undefined) {
        this.invalid();
        return;
      }
      t.suffix = suffix;
      t.kind = SUFFIX;
      return;
    }
    if (c === 126 /* ~ */) {
      if (t.kind >= COMMIT_HASH) {
        this.invalid();
        return;
      }
      this.pos++;
      t.value = this.span((x) => isDigit(x) || (x >= 97 && x <= 102));
      if (t.value === '') {
        this.invalid();
        return;
      }
      t.kind = COMMIT_HASH;
      return;
    }
    if (c === 45 /* - */) {
      if (t.kind >= REVISION_NO || this.s.charCodeAt(this.pos + 1) !== 114 /* r */) {
        this.invalid();
        return;
      }
      this.pos += 2;
      t.kind = REVISION_NO;
      this.digits();
      return;
    }
    this.invalid();
  }

  private invalid(): void {
    this.token.kind = INVALID;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `apk_blob_sort`: byte order, then the shorter first. */
function blobSort(a: string, b: string): Sign {
  return compareStrings(a, b);
}

function tokenCompare(a: Token, b: Token): Sign {
  switch (a.kind) {
    case DIGIT:
      // A leading zero switches to string comparison, as in Gentoo's rules.
      if (a.value.startsWith('0') || b.value.startsWith('0')) return blobSort(a.value, b.value);
      return compareDigits(a.value, b.value);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigits(a.value, b.value);
    case LETTER:
      return compareStrings(a.value, b.value);
    case SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.value, b.value);
  }
}

/**
 * `apk_version_compare_fuzzy`. With `fuzzy`, `a` also equals `b` when `b` is a token prefix of
 * `a` (`3.6.9 ~ 3.6`). Strings longer than 256 characters sort below all others, and among
 * themselves by code units.
 */
export function compareApkVersions(a: string, b: string, fuzzy = false): Sign {
  const longA = a.length > MAX_VERSION_LENGTH;
  const longB = b.length > MAX_VERSION_LENGTH;
  if (longA || longB) return longA && longB ? compareStrings(a, b) : longA ? -1 : 1;
  const ta = new Tokenizer(a);
  const tb = new Tokenizer(b);
  const x = ta.token;
  const y = tb.token;
  for (; x.kind === y.kind && x.kind < END; ta.next(), tb.next()) {
    const r = tokenCompare(x, y);
    if (r !== 0) return r;
  }
  if (x.kind === y.kind) return 0;
  if (y.kind === END && fuzzy) return 0;
  if (x.kind === SUFFIX && x.suffix < SUFFIX_NONE) return -1;
  if (y.kind === SUFFIX && y.suffix < SUFFIX_NONE) return 1;
  if (x.kind > y.kind) return -1;
  if (y.kind > x.kind) return 1;
  return 0;
}

/** `apk_version_validate`. */
export function isValidApkVersion(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const t = new Tokenizer(version);
  while (t.token.kind < END) t.next();
  return t.token.kind === END;
}

const LESS = 1;
const EQUAL = 2;
const GREATER = 4;
const FUZZY = 8;

/** An apk dependency operator (`<`, `<=`, `=`, `>=`, `>`, `~`, `<~`, `>~`, optionally `!`-negated). */
export interface ApkOperator {
  readonly mask: number;
  readonly conflict: boolean;
}

/** `apk_version_result_mask_blob`, plus the `!` conflict prefix of apk dependencies. */
export function parseApkOperator(op: string): ApkOperator | null {
  let rest = op;
  const conflict = rest.startsWith('!');
  if (conflict) rest = rest.slice(1);
  if (rest === '' || rest.length > 3) return null;
  let mask = 0;
  for (const ch of rest) {
    if (ch === '<') mask |= LESS;
    else if (ch === '>') mask |= GREATER;
    else if (ch === '=') mask |= EQUAL;
    else if (ch === '~') mask |= FUZZY | EQUAL;
    else return null;
  }
  return { mask, conflict };
}

/** `apk_version_match`: whether `a op b` holds. */
export function apkVersionMatch(a: string, op: ApkOperator, b: string): boolean {
  const r = compareApkVersions(a, b, (op.mask & FUZZY) !== 0);
  const bit = r < 0 ? LESS : r > 0 ? GREATER : EQUAL;
  const ok = (bit & op.mask) !== 0;
  return op.conflict ? !ok : ok;
}

const CONSTRAINT = /^\s*(!?[<>=~]{1,3})\s*(\S+)\s*$/;

function parseConstraint(constraint: string): { op: ApkOperator; version: string } | null {
  if (constraint.length > MAX_CONSTRAINT_LENGTH) return null;
  const m = CONSTRAINT.exec(constraint);
  if (m === null) return null;
  const op = parseApkOperator(m[1] ?? '');
  const version = m[2] ?? '';
  if (op === null || !isValidApkVersion(version)) return null;
  return { op, version };
}

export const apkScheme: VersionScheme = {
  id: 'apk',
  version: 1,
  reference: 'apk-tools src/version.c https://gitlab.alpinelinux.org/alpine/apk-tools/-/blob/master/src/version.c',
  isValid: isValidApkVersion,
  compare: (a, b) => compareApkVersions(a, b),
  /** An apk dependency constraint: `>=1.2-r0`, `<1.3`, `~1.2`, `>~1.2`, `!~1.2`, ... */
  satisfies(version, constraint) {
    const c = parseConstraint(constraint);
    return c !== null && isValidApkVersion(version) && apkVersionMatch(version, c.op, c.version);
  },
  isValidConstraint: (constraint) => parseConstraint(constraint) !== null,
};
