import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareStrings } from '../scheme-util.js';
import type { Sign } from '../scheme-util.js';
import type { VersionScheme } from '../types.js';
import { phpVersionCompare } from './php-version-compare.js';

export { phpVersionCompare } from './php-version-compare.js';

/**
 * Composer versions and constraints as composer/semver does them: `VersionParser::normalize`,
 * `VersionParser::parseConstraints` and `Constraint::versionCompare` (src/VersionParser.php,
 * src/Constraint/Constraint.php; https://getcomposer.org/doc/articles/versions.md), with PHP's
 * `version_compare` on the normalized strings.
 */

// `VersionParser::$modifierRegex`. PHP's possessive `*+` is written unambiguously instead, so
// the expression cannot backtrack catastrophically.
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+(?:[.-][0-9]+)*)?))?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?([0-9]{1,5})(\\.[0-9]+)?(\\.[0-9]+)?(\\.[0-9]+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3})?)${MODIFIER}$`, 'i');
const BRANCH = /^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$/i;

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

function normalizeBranch(name: string): string {
  const m = BRANCH.exec(name.trim());
  if (m === null) return `dev-${name.trim()}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += (m[i] ?? '.x').replace(/[*X]/g, 'x');
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** `VersionParser::normalize`: `1.2` becomes `1.2.0.0`, `1.0-RC1` becomes `1.0.0.0-RC1`; null if invalid. */
export function normalizeComposerVersion(input: string): string | null {
  if (input.length > MAX_VERSION_LENGTH) return null;
  let version = input.trim();
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias !== null) version = alias[1] ?? '';
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag !== null) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build !== null) version = build[1] ?? '';

  let m = CLASSICAL.exec(version);
  let index = 5;
  if (m !== null) {
    version = `${m[1] ?? ''}${m[2] || '.0'}${m[3] || '.0'}${m[4] || '.0'}`;
  } else {
    m = DATE.exec(version);
    index = 2;
    if (m !== null) version = (m[1] ?? '').replace(/[^0-9]/g, '.');
  }
  if (m !== null) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return version;
      version += `-${expandStability(stability)}${(m[index + 1] ?? '').replace(/^[.-]+/, '')}`;
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev !== null) {
    const normalized = normalizeBranch(dev[1] ?? '');
    if (!normalized.includes('dev-')) return normalized;
  }
  return null;
}

function isBranch(v: string): boolean {
  return v.startsWith('dev-');
}

/** Default branches sort as `9999999-dev`, as `Semver::sort` does (`normalizeDefaultBranch`). */
function sortKey(normalized: string): string {
  return normalized === 'dev-master' || normalized === 'dev-default' || normalized === 'dev-trunk' ? '9999999-dev' : normalized;
}

/**
 * Order of normalized versions: `version_compare`, with `dev-*` branches (which Composer does
 * not order against versions) above every version and among themselves by code units.
 */
export function compareNormalizedComposer(a: string, b: string): Sign {
  const x = sortKey(a);
  const y = sortKey(b);
  const bx = isBranch(x);
  const by = isBranch(y);
  if (bx || by) return bx && by ? compareStrings(x, y) : bx ? 1 : -1;
  return phpVersionCompare(x, y);
}

// --- constraints ---------------------------------------------------------------------------------

type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

interface Constraint {
  readonly op: Op;
  readonly version: string;
}

/** OR of ANDs; an empty AND list matches everything. */
export type ComposerConstraint = readonly (readonly Constraint[])[];

const OPS: Readonly<Record<string, Op>> = { '=': '==', '==': '==', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const VERSION_RE = `v?([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:${MODIFIER}|\\.([xX*][.-]?dev))(?:\\+[^\\s]+)?`;
const TILDE = new RegExp(`^~>?${VERSION_RE}$`, 'i');
const CARET = new RegExp(`^\\^${VERSION_RE}$`, 'i');
const X_RANGE = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.[xX*])+$/;
const HYPHEN = new RegExp(`^(${VERSION_RE}) +- +(${VERSION_RE})$`, 'i');

/** `manipulateVersionString`: pad after `position`, optionally increment at it. */
function manipulate(parts: readonly (string | undefined)[], position: number, increment = 0): string {
  const m = [...parts];
  for (let i = 4; i > 0; i--) {
    if (i > position) m[i] = '0';
    else if (i === position && increment) m[i] = (BigInt(m[i] || '0') + BigInt(increment)).toString();
  }
  return `${m[1] ?? ''}.${m[2] ?? ''}.${m[3] ?? ''}.${m[4] ?? ''}`;
}

/** PHP's `empty()` on a capture: unset, '' and '0' are empty. */
function empty(x: string | undefined): boolean {
  return x === undefined || x === '' || x === '0';
}

function req(version: string | null): string {
  if (version === null) throw new RangeError('invalid version in constraint');
  return version;
}

/** `VersionParser::parseConstraint` for one AND part; throws RangeError when invalid. */
function parseOne(input: string): Constraint[] {
  let c = input;
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(c);
  if (alias !== null) c = alias[1] ?? '';
  let stabilityModifier: string | undefined;
  const flag = /^([^,\s]*?)@(stable|RC|beta|alpha|dev)$/i.exec(c);
  if (flag !== null) {
    c = flag[1] !== '' ? (flag[1] ?? '') : '*';
    if (flag[2] !== 'stable') stabilityModifier = flag[2];
  }
  const ref = /^(dev-[^,\s@]+?|[^,\s@]+?\.x-dev)#.+$/i.exec(c);
  if (ref !== null) c = ref[1] ?? '';

  const star = /^(v)?[xX*](\.[xX*])*$/i.exec(c);
  if (star !== null) return star[1] || star[2] ? [{ op: '>=', version: '0.0.0.0-dev' }] : [];

  let m = TILDE.exec(c);
  if (m !== null) {
    if (c.startsWith('~>')) throw new RangeError('"~>" is not a Composer operator');
    let position = m[4] ? 4 : m[3] ? 3 : m[2] ? 2 : 1;
    if (!empty(m[8])) position++;
    const suffix = empty(m[5]) && empty(m[7]) && empty(m[8]) ? '-dev' : '';
    const low = req(normalizeComposerVersion(`${c}${suffix}`.slice(1)));
    return [
      { op: '>=', version: low },
      { op: '<', version: `${manipulate(m, Math.max(1, position - 1), 1)}-dev` },
    ];
  }

  m = CARET.exec(c);
  if (m !== null) {
    const position = m[1] !== '0' || !m[2] ? 1 : m[2] !== '0' || !m[3] ? 2 : 3;
    const suffix = empty(m[5]) && empty(m[7]) && empty(m[8]) ? '-dev' : '';
    const low = req(normalizeComposerVersion(`${c}${suffix}`.slice(1)));
    return [
      { op: '>=', version: low },
      { op: '<', version: `${manipulate(m, position, 1)}-dev` },
    ];
  }

  m = X_RANGE.exec(c);
  if (m !== null) {
    const position = m[3] ? 3 : m[2] ? 2 : 1;
    const low = `${manipulate(m, position)}-dev`;
    const high = `${manipulate(m, position, 1)}-dev`;
    return low === '0.0.0.0-dev'
      ? [{ op: '<', version: high }]
      : [
          { op: '>=', version: low },
          { op: '<', version: high },
        ];
  }

  m = HYPHEN.exec(c);
  if (m !== null) {
    // Groups: 1 = from (2-9 inside), 10 = to (11-18 inside).
    const lowSuffix = empty(m[6]) && empty(m[8]) && empty(m[9]) ? '-dev' : '';
    const low = req(normalizeComposerVersion(m[1] ?? ''));
    const nonEmpty = (x: string | undefined): boolean => x === '0' || !empty(x);
    let upper: Constraint;
    if ((nonEmpty(m[12]) && nonEmpty(m[13])) || !empty(m[15]) || !empty(m[17]) || !empty(m[18])) {
      upper = { op: '<=', version: req(normalizeComposerVersion(m[10] ?? '')) };
    } else {
      req(normalizeComposerVersion(m[10] ?? ''));
      const high = ['', m[11], m[12], m[13], m[14]];
      upper = { op: '<', version: `${manipulate(high, nonEmpty(m[12]) ? 2 : 1, 1)}-dev` };
    }
    return [{ op: '>=', version: low + lowSuffix }, upper];
  }

  const basic = /^(<>|!=|>=?|<=?|==?)?\s*(.*)$/.exec(c);
  if (basic !== null) {
    const text = basic[2] ?? '';
    let version = normalizeComposerVersion(text);
    if (version === null && text.endsWith('-dev') && /^[0-9a-zA-Z./-]+$/.test(text)) {
      version = normalizeComposerVersion(`dev-${text.slice(0, -4)}`);
    }
    if (version !== null) {
      const op = basic[1] || '=';
      if (op !== '==' && op !== '=' && stabilityModifier !== undefined && parseStability(version) === 'stable') {
        version += `-${stabilityModifier}`;
      } else if ((op === '<' || op === '>=') && !new RegExp(`-${MODIFIER}$`).test(text.toLowerCase()) && !text.startsWith('dev-')) {
        version += '-dev';
      }
      const mapped = OPS[op];
      if (mapped !== undefined) return [{ op: mapped, version }];
    }
  }
  throw new RangeError(`could not parse version constraint ${c.slice(0, 64)}`);
}

/** `VersionParser::parseStability`. */
function parseStability(version: string): string {
  const v = version.replace(/#.+$/, '');
  if (v.startsWith('dev-') || v.endsWith('-dev')) return 'dev';
  const m = new RegExp(`${MODIFIER}(?:\\+.*)?$`, 'i').exec(v.toLowerCase());
  if (m?.[3]) return 'dev';
  const s = m?.[1];
  if (s === 'beta' || s === 'b') return 'beta';
  if (s === 'alpha' || s === 'a') return 'alpha';
  if (s === 'rc') return 'RC';
  return 'stable';
}

const AND_SPLIT = /(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)/;

/** `VersionParser::parseConstraints`: `||` (or `|`) separates alternatives, `,` or space ANDs. */
export function parseComposerConstraint(input: string): ComposerConstraint | null {
  if (input.length > MAX_CONSTRAINT_LENGTH) return null;
  try {
    return input
      .trim()
      .split(/\s*\|\|?\s*/)
      .map((group) => group.split(AND_SPLIT).flatMap(parseOne));
  } catch {
    return null;
  }
}

/** `Constraint::versionCompare` with branches not comparable to versions. */
function versionCompare(a: string, b: string, op: Op): boolean {
  const ab = isBranch(a);
  const bb = isBranch(b);
  if (op === '!=' && (ab || bb)) return a !== b;
  if (ab && bb) return op === '==' && a === b;
  if (ab || bb) return false;
  const c = phpVersionCompare(a, b);
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** `Semver::satisfies`. */
export function satisfiesComposer(version: string, constraint: string): boolean {
  const v = normalizeComposerVersion(version);
  const parsed = parseComposerConstraint(constraint);
  if (v === null || parsed === null) return false;
  return parsed.some((group) => group.every((c) => versionCompare(v, c.version, c.op)));
}

export const composerScheme: VersionScheme = {
  id: 'composer',
  version: 1,
  reference: 'composer/semver VersionParser and Constraint https://getcomposer.org/doc/articles/versions.md; PHP version_compare',
  isValid: (version) => normalizeComposerVersion(version) !== null,
  compare(a, b) {
    const x = normalizeComposerVersion(a);
    const y = normalizeComposerVersion(b);
    if (x !== null && y !== null) return compareNormalizedComposer(x, y);
    if (x === null && y === null) return compareStrings(a, b);
    return x === null ? -1 : 1;
  },
  satisfies: satisfiesComposer,
  isValidConstraint: (constraint) => parseComposerConstraint(constraint) !== null,
};
