import { compareDigits } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';

/**
 * PHP's `version_compare` (php-src ext/standard/versioning.c: `php_canonicalize_version`,
 * `compare_special_version_forms`, `php_version_compare`), which Composer applies to
 * normalized versions.
 */
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

/** Separators `-_+` become `.`, and a `.` goes between digit/non-digit transitions. */
export function canonicalizePhpVersion(version: string): string {
  if (version === '') return '';
  let out = version[0] ?? '';
  let lp = out;
  for (let i = 1; i < version.length; i++) {
    const p = version[i] ?? '';
    const last = out[out.length - 1];
    const isdig = (x: string): boolean => isDigit(x) && x !== '.';
    const isndig = (x: string): boolean => !isDigit(x) && x !== '.';
    if (p === '-' || p === '_' || p === '+') {
      if (last !== '.') out += '.';
    } else if ((isndig(lp) && isdig(p)) || (isdig(lp) && isndig(p))) {
      if (last !== '.') out += '.';
      out += p;
    } else if (!isAlnum(p)) {
      if (last !== '.') out += '.';
    } else {
      out += p;
    }
    lp = p;
  }
  return out;
}

// Prefix matches, in this order, as `compare_special_version_forms` does with strncmp.
const SPECIAL_FORMS: readonly [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

function compareSpecial(a: string, b: string): Sign {
  const x = specialForm(a);
  const y = specialForm(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `php_version_compare`: -1, 0 or 1. A literal port of the C loop over `.`-separated parts. */
export function phpVersionCompare(a: string, b: string): Sign {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const s1 = a.startsWith('#') ? a : canonicalizePhpVersion(a);
  const s2 = b.startsWith('#') ? b : canonicalizePhpVersion(b);
  let p1 = 0;
  let p2 = 0;
  let n1: number | null = 0;
  let n2: number | null = 0;
  let compare: Sign = 0;
  while (p1 < s1.length && p2 < s2.length && n1 !== null && n2 !== null) {
    const d1 = s1.indexOf('.', p1);
    const d2 = s2.indexOf('.', p2);
    n1 = d1 < 0 ? null : d1;
    n2 = d2 < 0 ? null : d2;
    const part1 = s1.slice(p1, n1 ?? s1.length);
    const part2 = s2.slice(p2, n2 ?? s2.length);
    const digit1 = isDigit(part1[0]);
    const digit2 = isDigit(part2[0]);
    if (digit1 && digit2) compare = compareDigits(leadingDigits(part1), leadingDigits(part2));
    else if (!digit1 && !digit2) compare = compareSpecial(part1, part2);
    else compare = digit1 ? compareSpecial('#N#', part2) : compareSpecial(part1, '#N#');
    if (compare !== 0) break;
    if (n1 !== null) p1 = n1 + 1;
    if (n2 !== null) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 !== null) {
      const rest = s1.slice(p1);
      compare = isDigit(rest[0]) ? 1 : phpVersionCompare(rest, '#N#');
    } else if (n2 !== null) {
      const rest = s2.slice(p2);
      compare = isDigit(rest[0]) ? -1 : phpVersionCompare('#N#', rest);
    }
  }
  return compare;
}

/** What `strtol` reads from a part that starts with a digit. */
function leadingDigits(part: string): string {
  return /^[0-9]+/.exec(part)?.[0] ?? '0';
}
