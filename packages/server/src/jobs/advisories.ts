/**
 * The advisory database the workers match against, reopened per job so that a `sekisho db update`
 * that replaced the file is picked up by the next job. Its version is its build time: a new build
 * is a new version, and the findings of a digest are kept per version.
 */
import { existsSync } from 'node:fs';
import { openAdvisoryStore } from '@sekisho/core';
import type { AdvisoryStore, DbMetadata } from '@sekisho/core';

/** The version recorded with scans when no database was there: vulnerabilities were not checked. */
export const NO_DB_VERSION = 'none';

export interface AdvisorySource {
  /** Where the database is (for messages). */
  readonly path: string;
  /** The current database, or null when there is none yet. The caller closes it. */
  open(): AdvisoryStore | null;
}

export function dbVersionOf(metadata: DbMetadata): string {
  return metadata.built;
}

export function advisoryDbAt(path: string): AdvisorySource {
  return {
    path,
    open: () => (existsSync(path) ? openAdvisoryStore(path) : null),
  };
}

/** The current database version, or null when there is none. */
export function currentDbVersion(source: AdvisorySource): string | null {
  const store = source.open();
  if (store === null) return null;
  try {
    return dbVersionOf(store.metadata());
  } finally {
    store.close();
  }
}
