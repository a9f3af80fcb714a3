import type { OsvEvent } from '../../../versioning/index.js';

/**
 * Cargo version requirements (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html)
 * as half-open intervals, and RustSec's `patched` + `unaffected` sets as OSV events.
 *
 * Decision: RustSec lists the versions that are *safe*; an advisory affects every other
 * version. We convert each requirement to an interval, take the union of all safe intervals,
 * and emit its complement as OSV ranges (introduced at the end of a safe interval, fixed at
 * the start of the next), as RustSec's own OSV export does (rustsec crate, `osv::ranges`), so
 * matching then runs through the shared OSV evaluator with the cargo scheme. Pre-release
 * subtleties of Cargo's matching (a pre-release only matches a comparator with the same
 * major.minor.patch) are not modelled; `>v` starts at the next patch version.
 */
export interface Bound {
  readonly version: string;
  readonly inclusive: boolean;
}

/** [lo, hi): lo null = from the start, hi null = no end. */
export interface Interval {
  readonly lo: Bound | null;
  readonly hi: Bound | null;
}

type Compare = (a: string, b: string) => number;

const COMPARATOR = /^\s*(>=|<=|>|<|=|\^|~)?\s*v?(\d+|\*|x|X)(?:\.(\d+|\*|x|X))?(?:\.(\d+|\*|x|X))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\s*$/;

const wild = (part: string | undefined): boolean => part === undefined || part === '*' || part === 'x' || part === 'X';

function intervalOf(text: string): Interval | null {
  if (text.trim() === '*') return { lo: null, hi: null };
  const m = COMPARATOR.exec(text);
  if (m === null) return null;
  const op = m[1] ?? '^';
  const [, , majorS, minorS, patchS, pre] = m;
  if (wild(majorS)) return { lo: null, hi: null };
  const major = Number(majorS);
  const minorWild = wild(minorS);
  const patchWild = wild(patchS);
  const minor = minorWild ? 0 : Number(minorS);
  const patch = patchWild ? 0 : Number(patchS);
  const exact = `${major}.${minor}.${patch}${pre ?? ''}`;
  // The first version after the partial one (`1.2` → 1.3.0, `1` → 2.0.0, `1.2.3` → 1.2.4).
  const after = minorWild ? `${major + 1}.0.0` : patchWild ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
  const partial = minorWild || patchWild;
  switch (op) {
    case '>=':
      return { lo: { version: exact, inclusive: true }, hi: null };
    case '>':
      return { lo: partial ? { version: after, inclusive: true } : { version: exact, inclusive: false }, hi: null };
    case '<':
      return { lo: null, hi: { version: exact, inclusive: false } };
    case '<=':
      return { lo: null, hi: partial ? { version: after, inclusive: false } : { version: exact, inclusive: true } };
    case '=':
      return { lo: { version: exact, inclusive: true }, hi: partial ? { version: after, inclusive: false } : { version: exact, inclusive: true } };
    case '~':
      return { lo: { version: exact, inclusive: true }, hi: { version: minorWild ? `${major + 1}.0.0` : `${major}.${minor + 1}.0`, inclusive: false } };
    default: {
      // caret: the left-most non-zero part may not change
      let hi: string;
      if (major > 0 || minorWild) hi = `${major + 1}.0.0`;
      else if (minor > 0 || patchWild) hi = `0.${minor + 1}.0`;
      else hi = `0.0.${patch + 1}`;
      return { lo: { version: exact, inclusive: true }, hi: { version: hi, inclusive: false } };
    }
  }
}

function maxLo(a: Bound | null, b: Bound | null, compare: Compare): Bound | null {
  if (a === null) return b;
  if (b === null) return a;
  const c = compare(a.version, b.version);
  return c > 0 ? a : c < 0 ? b : { version: a.version, inclusive: a.inclusive && b.inclusive };
}

function minHi(a: Bound | null, b: Bound | null, compare: Compare): Bound | null {
  if (a === null) return b;
  if (b === null) return a;
  const c = compare(a.version, b.version);
  return c < 0 ? a : c > 0 ? b : { version: a.version, inclusive: a.inclusive && b.inclusive };
}

/** A requirement (`>= 1.2, < 1.5`) → its interval; null when it does not parse. */
export function requirementInterval(requirement: string, compare: Compare): Interval | null {
  let result: Interval = { lo: null, hi: null };
  const parts = requirement.split(',');
  if (parts.length > 32) return null;
  for (const part of parts) {
    const interval = intervalOf(part);
    if (interval === null) return null;
    result = { lo: maxLo(result.lo, interval.lo, compare), hi: minHi(result.hi, interval.hi, compare) };
  }
  return result;
}

function isEmpty(interval: Interval, compare: Compare): boolean {
  if (interval.lo === null || interval.hi === null) return false;
  const c = compare(interval.lo.version, interval.hi.version);
  return c > 0 || (c === 0 && !(interval.lo.inclusive && interval.hi.inclusive));
}

/** `lo` sorts: start (null) first; at equal versions an inclusive start first. */
function compareLo(a: Bound | null, b: Bound | null, compare: Compare): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a.version, b.version) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1);
}

/** Does interval `a` end at or after where `b` starts (they overlap or touch)? */
function reaches(aHi: Bound | null, bLo: Bound | null, compare: Compare): boolean {
  if (aHi === null || bLo === null) return true;
  const c = compare(aHi.version, bLo.version);
  return c > 0 || (c === 0 && (aHi.inclusive || bLo.inclusive));
}

function laterHi(a: Bound | null, b: Bound | null, compare: Compare): Bound | null {
  if (a === null || b === null) return null;
  const c = compare(a.version, b.version);
  return c > 0 ? a : c < 0 ? b : { version: a.version, inclusive: a.inclusive || b.inclusive };
}

/**
 * The OSV events of the versions that are in none of the safe requirements; throws on a
 * requirement that does not parse. No safe requirement at all: every version is affected.
 */
export function affectedEvents(safe: readonly string[], compare: Compare): OsvEvent[] {
  const intervals: Interval[] = [];
  for (const requirement of safe) {
    const interval = requirementInterval(requirement, compare);
    if (interval === null) throw new Error(`unsupported version requirement ${JSON.stringify(requirement)}`);
    if (!isEmpty(interval, compare)) intervals.push(interval);
  }
  intervals.sort((a, b) => compareLo(a.lo, b.lo, compare));
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last !== undefined && reaches(last.hi, interval.lo, compare)) merged[merged.length - 1] = { lo: last.lo, hi: laterHi(last.hi, interval.hi, compare) };
    else merged.push(interval);
  }
  const events: OsvEvent[] = [];
  let start: Bound | null = null; // where the current affected stretch begins (null = version 0)
  let open = true;
  for (const interval of merged) {
    if (open && interval.lo !== null) {
      events.push({ introduced: start === null ? '0' : start.version });
      events.push(interval.lo.inclusive ? { fixed: interval.lo.version } : { last_affected: interval.lo.version });
    }
    if (interval.hi === null) {
      open = false;
      break;
    }
    // After a safe interval ending at `hi`: affected from hi (exclusive end) or just after it.
    start = interval.hi.inclusive ? { version: nextPatch(interval.hi.version), inclusive: true } : interval.hi;
    open = true;
  }
  if (open) events.push({ introduced: start === null ? '0' : start.version });
  return events;
}

function nextPatch(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m === null ? version : `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}
