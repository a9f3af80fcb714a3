import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareDigits, compareParsed } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * NuGet package versions and version ranges as NuGet.Versioning (NuGet/NuGet.Client
 * src/NuGet.Core/NuGet.Versioning: NuGetVersion, VersionComparer, VersionRange;
 * https://learn.microsoft.com/nuget/concepts/package-versioning): SemVer 2.0.0 with an optional
 * fourth (revision) number, 1-4 numeric parts, case-insensitive pre-release labels, metadata
 * ignored when ordering.
 */
export interface NuGetVersion {
  /** Major, minor, patch, revision (missing parts are 0). */
  readonly parts: readonly [string, string, string, string];
  readonly release: readonly string[];
  readonly metadata: string | null;
}

const NUMBERS = /^[0-9]+(?:\.[0-9]+){0,3}$/;
const LABELS = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;
const METADATA = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;

export function parseNuGetVersion(input: string): NuGetVersion | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  const s = input.trim();
  let rest = s;
  let metadata: string | null = null;
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    metadata = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
    if (!METADATA.test(metadata)) return null;
  }
  let release: string[] = [];
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    const labels = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
    if (!LABELS.test(labels)) return null;
    release = labels.split('.');
  }
  if (!NUMBERS.test(rest)) return null;
  const nums = rest.split('.');
  // Each part must fit System.Int32.
  if (nums.some((n) => compareDigits(n, '2147483647') > 0)) return null;
  return { parts: [nums[0] ?? '0', nums[1] ?? '0', nums[2] ?? '0', nums[3] ?? '0'], release, metadata };
}

const INT32 = /^[0-9]{1,10}$/;

/** `int.TryParse` on a label: digits that fit in an Int32. */
function labelNumber(label: string): boolean {
  return INT32.test(label) && compareDigits(label, '2147483647') <= 0;
}

/** `StringComparer.OrdinalIgnoreCase` on ASCII labels. */
function compareIgnoreCase(a: string, b: string): Sign {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabels(a: readonly string[], b: readonly string[]): Sign {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const nx = labelNumber(x);
    const ny = labelNumber(y);
    let r: Sign;
    if (nx && ny) r = compareDigits(x, y);
    else if (nx !== ny) r = nx ? -1 : 1;
    else r = compareIgnoreCase(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** `VersionComparer.Default`: numbers, then release labels; metadata is ignored. */
export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Sign {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.parts[i] ?? '0', b.parts[i] ?? '0');
    if (r !== 0) return r;
  }
  return compareLabels(a.release, b.release);
}

// --- ranges (VersionRange.TryParse) -------------------------------------------------------------

export interface NuGetRange {
  readonly min: NuGetVersion | null;
  readonly minInclusive: boolean;
  readonly max: NuGetVersion | null;
  readonly maxInclusive: boolean;
}

/**
 * `1.0` (meaning >= 1.0), `[1.0]`, `(1.0,)`, `[1.0,2.0)`, `(,1.0]` and so on. Floating ranges
 * (`1.*`) only make sense for resolution, so they are not accepted.
 */
export function parseNuGetRange(input: string): NuGetRange | null {
  if (input.length > MAX_CONSTRAINT_LENGTH) return null;
  const s = input.trim();
  if (s === '') return null;
  const open = s[0];
  if (open !== '[' && open !== '(') {
    const v = parseNuGetVersion(s);
    return v === null ? null : { min: v, minInclusive: true, max: null, maxInclusive: false };
  }
  const close = s[s.length - 1];
  if (s.length < 3 || (close !== ']' && close !== ')')) return null;
  const minInclusive = open === '[';
  const maxInclusive = close === ']';
  const parts = s.slice(1, -1).split(',');
  if (parts.length > 2) return null;
  const [first = '', second] = parts.map((p) => p.trim());
  if (second === undefined) {
    // Exactly one version: only `[x]`.
    const v = parseNuGetVersion(first);
    return v !== null && minInclusive && maxInclusive ? { min: v, minInclusive, max: v, maxInclusive } : null;
  }
  if (first === '' && second === '') return null;
  const min = first === '' ? null : parseNuGetVersion(first);
  const max = second === '' ? null : parseNuGetVersion(second);
  if ((first !== '' && min === null) || (second !== '' && max === null)) return null;
  if (min !== null && max !== null) {
    const c = compareNuGetVersions(min, max);
    if (c > 0 || (c === 0 && !(minInclusive && maxInclusive))) return null;
  }
  return { min, minInclusive, max, maxInclusive };
}

/** `VersionRange.Satisfies`. */
export function nugetRangeContains(range: NuGetRange, version: NuGetVersion): boolean {
  if (range.min !== null) {
    const c = compareNuGetVersions(version, range.min);
    if (c < 0 || (c === 0 && !range.minInclusive)) return false;
  }
  if (range.max !== null) {
    const c = compareNuGetVersions(version, range.max);
    if (c > 0 || (c === 0 && !range.maxInclusive)) return false;
  }
  return true;
}

export const nugetScheme: VersionScheme = {
  id: 'nuget',
  version: 1,
  reference: 'NuGet.Versioning (NuGet/NuGet.Client) https://learn.microsoft.com/nuget/concepts/package-versioning',
  isValid: (version) => parseNuGetVersion(version) !== null,
  compare: (a, b) => compareParsed(a, b, parseNuGetVersion, compareNuGetVersions),
  satisfies(version, constraint) {
    const v = parseNuGetVersion(version);
    const range = parseNuGetRange(constraint);
    return v !== null && range !== null && nugetRangeContains(range, v);
  },
  isValidConstraint: (constraint) => parseNuGetRange(constraint) !== null,
};
