import type { Package, PackageType, Report, Severity, VulnerabilityFinding } from '@sekisho/model';
import { severityRank, compareText } from '@sekisho/model';
import type { LayerAttribution } from '../findings/attribution.js';
import { layerOrigin } from '../findings/attribution.js';
import { getVersionScheme, isVersionSchemeId, versionSchemeOfPackageType } from '../versioning/registry.js';
import type { VersionScheme } from '../versioning/types.js';

/** The smallest move of one package that clears every vulnerability a fix exists for. */
export interface PackageUpgrade {
  readonly packageId: string;
  readonly type: PackageType | null;
  readonly name: string;
  readonly installed: string;
  /** The lowest version that fixes all of them: the largest of each finding's lowest fix above the installed version. */
  readonly target: string;
  /** Vulnerability ids the upgrade clears, most severe first. */
  readonly clears: readonly string[];
  /** Vulnerabilities of the package no version fixes yet (they stay after the upgrade). */
  readonly remaining: readonly string[];
  /** Highest severity among what it clears. */
  readonly severity: Severity;
  readonly layer: number | null;
  /** `base`: it came with the base image (rebuild on a newer base rather than upgrade in place). */
  readonly origin: 'base' | 'own' | null;
}

function schemeFor(finding: VulnerabilityFinding, pkg: Package | undefined): VersionScheme | null {
  const named = finding.match?.scheme;
  if (named !== undefined && isVersionSchemeId(named)) return getVersionScheme(named);
  const type = finding.packageType ?? pkg?.type;
  return type === undefined ? null : versionSchemeOfPackageType(type);
}

/** The lowest listed fix above the installed version (a fix list may name older branches' fixes too). */
function lowestFixAbove(finding: VulnerabilityFinding, scheme: VersionScheme): string | null {
  let best: string | null = null;
  for (const fixed of finding.fixedVersions) {
    if (scheme.compare(fixed, finding.installedVersion) <= 0) continue;
    if (best === null || scheme.compare(fixed, best) < 0) best = fixed;
  }
  return best;
}

/**
 * One line per vulnerable package: the minimal version bump that clears every finding with a fix
 * (not the newest release), what it clears and what no version fixes yet. Packages whose findings
 * have no fix at all are left out: there is nothing to bump to. Sorted by the most severe finding
 * cleared, then by how many.
 */
export function minimalUpgrades(report: Report, attribution: LayerAttribution | null = null): PackageUpgrade[] {
  const packages = new Map(report.packages.map((p) => [p.id, p]));
  const byPackage = new Map<string, VulnerabilityFinding[]>();
  for (const finding of report.findings) {
    if (finding.kind !== 'vulnerability') continue;
    const list = byPackage.get(finding.packageId) ?? [];
    list.push(finding);
    byPackage.set(finding.packageId, list);
  }
  const upgrades: PackageUpgrade[] = [];
  for (const [packageId, findings] of byPackage) {
    const pkg = packages.get(packageId);
    const first = findings[0];
    if (first === undefined) continue;
    const scheme = schemeFor(first, pkg);
    if (scheme === null) continue;
    let target: string | null = null;
    const clears: VulnerabilityFinding[] = [];
    const remaining: string[] = [];
    for (const finding of findings) {
      const fix = lowestFixAbove(finding, scheme);
      if (fix === null) {
        remaining.push(finding.vulnerabilityId);
        continue;
      }
      clears.push(finding);
      if (target === null || scheme.compare(fix, target) > 0) target = fix;
    }
    if (target === null) continue;
    clears.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.vulnerabilityId, b.vulnerabilityId));
    const layer = pkg?.locations[0]?.layerIndex ?? null;
    upgrades.push({
      packageId,
      type: pkg?.type ?? first.packageType ?? null,
      name: first.packageName,
      installed: first.installedVersion,
      target,
      clears: [...new Set(clears.map((f) => f.vulnerabilityId))],
      remaining: [...new Set(remaining)].sort(),
      severity: clears[0]?.severity ?? 'unknown',
      layer,
      origin: attribution === null ? null : layerOrigin(layer, attribution),
    });
  }
  return upgrades.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.clears.length - a.clears.length || compareText(a.name, b.name));
}
