/**
 * Upstream versions of kernels and container runtimes: `6.1.76`, `1.1.12`, `1.0.0-rc93`,
 * `1.4.0-rc.3`, `25.0.3`. Numeric dot components compare numerically (a missing one is 0);
 * a pre-release (`-rc93`, `-rc.3`, `~rc1`, `-beta.2`) sorts before its release, and its
 * number compares numerically (rc10 > rc9, which semver's string rules get wrong for `rc10`).
 */

export interface ParsedVersion {
  readonly release: readonly number[];
  /** The release part as written (`19.03.0` keeps its zero). */
  readonly releaseText: string;
  /** Pre-release label and number, e.g. ['rc', 93]; null for a release. */
  readonly pre: readonly [string, number] | null;
}

const VERSION = /^v?(\d{1,9}(?:\.\d{1,9}){0,3})(?:[-~.]?(alpha|beta|rc)\.?(\d{1,9})?)?/i;

export function parseVersion(text: string): ParsedVersion | null {
  const m = VERSION.exec(text.trim());
  if (m === null) return null;
  const release = m[1]!.split('.').map(Number);
  const pre = m[2] === undefined ? null : ([m[2].toLowerCase(), Number(m[3] ?? 0)] as const);
  return { release, releaseText: m[1]!, pre };
}

/** -1, 0 or 1; an unparseable version sorts first (it is treated as the oldest). */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa === null || pb === null) return pa === pb ? 0 : pa === null ? -1 : 1;
  const n = Math.max(pa.release.length, pb.release.length);
  for (let i = 0; i < n; i++) {
    const d = (pa.release[i] ?? 0) - (pb.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (pa.pre === null || pb.pre === null) return pa.pre === pb.pre ? 0 : pa.pre === null ? 1 : -1;
  const order = ['alpha', 'beta', 'rc'];
  const d = order.indexOf(pa.pre[0]) - order.indexOf(pb.pre[0]);
  if (d !== 0) return Math.sign(d);
  return Math.sign(pa.pre[1] - pb.pre[1]);
}

/** The canonical text of a parsed version: `1.0.0-rc.93`. */
export function formatVersion(v: ParsedVersion): string {
  return `${v.releaseText}${v.pre === null ? '' : `-${v.pre[0]}.${v.pre[1]}`}`;
}

/** A half-open range [introduced, fixed); no `introduced` means "since the beginning". */
export interface AffectedRange {
  readonly introduced?: string;
  readonly fixed: string;
}

/** True when the version lies in one of the ranges. */
export function inRanges(versionText: string, ranges: readonly AffectedRange[]): boolean {
  return ranges.some((r) => (r.introduced === undefined || compareVersions(versionText, r.introduced) >= 0) && compareVersions(versionText, r.fixed) < 0);
}

/**
 * The upstream part of a package version: epoch, Debian revision and repacking suffixes dropped
 * (`5:25.0.3-1~debian.12~bookworm` → `25.0.3`, `1.1.12+ds1-1` → `1.1.12`,
 * `1.0.0~rc93+ds1-5` → `1.0.0-rc.93`). Null when no version can be read.
 */
export function upstreamOfPackageVersion(text: string): string | null {
  const noEpoch = text.replace(/^\d+:/, '');
  const parsed = parseVersion(noEpoch);
  return parsed === null ? null : formatVersion(parsed);
}

/**
 * The upstream part of a kernel release (`6.1.0-18-amd64` → `6.1.0`, `5.14.0-362.8.1.el9_3.x86_64`
 * → `5.14.0`) and whether a vendor suffix follows it.
 */
export function parseKernelRelease(release: string): { readonly upstream: string; readonly distroBuild: boolean } | null {
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?(.*)$/.exec(release.trim());
  if (m === null) return null;
  const suffix = m[4] ?? '';
  return { upstream: `${m[1]}.${m[2]}.${m[3] ?? '0'}`, distroBuild: suffix !== '' && !/^(-rc\d+)?\+?$/.test(suffix) };
}
