/**
 * A version scheme orders the version strings of one ecosystem exactly as that ecosystem's own
 * tool does (dpkg, rpm, apk, node-semver, packaging, Maven, ...). Matchers use `compare` through
 * the shared OSV range evaluator (osv-range.ts) and `satisfies` for native range syntax.
 */
export const VERSION_SCHEME_IDS = ['deb', 'rpm', 'apk', 'semver', 'npm', 'pep440', 'maven', 'golang', 'gem', 'nuget', 'composer', 'cargo'] as const;
export type VersionSchemeId = (typeof VERSION_SCHEME_IDS)[number];

export interface VersionScheme {
  readonly id: VersionSchemeId;
  /** Bump when behaviour changes: it is part of cache keys. */
  readonly version: number;
  /** URL or citation of the upstream algorithm this scheme follows. */
  readonly reference: string;
  isValid(version: string): boolean;
  /**
   * -1, 0 or 1. Never throws: invalid inputs get the order upstream defines for them, or the
   * fallback the scheme's readme documents.
   */
  compare(a: string, b: string): number;
  /** Native range syntax, where the ecosystem has one. Never throws; false on invalid input. */
  satisfies?(version: string, constraint: string): boolean;
  isValidConstraint?(constraint: string): boolean;
}

/** One event of an OSV `affected[].ranges[].events` array: exactly one field is set. */
export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}
