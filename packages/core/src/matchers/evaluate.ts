import type { AffectedPackage } from '../advisories/types.js';
import type { OsvEvent, VersionScheme } from '../versioning/index.js';
import { isAffectedByEvents } from '../versioning/index.js';

export interface Evaluation {
  readonly affected: boolean;
  /** The range or explicit version that matched, in words. */
  readonly constraint: string;
  /** Fix versions above the installed one, ascending. */
  readonly fixedVersions: readonly string[];
}

const MAX_LISTED_VERSIONS = 100_000;

/** Identity for most schemes; Go feeds write versions without the `v` prefix the Go scheme needs. */
export type VersionMapper = (version: string) => string;

const identity: VersionMapper = (v) => v;

function mapEvent(event: OsvEvent, map: VersionMapper): OsvEvent {
  if (event.introduced !== undefined) return { introduced: event.introduced === '0' ? '0' : map(event.introduced) };
  if (event.fixed !== undefined) return { fixed: map(event.fixed) };
  if (event.last_affected !== undefined) return { last_affected: map(event.last_affected) };
  if (event.limit !== undefined) return { limit: event.limit.includes('*') ? event.limit : map(event.limit) };
  return event;
}

/** `>=1.0 <1.4.2` style text for a list of OSV events (intervals in version order). */
export function describeEvents(scheme: VersionScheme, events: readonly OsvEvent[]): string {
  const sorted = [...events].sort((a, b) => {
    const va = a.introduced ?? a.fixed ?? a.last_affected ?? a.limit ?? '';
    const vb = b.introduced ?? b.fixed ?? b.last_affected ?? b.limit ?? '';
    if (va === '0' || vb === '0') return va === vb ? 0 : va === '0' ? -1 : 1;
    return scheme.compare(va, vb);
  });
  const parts: string[] = [];
  let open: string | null = null;
  for (const e of sorted) {
    if (e.introduced !== undefined) open = `>=${e.introduced}`;
    else if (e.fixed !== undefined) {
      parts.push(`${open ?? ''} <${e.fixed}`.trim());
      open = null;
    } else if (e.last_affected !== undefined) {
      parts.push(`${open ?? ''} <=${e.last_affected}`.trim());
      open = null;
    } else if (e.limit !== undefined && e.limit !== '*') parts.push(`limit <${e.limit}`);
  }
  if (open !== null) parts.push(open);
  return parts.join(' || ');
}

/** The first numeric run, ignoring a zero epoch (`0:`, `0!`) and leading zeros: versions equal under any scheme here share it. */
function leadingNumber(version: string): string | null {
  const m = /^(?:0+[:!])?\D*?0*(\d+)/.exec(version.slice(0, 64));
  return m === null ? null : m[1]!;
}

/**
 * The listed version equal to `v` under the scheme (`1.0` lists `1.0.0` for PEP 440): exact
 * strings first; the scheme's compare only for listed versions that share `v`'s first number,
 * which keeps long OSV `versions` lists from costing a parse per entry.
 */
function findListed(scheme: VersionScheme, v: string, versions: readonly string[], map: VersionMapper): string | undefined {
  const exact = versions.find((listed) => map(listed) === v);
  if (exact !== undefined) return exact;
  const lead = leadingNumber(v);
  return versions.find((listed) => {
    const mapped = map(listed);
    const other = leadingNumber(mapped);
    return (lead === null || other === null || lead === other) && scheme.compare(mapped, v) === 0;
  });
}

function ascendingUnique(scheme: VersionScheme, versions: Iterable<string>): string[] {
  const out: string[] = [];
  for (const v of [...new Set(versions)].sort((a, b) => scheme.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))) {
    if (out.length === 0 || scheme.compare(out[out.length - 1]!, v) !== 0) out.push(v);
  }
  return out;
}

/**
 * Whether `installed` is affected by one affected-package entry: any of its OSV ranges (evaluated
 * with the shared OSV evaluator, https://ossf.github.io/osv-schema/#evaluation) or an exact
 * entry of its `versions` list (equal under the scheme). A distro entry with no ranges and no
 * versions affects every version unless it is `fixed` (then: below its fix versions).
 */
export function evaluateAffected(scheme: VersionScheme, installed: string, affected: AffectedPackage, map: VersionMapper = identity): Evaluation {
  const v = map(installed);
  const fixes: string[] = [];
  for (const f of affected.fixedVersions) fixes.push(f);
  for (const range of affected.ranges) for (const e of range.events) if (e.fixed !== undefined) fixes.push(e.fixed);
  const fixedAbove = ascendingUnique(
    scheme,
    fixes.filter((f) => scheme.compare(map(f), v) > 0),
  );

  const reasons: string[] = [];
  for (const range of affected.ranges) {
    const events = range.events.map((e) => mapEvent(e, map));
    if (isAffectedByEvents(scheme, v, events)) reasons.push(describeEvents(scheme, range.events));
  }
  if (reasons.length === 0 && affected.versions.length <= MAX_LISTED_VERSIONS) {
    const hit = findListed(scheme, v, affected.versions, map);
    if (hit !== undefined) reasons.push(`version ${hit} listed`);
  }
  if (reasons.length > 0) return { affected: true, constraint: reasons.join('; '), fixedVersions: fixedAbove };

  if (affected.ranges.length === 0 && affected.versions.length === 0) {
    if (affected.status === 'not-affected') return { affected: false, constraint: '', fixedVersions: [] };
    if (affected.status === 'fixed' || (affected.status === 'unknown' && affected.fixedVersions.length > 0)) {
      if (affected.fixedVersions.length === 0) return { affected: false, constraint: '', fixedVersions: [] };
      const stillBelow = affected.fixedVersions.every((f) => scheme.compare(v, map(f)) < 0);
      return stillBelow ? { affected: true, constraint: `<${affected.fixedVersions.join(', <')}`, fixedVersions: fixedAbove } : { affected: false, constraint: '', fixedVersions: [] };
    }
    if (affected.status === 'unknown') return { affected: false, constraint: '', fixedVersions: [] };
    return { affected: true, constraint: `all versions (${affected.status})`, fixedVersions: fixedAbove };
  }
  return { affected: false, constraint: '', fixedVersions: [] };
}
