import { MAX_CONSTRAINT_LENGTH, compareParsed } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';
import { compareMavenVersions, parseMavenVersion } from './comparable-version.js';

export { compareMavenVersions, parseMavenVersion } from './comparable-version.js';
export type { ParsedMavenVersion } from './comparable-version.js';

/**
 * Maven version ranges as `VersionRange.createFromVersionSpec` and `Restriction.containsVersion`
 * in maven-artifact (org.apache.maven.artifact.versioning) parse and evaluate them:
 * `[1.0,2.0)`, `(,1.0]`, `[1.5,)`, `[1.0]`, unions `(,1.0],[1.2,)`, and a bare `1.0`, which is
 * a soft recommendation that every version satisfies.
 */
interface Restriction {
  readonly lower: string | null;
  readonly lowerInclusive: boolean;
  readonly upper: string | null;
  readonly upperInclusive: boolean;
}

export interface MavenRange {
  /** Empty for a bare version (a recommendation): then every version is contained. */
  readonly restrictions: readonly Restriction[];
  readonly recommended: string | null;
}

export const MAX_RANGE_RESTRICTIONS = 64;

function cmp(a: string, b: string): number {
  return compareParsed(a, b, parseMavenVersion, compareMavenVersions);
}

function parseRestriction(spec: string): Restriction | null {
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const body = spec.slice(1, -1).trim();
  const comma = body.indexOf(',');
  if (comma < 0) {
    // A single version must be surrounded by [].
    if (!lowerInclusive || !upperInclusive || body === '') return null;
    return { lower: body, lowerInclusive, upper: body, upperInclusive };
  }
  const lower = body.slice(0, comma).trim();
  const upper = body.slice(comma + 1).trim();
  if (upper.includes(',')) return null;
  const r: Restriction = {
    lower: lower === '' ? null : lower,
    lowerInclusive,
    upper: upper === '' ? null : upper,
    upperInclusive,
  };
  if (r.lower !== null && r.upper !== null) {
    // "Range defies version ordering".
    const order = cmp(r.upper, r.lower);
    if (order < 0 || (order === 0 && !(lowerInclusive && upperInclusive))) return null;
  }
  return r;
}

export function parseMavenRange(input: string): MavenRange | null {
  if (input.length > MAX_CONSTRAINT_LENGTH) return null;
  let process = input.trim();
  if (process === '') return null;
  const restrictions: Restriction[] = [];
  let upperBound: string | null = null;
  while (process.startsWith('[') || process.startsWith('(')) {
    const close1 = process.indexOf(')');
    const close2 = process.indexOf(']');
    let index = close2;
    if (close2 < 0 || (close1 >= 0 && close1 < close2)) index = close1;
    if (index < 0) return null; // unbounded range
    const r = parseRestriction(process.slice(0, index + 1));
    if (r === null) return null;
    // "Ranges overlap": each restriction must start at or after the previous one's end.
    if (restrictions.length > 0 && (upperBound === null || r.lower === null || cmp(r.lower, upperBound) < 0)) return null;
    restrictions.push(r);
    if (restrictions.length > MAX_RANGE_RESTRICTIONS) return null;
    upperBound = r.upper;
    process = process.slice(index + 1).trim();
    if (process.startsWith(',')) process = process.slice(1).trim();
  }
  if (process !== '') {
    // "Only fully-qualified sets allowed in multiple set scenario".
    if (restrictions.length > 0 || /[[\](),]/.test(process)) return null;
    return { restrictions: [], recommended: process };
  }
  return restrictions.length === 0 ? null : { restrictions, recommended: null };
}

function contains(r: Restriction, version: string): boolean {
  if (r.lower !== null) {
    const c = cmp(r.lower, version);
    if (c > 0 || (c === 0 && !r.lowerInclusive)) return false;
  }
  if (r.upper !== null) {
    const c = cmp(r.upper, version);
    if (c < 0 || (c === 0 && !r.upperInclusive)) return false;
  }
  return true;
}

/** `VersionRange.containsVersion`. */
export function mavenRangeContains(range: MavenRange, version: string): boolean {
  if (range.restrictions.length === 0) return true;
  return range.restrictions.some((r) => contains(r, version));
}

export const mavenScheme: VersionScheme = {
  id: 'maven',
  version: 1,
  reference: 'Maven ComparableVersion (apache/maven compat/maven-artifact) https://maven.apache.org/pom.html#version-order-specification',
  isValid: (version) => version.trim() !== '' && parseMavenVersion(version) !== null,
  compare: cmp,
  satisfies(version, constraint) {
    const range = parseMavenRange(constraint);
    return range !== null && parseMavenVersion(version) !== null && mavenRangeContains(range, version);
  },
  isValidConstraint: (constraint) => parseMavenRange(constraint) !== null,
};
