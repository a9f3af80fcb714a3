import { normalizePackageName } from './namespaces.js';
import type { Advisory, AdvisoryHit, AdvisoryStore, CveFacts, DbMetadata } from './types.js';
import { compareText } from '@sekisho/model';

export const ADVISORY_DB_SCHEMA_VERSION = 1;

export type CveFactsInput = ReadonlyMap<string, CveFacts> | Readonly<Record<string, CveFacts>>;

function factsMap(input: CveFactsInput | undefined): ReadonlyMap<string, CveFacts> {
  if (input === undefined) return new Map();
  if (input instanceof Map) return input;
  return new Map(Object.entries(input as Readonly<Record<string, CveFacts>>));
}

/**
 * An in-memory AdvisoryStore over normalized advisories: for tests and for small, ad-hoc feeds.
 * Package names are normalized per namespace both when indexing and when asked, like the SQLite
 * store. Metadata counts records per source.
 */
export function advisoryStoreFromRecords(advisories: Iterable<Advisory>, cveFacts?: CveFactsInput, options: { built?: string } = {}): AdvisoryStore {
  const index = new Map<string, AdvisoryHit[]>();
  const counts = new Map<string, number>();
  for (const advisory of advisories) {
    counts.set(advisory.source, (counts.get(advisory.source) ?? 0) + 1);
    for (const affected of advisory.affected) {
      const key = `${affected.namespace}\u0000${normalizePackageName(affected.namespace, affected.packageName)}`;
      let hits = index.get(key);
      if (hits === undefined) index.set(key, (hits = []));
      hits.push({ advisory, affected });
    }
  }
  const facts = factsMap(cveFacts);
  const metadata: DbMetadata = {
    schemaVersion: ADVISORY_DB_SCHEMA_VERSION,
    built: options.built ?? new Date(0).toISOString(),
    sources: [...counts].sort(([a], [b]) => compareText(a, b)).map(([id, records]) => ({ id, records, skipped: 0, fetched: null })),
  };
  let closed = false;
  const open = (): void => {
    if (closed) throw new Error('advisory store is closed');
  };
  return {
    query(namespace, packageName) {
      open();
      return index.get(`${namespace}\u0000${normalizePackageName(namespace, packageName)}`) ?? [];
    },
    cveFacts(cveIds) {
      open();
      const out = new Map<string, CveFacts>();
      for (const id of cveIds) {
        const found = facts.get(id);
        if (found !== undefined) out.set(id, found);
      }
      return out;
    },
    metadata() {
      return metadata;
    },
    close() {
      closed = true;
    },
  };
}
