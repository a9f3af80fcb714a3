/**
 * Shapes of the server's HTTP API that are not stored records: roles and tokens, trends. Browser-safe:
 * the dashboard and scripts read them from the public API.
 */
import type { SeverityCounts } from './store.js';

/** Roles, each granting everything the ones before it grant: viewer < scanner < approver < admin. */
export const API_ROLES = ['viewer', 'scanner', 'approver', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export function isApiRole(value: string): value is ApiRole {
  return (API_ROLES as readonly string[]).includes(value);
}

/** True when `role` grants at least what `needed` grants. */
export function roleAtLeast(role: ApiRole, needed: ApiRole): boolean {
  return API_ROLES.indexOf(role) >= API_ROLES.indexOf(needed);
}

/** An API token as listed: never its secret, which is shown once when created and stored only as a hash. */
export interface ApiTokenRecord {
  /** Public part of the token (`skt_<id>.<secret>`): names it in lists and audit rows. */
  readonly id: string;
  /** The principal the token acts as (unique among tokens). */
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Last moment it is accepted (ISO 8601), or null for no end. */
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

/** Open findings of a scope at the end of one day or week, by severity. */
export interface TrendPoint {
  /** End of the bucket (exclusive), ISO 8601. */
  readonly at: string;
  readonly open: SeverityCounts;
  /** Findings first seen in the bucket (after the previous point, up to `at`). */
  readonly opened: number;
  /** Findings fixed in the bucket. */
  readonly fixed: number;
  /** Mean days from first seen to fixed of the findings fixed in the bucket; null when none was. */
  readonly meanDaysToFix: number | null;
}

/** What one advisory-database version changed in a scope, split by why: the same image re-matched, or a new image. */
export interface AdvisoryUpdateChange {
  readonly dbVersion: string;
  /** The first scan of the scope matched with this version. */
  readonly firstUsedAt: string;
  readonly scans: number;
  /** Findings first seen when an image already scanned before was matched again with this version. */
  readonly openedByAdvisories: number;
  /** Findings first seen in an image's first scan (a new build or tag). */
  readonly openedByNewImages: number;
  readonly fixedByAdvisories: number;
  readonly fixedByNewImages: number;
}

export interface AdvisoryUpdateTrend {
  readonly scope: string;
  /** Oldest version first. */
  readonly updates: readonly AdvisoryUpdateChange[];
}

export interface FindingTrend {
  /** `repo:<repository>`, `image:<digest>` or `env:<environment>` (its repositories summed). */
  readonly scope: string;
  readonly bucket: 'day' | 'week';
  readonly points: readonly TrendPoint[];
}
