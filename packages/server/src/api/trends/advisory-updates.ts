/**
 * New and fixed findings per advisory-database version, split by why they changed: an image that
 * was scanned before and is matched again with a newer database (the advisories changed), or an
 * image's first scan (the image changed). Each finding interval is attributed to the scan that
 * opened or fixed it: the store writes the scan's time as the interval's first-seen or fixed time
 * and the scan's digest beside it.
 */
import type { AdvisoryUpdateChange, AdvisoryUpdateTrend, FindingInterval, ScanRecord } from '@sekisho/model';
import { ApiError } from '../errors.js';
import type { Repository } from '../../repository/types.js';
import { MAX_PAGE_SIZE, MAX_TREND_INTERVALS } from '../../repository/types.js';

/** Most digests one scope may span here: a larger repository is refused, not cut. */
export const MAX_UPDATE_DIGESTS = 5000;
const MAX_SCANS_PER_DIGEST = 5000;

/** The four counts of one version, while they are added up. */
type Counts = { -readonly [K in 'openedByAdvisories' | 'openedByNewImages' | 'fixedByAdvisories' | 'fixedByNewImages']: AdvisoryUpdateChange[K] };

interface ScanFacts {
  readonly dbVersion: string;
  /** The digest's first scan in the store. */
  readonly first: boolean;
}

/** Attributes intervals to the scans that opened and fixed them; pure, for tests. */
export function attributeToUpdates(scope: string, intervals: readonly FindingInterval[], scans: readonly ScanRecord[]): AdvisoryUpdateTrend {
  const byKey = new Map<string, ScanFacts>();
  const firstOf = new Map<string, string>();
  for (const s of scans) {
    const seen = firstOf.get(s.digest);
    if (seen === undefined || s.scannedAt < seen) firstOf.set(s.digest, s.scannedAt);
  }
  const versions = new Map<string, { firstUsedAt: string; scans: number; change: Counts }>();
  const version = (v: string) => {
    let entry = versions.get(v);
    if (entry === undefined) {
      entry = { firstUsedAt: '\uffff', scans: 0, change: { openedByAdvisories: 0, openedByNewImages: 0, fixedByAdvisories: 0, fixedByNewImages: 0 } };
      versions.set(v, entry);
    }
    return entry;
  };
  for (const s of scans) {
    byKey.set(`${s.digest}|${s.scannedAt}`, { dbVersion: s.dbVersion, first: firstOf.get(s.digest) === s.scannedAt });
    const entry = version(s.dbVersion);
    entry.scans += 1;
    if (s.scannedAt < entry.firstUsedAt) entry.firstUsedAt = s.scannedAt;
  }
  for (const i of intervals) {
    const opened = byKey.get(`${i.firstSeenDigest}|${i.firstSeenAt}`);
    if (opened !== undefined) {
      const c = version(opened.dbVersion).change;
      if (opened.first) c.openedByNewImages += 1;
      else c.openedByAdvisories += 1;
    }
    if (i.fixedAt !== null && i.fixedDigest !== null) {
      const fixed = byKey.get(`${i.fixedDigest}|${i.fixedAt}`);
      if (fixed !== undefined) {
        const c = version(fixed.dbVersion).change;
        if (fixed.first) c.fixedByNewImages += 1;
        else c.fixedByAdvisories += 1;
      }
    }
  }
  const updates = [...versions.entries()]
    .filter(([, e]) => e.scans > 0)
    .map(([dbVersion, e]) => ({ dbVersion, firstUsedAt: e.firstUsedAt, scans: e.scans, ...e.change }))
    .sort((a, b) => (a.firstUsedAt < b.firstUsedAt ? -1 : a.firstUsedAt > b.firstUsedAt ? 1 : 0));
  return { scope, updates };
}

/** Reads the scope's intervals and the scans of the digests they name, within bounds, and attributes them. */
export async function advisoryUpdates(repository: Repository, scope: string, digests: readonly string[]): Promise<AdvisoryUpdateTrend> {
  const intervals: FindingInterval[] = [];
  let cursor: string | null = null;
  do {
    const page = await repository.listIntervals({ scope }, { limit: MAX_PAGE_SIZE, cursor });
    intervals.push(...page.items);
    if (intervals.length > MAX_TREND_INTERVALS) throw new ApiError(400, 'INVALID_INPUT', `more than ${MAX_TREND_INTERVALS} finding intervals in ${scope}: ask for one digest`, 'querystring');
    cursor = page.nextCursor;
  } while (cursor !== null);
  const all = new Set(digests);
  for (const i of intervals) {
    all.add(i.firstSeenDigest);
    if (i.fixedDigest !== null) all.add(i.fixedDigest);
  }
  if (all.size > MAX_UPDATE_DIGESTS) throw new ApiError(400, 'INVALID_INPUT', `${scope} spans more than ${MAX_UPDATE_DIGESTS} images: ask for one digest`, 'querystring');
  const scans: ScanRecord[] = [];
  for (const digest of all) {
    let next: string | null = null;
    let count = 0;
    do {
      const page = await repository.listScans(digest, { limit: MAX_PAGE_SIZE, cursor: next });
      scans.push(...page.items);
      count += page.items.length;
      if (count > MAX_SCANS_PER_DIGEST) throw new ApiError(400, 'INVALID_INPUT', `${digest} has more than ${MAX_SCANS_PER_DIGEST} scans: too many to attribute`, 'querystring');
      next = page.nextCursor;
    } while (next !== null);
  }
  return attributeToUpdates(scope, intervals, scans);
}
