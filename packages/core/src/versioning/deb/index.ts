import { MAX_VERSION_LENGTH, compareStrings, sign } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';

/**
 * Debian package versions, `[epoch:]upstream_version[-debian_revision]`, ordered as dpkg does:
 * lib/dpkg/version.c (`dpkg_version_compare`, `verrevcmp`) and lib/dpkg/parsehelp.c
 * (`parseversion`), https://git.dpkg.org/git/dpkg/dpkg.git, and Debian Policy §5.6.12.
 */
export interface DebVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
  /** dpkg's parse warnings: not starting with a digit, or characters outside the allowed sets. */
  readonly warnings: boolean;
}

const EPOCH_MAX = 2147483647;

/**
 * `parseversion`: null for what dpkg rejects as an error (empty, embedded spaces, a bad epoch,
 * nothing after the colon, an empty revision or upstream version). Warnings keep the version
 * comparable, as dpkg's comparison functions do.
 */
export function parseDebVersion(input: string): DebVersion | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  const s = input.trim();
  if (s === '' || /\s/.test(s)) return null;
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) return null;
    epoch = Number(e);
    if (epoch > EPOCH_MAX) return null;
    rest = s.slice(colon + 1);
    if (rest === '') return null;
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === '') return null;
  }
  if (upstream === '') return null;
  const warnings = !/^[0-9][A-Za-z0-9.+~:-]*$/.test(upstream) || !/^[A-Za-z0-9.+~]*$/.test(revision);
  return { epoch, upstream, revision, warnings };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `order()` in dpkg: '~' before the end, the end before letters, letters before the rest. */
function order(c: number): number {
  if (Number.isNaN(c) || isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** `verrevcmp`: alternating non-digit and digit runs. */
export function verrevcmp(a: string, b: string): Sign {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}

export function compareDebVersions(a: DebVersion, b: DebVersion): Sign {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

export const debScheme: VersionScheme = {
  id: 'deb',
  version: 1,
  reference: 'dpkg lib/dpkg/version.c (verrevcmp); Debian Policy 5.6.12 https://www.debian.org/doc/debian-policy/ch-controlfields.html#version',
  isValid(version) {
    const v = parseDebVersion(version);
    return v !== null && !v.warnings;
  },
  compare(a, b) {
    const x = parseDebVersion(a);
    const y = parseDebVersion(b);
    if (x !== null && y !== null) return compareDebVersions(x, y);
    // dpkg refuses these; fallback: below every parseable version, by code units among themselves.
    if (x === null && y === null) return compareStrings(a, b);
    return x === null ? -1 : 1;
  },
};
