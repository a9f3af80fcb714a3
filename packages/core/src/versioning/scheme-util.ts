import { compareText } from '@sekisho/model';

/** Helpers shared by the version schemes. */

/**
 * Longest version string any scheme parses. Real versions are far shorter; the bound keeps
 * parsing and comparing hostile strings linear and cheap (Maven's ComparableVersion uses the
 * same figure since it started bounding input).
 */
export const MAX_VERSION_LENGTH = 256;

/** Longest constraint expression a scheme parses. */
export const MAX_CONSTRAINT_LENGTH = 1024;

export type Sign = -1 | 0 | 1;

export function sign(n: number): Sign {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Plain string order by UTF-16 code units (identical strings are equal). */
export function compareStrings(a: string, b: string): Sign {
  return compareText(a, b);
}

/**
 * Non-negative decimal digit strings compared by value, without converting to numbers, so
 * arbitrarily long digit runs neither overflow nor lose precision.
 */
export function compareDigits(a: string, b: string): Sign {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/**
 * The documented fallback order for schemes whose upstream defines none for invalid strings:
 * every invalid string sorts below every valid one, and invalid strings compare among
 * themselves by code units (so equal only when identical).
 */
export function compareParsed<T>(a: string, b: string, parse: (s: string) => T | null, compareValid: (x: T, y: T) => number): Sign {
  const x = parse(a);
  const y = parse(b);
  if (x !== null && y !== null) return sign(compareValid(x, y));
  if (x === null && y === null) return compareStrings(a, b);
  return x === null ? -1 : 1;
}

/** Whether a constraint's input is a string within the bound. */
export function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}
