import type { Report, Severity, VulnerabilityFinding } from '@sekisho/model';
import type { Enums, Models } from '@cyclonedx/cyclonedx-library';
import { lazyModule } from '../../util/lazy-module.js';

const cyclonedx = lazyModule<typeof import('@cyclonedx/cyclonedx-library')>('@cyclonedx/cyclonedx-library');

function severityOf(severity: Severity): Enums.Vulnerability.Severity {
  const { Severity: S } = cyclonedx().Enums.Vulnerability;
  const table: Readonly<Record<Severity, Enums.Vulnerability.Severity>> = { critical: S.Critical, high: S.High, medium: S.Medium, low: S.Low, negligible: S.Info, unknown: S.Unknown };
  return table[severity];
}

function methodOf(version: '2.0' | '3.0' | '3.1' | '4.0'): Enums.Vulnerability.RatingMethod {
  const { RatingMethod: M } = cyclonedx().Enums.Vulnerability;
  return { '2.0': M.CVSSv2, '3.0': M.CVSSv3, '3.1': M.CVSSv31, '4.0': M.CVSSv4 }[version];
}

function sourceOf(id: string): Models.Vulnerability.Source {
  const { Models } = cyclonedx();
  if (id.startsWith('CVE-')) return new Models.Vulnerability.Source({ name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` });
  if (id.startsWith('GHSA-')) return new Models.Vulnerability.Source({ name: 'GitHub', url: `https://github.com/advisories/${id}` });
  return new Models.Vulnerability.Source({ name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` });
}

/**
 * Adds the report's vulnerability findings to a CycloneDX BOM built by toCycloneDx (components
 * keyed by package id): one entry per vulnerability, affecting every package it was found in,
 * with ratings (CVSS vectors, the chosen severity), aliases as references, fix recommendation,
 * and Sekisho's priority, EPSS and KEV as properties. (OS-owned language packages carry
 * `sekisho:package:ownedBy` from toCycloneDx, so a later `sbom-scan` judges them through their owner.)
 */
export function addCycloneDxVulnerabilities(bom: Models.Bom, report: Report): void {
  const { Enums, Models } = cyclonedx();
  const components = new Map<string, Models.Component>();
  for (const c of bom.components) if (c.bomRef.value !== undefined) components.set(c.bomRef.value, c);
  const groups = new Map<string, VulnerabilityFinding[]>();
  for (const f of report.findings) {
    if (f.kind !== 'vulnerability') continue;
    const list = groups.get(f.vulnerabilityId);
    if (list === undefined) groups.set(f.vulnerabilityId, [f]);
    else list.push(f);
  }
  for (const [id, list] of groups) {
    const first = list[0]!;
    const vuln = new Models.Vulnerability.Vulnerability({
      bomRef: `sekisho:vuln:${id}`,
      id,
      source: sourceOf(id),
      description: first.title,
      detail: first.description,
      ...(first.fix !== null ? { recommendation: first.fix } : {}),
    });
    const aliases = [...new Set(list.flatMap((f) => f.aliases))].sort();
    for (const alias of aliases) vuln.references.add(new Models.Vulnerability.Reference(alias, sourceOf(alias)));
    const seen = new Set<string>();
    for (const f of list) {
      for (const s of f.cvss ?? []) {
        const key = `${s.source}|${s.vector}`;
        if (seen.has(key)) continue;
        seen.add(key);
        vuln.ratings.add(new Models.Vulnerability.Rating({ source: new Models.Vulnerability.Source({ name: s.source }), score: s.baseScore, method: methodOf(s.version), vector: s.vector }));
      }
    }
    vuln.ratings.add(
      new Models.Vulnerability.Rating({
        source: new Models.Vulnerability.Source({ name: 'sekisho' }),
        severity: severityOf(first.severity),
        method: Enums.Vulnerability.RatingMethod.Other,
        justification: 'severity chosen by Sekisho: vendor, then NVD CVSS v3, then feed CVSS',
      }),
    );
    for (const f of list) {
      const component = components.get(f.packageId);
      if (component !== undefined) vuln.affects.add(new Models.Vulnerability.Affect(component.bomRef));
    }
    const url = first.references.find((r) => /^https?:\/\//.test(r));
    if (url !== undefined) vuln.advisories.add(new Models.Vulnerability.Advisory(url));
    if (first.priority) vuln.properties.add(new Models.Property('sekisho:priority', `${first.priority.level} ${first.priority.score}`));
    if (first.epss) vuln.properties.add(new Models.Property('sekisho:epss', String(first.epss.score)));
    if (first.kev) vuln.properties.add(new Models.Property('sekisho:kev', first.kev.dateAdded));
    vuln.properties.add(new Models.Property('sekisho:status', first.status));
    for (const f of list) if (f.fixedVersions.length > 0) vuln.properties.add(new Models.Property(`sekisho:fixedVersions:${f.packageId}`, f.fixedVersions.join(', ')));
    bom.vulnerabilities.add(vuln);
  }
}
