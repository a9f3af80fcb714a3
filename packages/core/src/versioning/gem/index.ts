import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareDigits, compareParsed, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * RubyGems versions and requirements as `Gem::Version` and `Gem::Requirement`
 * (rubygems/rubygems lib/rubygems/version.rb, lib/rubygems/requirement.rb; tests
 * test/rubygems/test_gem_version.rb and test_gem_requirement.rb).
 */
type Segment = string | { readonly n: string };

export interface GemVersion {
  /** The stripped string with `-` replaced by `.pre.`, as `Gem::Version#version`. */
  readonly version: string;
  readonly segments: readonly Segment[];
  readonly canonical: readonly Segment[];
}

// Ruby's \s is [ \t\r\n\f\v].
const WS = '[ \\t\\r\\n\\f\\v]';
const VERSION_PATTERN = '[0-9]+(?:\\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?';
const ANCHORED = new RegExp(`^${WS}*(?:${VERSION_PATTERN})?${WS}*$`);

function isNum(s: Segment): s is { readonly n: string } {
  return typeof s !== 'string';
}

function isZero(s: Segment): boolean {
  return isNum(s) && /^0+$/.test(s.n);
}

function dropTrailingZeros(list: Segment[]): Segment[] {
  let end = list.length;
  while (end > 0 && isZero(list[end - 1] as Segment)) end--;
  return list.slice(0, end);
}

/** `Gem::Version.new`: null where RubyGems raises "Malformed version number string". */
export function parseGemVersion(input: string): GemVersion | null {
  if (input.length > MAX_VERSION_LENGTH || !ANCHORED.test(input)) return null;
  let version = input.replace(/^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g, '');
  if (version === '') version = '0';
  version = version.replaceAll('-', '.pre.');
  const segments: Segment[] = (version.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]+$/.test(s) ? { n: s } : s));
  // canonical_segments: trailing zeros dropped from the numeric head and from the rest.
  const firstString = segments.findIndex((s) => typeof s === 'string');
  const head = firstString < 0 ? segments : segments.slice(0, firstString);
  const tail = firstString < 0 ? [] : segments.slice(firstString);
  return { version, segments, canonical: [...dropTrailingZeros(head), ...dropTrailingZeros(tail)] };
}

const ZERO: Segment = { n: '0' };

/** `Gem::Version#<=>`. */
export function compareGemVersions(a: GemVersion, b: GemVersion): Sign {
  if (a.version === b.version) return 0;
  const l = a.canonical;
  const r = b.canonical;
  const n = Math.max(l.length, r.length);
  for (let i = 0; i < n; i++) {
    const x = l[i] ?? ZERO;
    const y = r[i] ?? ZERO;
    const nx = isNum(x);
    const ny = isNum(y);
    if (nx && ny) {
      const c = compareDigits(x.n, y.n);
      if (c !== 0) return c;
    } else if (!nx && !ny) {
      const c = compareStrings(x, y);
      if (c !== 0) return c;
    } else {
      return nx ? 1 : -1;
    }
  }
  return 0;
}

export function isPrereleaseGem(v: GemVersion): boolean {
  return /[a-zA-Z]/.test(v.version);
}

function fromSegments(segments: readonly Segment[]): GemVersion | null {
  return parseGemVersion(segments.map((s) => (isNum(s) ? s.n : s)).join('.'));
}

/** `Gem::Version#release`: the version without its string segments and what follows them. */
function releaseOf(v: GemVersion): GemVersion | null {
  if (!isPrereleaseGem(v)) return v;
  const firstString = v.segments.findIndex((s) => typeof s === 'string');
  return fromSegments(firstString < 0 ? v.segments : v.segments.slice(0, firstString));
}

function succ(digits: string): string {
  return (BigInt(digits) + 1n).toString();
}

/** `Gem::Version#bump`: drop string segments, drop the last of several, increment the last. */
function bumpOf(v: GemVersion): GemVersion | null {
  const firstString = v.segments.findIndex((s) => typeof s === 'string');
  const segments = (firstString < 0 ? [...v.segments] : v.segments.slice(0, firstString)) as { n: string }[];
  if (segments.length > 1) segments.pop();
  const last = segments[segments.length - 1];
  if (last === undefined) return null;
  segments[segments.length - 1] = { n: succ(last.n) };
  return fromSegments(segments);
}

export type GemOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~>';

export interface GemRequirement {
  readonly op: GemOperator;
  readonly version: GemVersion;
}

const REQUIREMENT = new RegExp(`^${WS}*(=|!=|>=|<=|>|<|~>)?${WS}*(${VERSION_PATTERN})${WS}*$`);

/** `Gem::Requirement.parse` of one constraint such as `~> 1.4` or `1.2` (meaning `= 1.2`). */
export function parseGemRequirement(text: string): GemRequirement | null {
  if (text.length > MAX_CONSTRAINT_LENGTH) return null;
  const m = REQUIREMENT.exec(text);
  if (m === null) return null;
  const version = parseGemVersion(m[2] ?? '');
  if (version === null) return null;
  return { op: (m[1] ?? '=') as GemOperator, version };
}

function holds(v: GemVersion, req: GemRequirement): boolean {
  const c = compareGemVersions(v, req.version);
  switch (req.op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '~>': {
      const release = releaseOf(v);
      const bump = bumpOf(req.version);
      return c >= 0 && release !== null && bump !== null && compareGemVersions(release, bump) < 0;
    }
  }
}

/** Constraints ANDed, as `Gem::Requirement.new(*constraints).satisfied_by?(version)`. */
export function gemRequirementsSatisfied(version: string, constraints: readonly string[]): boolean {
  const v = parseGemVersion(version);
  if (v === null) return false;
  for (const c of constraints) {
    const req = parseGemRequirement(c);
    if (req === null || !holds(v, req)) return false;
  }
  return true;
}

/** A requirement list as advisories write it: constraints joined with commas. */
function splitConstraint(constraint: string): string[] | null {
  if (constraint.length > MAX_CONSTRAINT_LENGTH) return null;
  const parts = constraint.split(',');
  return parts.every((p) => parseGemRequirement(p) !== null) ? parts : null;
}

export const gemScheme: VersionScheme = {
  id: 'gem',
  version: 1,
  reference: 'RubyGems Gem::Version and Gem::Requirement https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb',
  isValid: (version) => parseGemVersion(version) !== null,
  compare: (a, b) => compareParsed(a, b, parseGemVersion, compareGemVersions),
  satisfies(version, constraint) {
    const parts = splitConstraint(constraint);
    return parts !== null && gemRequirementsSatisfied(version, parts);
  },
  isValidConstraint: (constraint) => splitConstraint(constraint) !== null,
};
