import { hash as digestOf } from 'node:crypto';
import type { Package, PackageType, Report, Severity, VulnerabilityFinding } from '@sekisho/model';
import { isOsPackageType, severityRank } from '@sekisho/model';
import type { AdvisoryStore, CveFacts } from '../advisories/types.js';
import { MATCHER_BY_PACKAGE_TYPE } from '../matchers/registry.js';
import type { AdvisoryMatch, Matcher, MatchUnknown, PackageMatchResult } from '../matchers/types.js';
import { getVersionScheme, isVersionSchemeId } from '../versioning/index.js';
import { AliasGroups, compareIds, normalizeId, preferredId } from './aliases.js';
import { cvssScores } from './cvss.js';
import type { DeploymentContext } from './priority.js';
import { computePriority } from './priority.js';
import { chooseSeverity } from './severity.js';

export interface MatchOptions {
  /**
   * Also match language packages whose files an OS package installed against their language
   * feed (findings marked with `osOwner`). Off by default: the distribution backports fixes
   * without changing the upstream version, so such packages are judged through their owner.
   */
  readonly matchOsOwned?: boolean;
  /** Deployment context for priority; defaults to the image label `io.sekisho.context`. */
  readonly context?: DeploymentContext | null;
  /** Replace matchers (tests, plugins); defaults to MATCHER_BY_PACKAGE_TYPE. */
  readonly matchers?: Readonly<Record<PackageType, Matcher>>;
}

export interface MatchStats {
  readonly packages: number;
  readonly searched: number;
  /** Language packages judged through their OS package (not searched in language feeds). */
  readonly osOwnedSkipped: number;
  /** Packages no matcher could search: binary classifier hits without a language purl, types no advisory feed covers. */
  readonly notSearchable: number;
  /** notSearchable by package type. */
  readonly notSearchableByType: Readonly<Partial<Record<PackageType, number>>>;
  readonly advisoryMatches: number;
}

export interface VulnerabilityMatchResult {
  /** Sorted by package id, then vulnerability id. */
  readonly findings: readonly VulnerabilityFinding[];
  readonly unknowns: readonly MatchUnknown[];
  readonly stats: MatchStats;
}

const MAX_REFERENCES = 20;
const MAX_TEXT = 4096;

function hash(parts: readonly string[]): string {
  return digestOf('sha256', parts.join('\u0000'), 'hex').slice(0, 16);
}

/**
 * OS package types whose distributions' advisories judge the language packages they install.
 * pacman and Portage packages are OS packages too, but no feed here covers them: the language
 * packages they install are matched themselves, never skipped in their owner's name.
 */
const ADVISORY_OWNER_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

/** OS package id for each language package an OS package installed (`contains` from an OS package). */
export function osOwners(report: Report): Map<string, Package> {
  const byId = new Map(report.packages.map((p) => [p.id, p]));
  const owners = new Map<string, Package>();
  for (const rel of report.relationships) {
    if (rel.type !== 'contains') continue;
    const from = byId.get(rel.from);
    const to = byId.get(rel.to);
    if (from === undefined || to === undefined || !ADVISORY_OWNER_TYPES.has(from.type) || isOsPackageType(to.type)) continue;
    if (!owners.has(to.id)) owners.set(to.id, from);
  }
  return owners;
}

export function contextFromLabels(report: Report): DeploymentContext | null {
  const label = report.image?.config.labels['io.sekisho.context'];
  return label === 'internet-facing' || label === 'internal' ? label : null;
}

const STATUS_ORDER = ['not-fixed', 'wont-fix', 'end-of-life', 'unknown'] as const;

function mergeStatus(matches: readonly AdvisoryMatch[], fixed: boolean): VulnerabilityFinding['status'] {
  if (fixed) return 'fixed';
  for (const s of STATUS_ORDER) if (matches.some((m) => m.status === s)) return s;
  return matches.some((m) => m.status === 'fixed') ? 'not-fixed' : 'unknown';
}

function mostSevere(values: readonly (Severity | null)[]): Severity | null {
  let best: Severity | null = null;
  for (const v of values) if (v !== null && (best === null || severityRank(v) > severityRank(best))) best = v;
  return best;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface PackageMatches {
  readonly pkg: Package;
  readonly result: PackageMatchResult;
  readonly owner: Package | null;
}

/**
 * Match every package of a report against the advisory store and return one enriched finding
 * per vulnerability per package (aliases merged), plus the packages that could not be judged.
 */
export function matchVulnerabilities(report: Report, store: AdvisoryStore, options: MatchOptions = {}): VulnerabilityMatchResult {
  const table = options.matchers ?? MATCHER_BY_PACKAGE_TYPE;
  const owners = osOwners(report);
  const ctx = { distro: report.distro, store };
  const context = options.context ?? contextFromLabels(report);
  const matched: PackageMatches[] = [];
  const unknowns: MatchUnknown[] = [];
  let osOwnedSkipped = 0;
  let notSearchable = 0;
  const notSearchableByType: Partial<Record<PackageType, number>> = {};
  let searched = 0;
  const groups = new AliasGroups();

  for (const pkg of report.packages) {
    const owner = owners.get(pkg.id) ?? null;
    if (owner !== null && options.matchOsOwned !== true) {
      osOwnedSkipped++;
      continue;
    }
    const result = table[pkg.type].match(pkg, ctx);
    if (result.unknown !== null) unknowns.push(result.unknown);
    if (result.search === null) {
      if (result.unknown === null) {
        notSearchable++;
        notSearchableByType[pkg.type] = (notSearchableByType[pkg.type] ?? 0) + 1;
      }
      continue;
    }
    searched++;
    for (const m of result.matches) groups.union([m.advisory.id, ...m.advisory.aliases]);
    if (result.matches.length > 0) matched.push({ pkg, result, owner });
  }

  // One finding per (package, alias group).
  interface Group {
    readonly entry: PackageMatches;
    readonly matches: AdvisoryMatch[];
  }
  const perPackage: Group[] = [];
  const cveIds = new Set<string>();
  for (const entry of matched) {
    const byRoot = new Map<string, AdvisoryMatch[]>();
    for (const m of entry.result.matches) {
      const root = groups.root(m.advisory.id);
      const list = byRoot.get(root) ?? [];
      list.push(m);
      byRoot.set(root, list);
      for (const id of [m.advisory.id, ...m.advisory.aliases]) if (/^CVE-/i.test(id)) cveIds.add(normalizeId(id));
    }
    for (const list of byRoot.values()) perPackage.push({ entry, matches: list });
  }
  const facts = cveIds.size > 0 ? store.cveFacts([...cveIds].sort()) : new Map<string, CveFacts>();

  const findings = perPackage.map(({ entry, matches }) => buildFinding(report, entry, matches, facts, context));
  findings.sort((a, b) => (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : compareIds(a.vulnerabilityId, b.vulnerabilityId)));
  unknowns.sort((a, b) => (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : 0));
  const advisoryMatches = matched.reduce((n, e) => n + e.result.matches.length, 0);
  return { findings, unknowns, stats: { packages: report.packages.length, searched, osOwnedSkipped, notSearchable, notSearchableByType, advisoryMatches } };
}

function buildFinding(report: Report, entry: PackageMatches, matches: readonly AdvisoryMatch[], facts: ReadonlyMap<string, CveFacts>, context: DeploymentContext | null): VulnerabilityFinding {
  const { pkg, result, owner } = entry;
  const search = result.search!;
  const ids = new Set<string>();
  for (const m of matches) for (const id of [m.advisory.id, ...m.advisory.aliases]) ids.add(normalizeId(id));
  const vulnerabilityId = preferredId(ids);
  const aliases = [...ids].filter((id) => id !== vulnerabilityId).sort(compareIds);
  const scheme = isVersionSchemeId(search.scheme) ? getVersionScheme(search.scheme) : null;
  const fixedVersions = [...new Set(matches.flatMap((m) => m.fixedVersions))].sort((a, b) => scheme?.compare(a, b) ?? (a < b ? -1 : 1));
  const status = mergeStatus(matches, fixedVersions.length > 0);
  const vendorSeverity = mostSevere(matches.map((m) => m.vendorSeverity));

  const cves = [...ids].filter((id) => id.startsWith('CVE-'));
  const vectors = matches.flatMap((m) => m.advisory.severity.map((s) => ({ ...s, source: s.source || m.advisory.source })));
  let epss: VulnerabilityFinding['epss'] = null;
  let kev: VulnerabilityFinding['kev'] = null;
  for (const cve of cves) {
    const f = facts.get(cve);
    if (f === undefined) continue;
    vectors.push(...f.nvd.map((v) => ({ ...v, source: 'nvd' })));
    if (f.epss !== null && (epss === null || f.epss.score > epss.score)) epss = f.epss;
    if (f.kev !== null && kev === null) kev = f.kev;
  }
  const cvss = cvssScores(vectors);
  const words = vectors.filter((v) => v.type === 'vendor').map((v) => v.score);
  const { severity, from } = chooseSeverity(search.matcher === 'distro-matcher' ? vendorSeverity : null, cvss, words);
  const priority = computePriority({ severity, cvss, epss, kev, fixAvailable: fixedVersions.length > 0, context });

  const primary = matches.find((m) => normalizeId(m.advisory.id) === vulnerabilityId) ?? matches[0]!;
  const summary = primary.advisory.summary.trim() || primary.advisory.details.trim().split('\n')[0]?.trim() || '';
  const location = pkg.locations[0] ?? null;
  const createdBy = location?.layerIndex != null ? (report.image?.layers[location.layerIndex]?.createdBy ?? null) : null;
  const found = matches.map((m) => ({ advisoryId: m.advisory.id, source: m.advisory.source, constraint: m.constraint })).sort((a, b) => compareIds(a.advisoryId, b.advisoryId));
  const searchedBy = owner !== null ? 'os-owned' : search.searchedBy;
  const via =
    searchedBy === 'source-package'
      ? ` (source package ${search.packageName.split(', ')[0] ?? ''})`
      : owner !== null
        ? ` (installed by OS package ${owner.name}; its distribution may have backported the fix)`
        : '';
  const description = clip(
    `${pkg.name} ${pkg.version}${via} is affected by ${vulnerabilityId}: ${found.map((f) => `${f.advisoryId} [${f.source}] ${f.constraint}`).join('; ')}. Severity ${severity} from ${from}.`,
    MAX_TEXT,
  );
  const fix = fixedVersions[0] !== undefined ? `Upgrade ${pkg.name} to ${fixedVersions[0]} or later` : null;
  const published =
    matches
      .map((m) => m.advisory.published)
      .filter((d): d is string => d !== null && !Number.isNaN(Date.parse(d)))
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  const references = [...new Set(matches.flatMap((m) => m.advisory.references))].slice(0, MAX_REFERENCES);
  return {
    kind: 'vulnerability',
    id: hash(['vulnerability', vulnerabilityId, pkg.id]),
    ruleId: vulnerabilityId,
    title: clip(summary === '' ? `${vulnerabilityId} in ${pkg.name}` : summary, 200),
    severity,
    description,
    location,
    createdBy,
    removedInLayer: null,
    foundBy: search.matcher,
    fix,
    references,
    vulnerabilityId,
    aliases,
    packageId: pkg.id,
    packageName: pkg.name,
    installedVersion: pkg.version,
    fixedVersions,
    status,
    packageType: pkg.type,
    purl: pkg.purl,
    match: { ...search, searchedBy, found },
    osOwner: owner === null ? null : { packageId: owner.id, packageName: owner.name },
    vendorSeverity,
    cvss,
    published,
    epss,
    kev,
    priority,
  };
}
