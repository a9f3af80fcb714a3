import type { OsvEvent, VersionScheme } from './types.js';

/**
 * Evaluates one OSV range (`affected[].ranges[].events`) for one version, following the
 * `IncludedInRanges`/`BeforeLimits` pseudo-code of the OSV schema
 * (https://ossf.github.io/osv-schema/#evaluation):
 *
 * - events are sorted by version first (feeds do not always keep them sorted); `introduced: "0"`
 *   sorts before every version; at an equal version `introduced` is applied before
 *   `last_affected` and `fixed`, so `introduced: X, fixed: X` is an empty range;
 * - `introduced` sets affected when `v >= introduced`, `fixed` clears it when `v >= fixed`,
 *   `last_affected` clears it when `v > last_affected`;
 * - with `limit` events the version must also be below at least one limit; a limit containing
 *   `*` is infinity, and no limit at all means an implicit `*`.
 *
 * The scheme's `compare` never throws, so malformed versions in a feed cannot break a scan.
 */
export const MAX_OSV_EVENTS = 10_000;

type Kind = 'introduced' | 'last_affected' | 'fixed';

interface Step {
  readonly kind: Kind;
  readonly value: string;
}

const KIND_RANK: Record<Kind, number> = { introduced: 0, last_affected: 1, fixed: 2 };

function stepOf(event: OsvEvent): Step | null {
  // The schema allows one field per event; for a malformed event the first field wins, in the
  // order the pseudo-code tests them.
  if (typeof event.introduced === 'string') return { kind: 'introduced', value: event.introduced };
  if (typeof event.fixed === 'string') return { kind: 'fixed', value: event.fixed };
  if (typeof event.last_affected === 'string') return { kind: 'last_affected', value: event.last_affected };
  return null;
}

function isZeroIntroduced(step: Step): boolean {
  return step.kind === 'introduced' && step.value === '0';
}

export function isAffectedByEvents(scheme: VersionScheme, version: string, events: readonly OsvEvent[]): boolean {
  if (events.length > MAX_OSV_EVENTS) return false;
  if (!beforeLimits(scheme, version, events)) return false;

  const steps: Step[] = [];
  for (const event of events) {
    const step = stepOf(event);
    if (step !== null) steps.push(step);
  }
  steps.sort((x, y) => {
    const zx = isZeroIntroduced(x);
    const zy = isZeroIntroduced(y);
    if (zx || zy) return zx === zy ? 0 : zx ? -1 : 1;
    return scheme.compare(x.value, y.value) || KIND_RANK[x.kind] - KIND_RANK[y.kind];
  });

  let affected = false;
  for (const step of steps) {
    if (step.kind === 'introduced') {
      if (isZeroIntroduced(step) || scheme.compare(version, step.value) >= 0) affected = true;
    } else if (step.kind === 'fixed') {
      if (scheme.compare(version, step.value) >= 0) affected = false;
    } else if (scheme.compare(version, step.value) > 0) {
      affected = false;
    }
  }
  return affected;
}

function beforeLimits(scheme: VersionScheme, version: string, events: readonly OsvEvent[]): boolean {
  let sawLimit = false;
  for (const event of events) {
    if (typeof event.limit !== 'string') continue;
    sawLimit = true;
    if (event.limit.includes('*') || scheme.compare(version, event.limit) < 0) return true;
  }
  return !sawLimit;
}
