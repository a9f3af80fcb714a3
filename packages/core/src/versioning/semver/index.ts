import type { SemVer } from 'semver';
import { MAX_CONSTRAINT_LENGTH, MAX_VERSION_LENGTH, compareParsed } from '../scheme-util.js';
import type { VersionScheme, VersionSchemeId } from '../types.js';
import { lazyModule } from '../../util/lazy-module.js';

const semver = lazyModule<typeof import('semver')>('semver');

/**
 * Semantic versions and npm ranges with node-semver's exact semantics, built on the `semver`
 * package itself (https://github.com/npm/node-semver): precedence per SemVer 2.0.0 §11
 * (build metadata ignored), ranges with `^ ~ x * -` and `||`, pre-releases excluded from ranges
 * unless a comparator on the same `[major, minor, patch]` tuple names one.
 *
 * Two schemes share the code:
 * - `semver`: node-semver's strict parser (which still accepts a leading `v`);
 * - `npm`: the loose parser npm applies to package.json versions (normalize-package-data), which
 *   also accepts `= 1.2.3`, `1.2.3beta` and the like.
 */
export interface NodeSemverOptions {
  readonly loose?: boolean;
  readonly includePrerelease?: boolean;
}

function parseVersion(version: string, options: NodeSemverOptions): SemVer | null {
  if (version.length > MAX_VERSION_LENGTH) return null;
  try {
    return semver().parse(version, options);
  } catch {
    return null;
  }
}

/** node-semver `compare`, with invalid strings below valid ones (by code units among themselves). */
export function compareNodeSemver(a: string, b: string, options: NodeSemverOptions = {}): number {
  return compareParsed(
    a,
    b,
    (s) => parseVersion(s, options),
    (x, y) => x.compare(y),
  );
}

/** node-semver `satisfies`; false for an invalid version or range, never throws. */
export function satisfiesNodeSemver(version: string, range: string, options: NodeSemverOptions = {}): boolean {
  if (range.length > MAX_CONSTRAINT_LENGTH) return false;
  const v = parseVersion(version, options);
  if (v === null) return false;
  try {
    return semver().satisfies(v, range, options);
  } catch {
    return false;
  }
}

export function isValidNodeSemverRange(range: string, options: NodeSemverOptions = {}): boolean {
  if (range.length > MAX_CONSTRAINT_LENGTH) return false;
  try {
    return semver().validRange(range, options) !== null;
  } catch {
    return false;
  }
}

function nodeSemverScheme(id: VersionSchemeId, options: NodeSemverOptions, reference: string): VersionScheme {
  return {
    id,
    version: 1,
    reference,
    isValid: (version) => parseVersion(version, options) !== null,
    compare: (a, b) => compareNodeSemver(a, b, options),
    satisfies: (version, constraint) => satisfiesNodeSemver(version, constraint, options),
    isValidConstraint: (constraint) => isValidNodeSemverRange(constraint, options),
  };
}

export const semverScheme = nodeSemverScheme('semver', {}, 'node-semver https://github.com/npm/node-semver; SemVer 2.0.0 https://semver.org/#spec-item-11');

export const npmScheme = nodeSemverScheme('npm', { loose: true }, 'node-semver (loose) https://github.com/npm/node-semver#ranges; npm normalize-package-data');
