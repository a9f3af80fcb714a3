/**
 * Harbor's vulnerability report (Pluggable Scanner API v1.2, `HarborVulnerabilityReport`) from a
 * Sekisho report. EPSS, KEV, the layer, the priority and Trivy-shaped CVSS go in
 * `vendor_attributes`, where Harbor keeps what its own schema has no field for.
 */
import { TOOL_VERSION } from '@sekisho/core';
import { severityRank } from '@sekisho/model';
import type { Report, Severity, VulnerabilityFinding } from '@sekisho/model';

export const MIME = {
  metadata: 'application/vnd.scanner.adapter.metadata+json; version=1.1',
  scanRequest: 'application/vnd.scanner.adapter.scan.request+json',
  scanResponse: 'application/vnd.scanner.adapter.scan.response+json; version=1.0',
  error: 'application/vnd.scanner.adapter.error+json; version=1.0',
  vulnHarbor: 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0',
  vulnReport: 'application/vnd.security.vulnerability.report; version=1.1',
  vulnRaw: 'application/vnd.scanner.adapter.vuln.report.raw',
  sbomReport: 'application/vnd.security.sbom.report+json; version=1.0',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  spdx: 'application/spdx+json',
  cyclonedx: 'application/vnd.cyclonedx+json',
} as const;

export type HarborSeverity = 'Unknown' | 'Negligible' | 'Low' | 'Medium' | 'High' | 'Critical';

const HARBOR_SEVERITY: Record<Severity, HarborSeverity> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  negligible: 'Negligible',
  unknown: 'Unknown',
};

export interface HarborArtifact {
  readonly repository?: string;
  readonly digest?: string;
  readonly tag?: string;
  readonly mime_type?: string;
}

export const SCANNER = { name: 'Sekisho', vendor: 'Sekisho', version: TOOL_VERSION } as const;

export interface HarborVulnerabilityItem {
  readonly id: string;
  readonly package: string;
  readonly version: string;
  readonly fix_version: string;
  readonly severity: HarborSeverity;
  readonly description: string;
  readonly links: readonly string[];
  readonly preferred_cvss?: { readonly score_v3?: number; readonly vector_v3?: string; readonly score_v2?: number; readonly vector_v2?: string };
  readonly cwe_ids: readonly string[];
  readonly vendor_attributes: Readonly<Record<string, unknown>>;
}

export interface HarborVulnerabilityReport {
  readonly generated_at: string;
  readonly artifact: HarborArtifact;
  readonly scanner: typeof SCANNER;
  readonly severity: HarborSeverity;
  readonly vulnerabilities: readonly HarborVulnerabilityItem[];
}

export function harborVulnerabilityReport(report: Report, artifact: HarborArtifact, generatedAt: Date): HarborVulnerabilityReport {
  const vulns = report.findings.filter((f): f is VulnerabilityFinding => f.kind === 'vulnerability');
  let worst: Severity = 'unknown';
  for (const v of vulns) if (severityRank(v.severity) > severityRank(worst)) worst = v.severity;
  return {
    generated_at: generatedAt.toISOString(),
    artifact,
    scanner: SCANNER,
    severity: HARBOR_SEVERITY[worst],
    vulnerabilities: vulns.map((v) => item(v, report)),
  };
}

function item(v: VulnerabilityFinding, report: Report): HarborVulnerabilityItem {
  const cvss = v.cvss ?? [];
  const preferred = (versions: readonly string[]) => cvss.find((c) => c.source === 'nvd' && versions.includes(c.version)) ?? cvss.find((c) => versions.includes(c.version));
  const v3 = preferred(['3.1', '3.0']);
  const v2 = preferred(['2.0']);
  const trivyCvss: Record<string, Record<string, unknown>> = {};
  for (const c of cvss) {
    const entry = (trivyCvss[c.source] ??= {});
    if (c.version === '2.0') Object.assign(entry, { V2Vector: c.vector, V2Score: c.baseScore });
    else if (c.version === '4.0') Object.assign(entry, { V40Vector: c.vector, V40Score: c.baseScore });
    else Object.assign(entry, { V3Vector: c.vector, V3Score: c.baseScore });
  }
  const layerIndex = v.location?.layerIndex ?? null;
  const layer = layerIndex === null ? null : report.image?.layers[layerIndex];
  return {
    id: v.vulnerabilityId,
    package: v.packageName,
    version: v.installedVersion,
    fix_version: v.fixedVersions.join(', '),
    severity: HARBOR_SEVERITY[v.severity],
    description: v.description,
    links: v.references.filter((r) => /^https?:\/\//.test(r)),
    ...(v3 === undefined && v2 === undefined
      ? {}
      : {
          preferred_cvss: {
            ...(v3 === undefined ? {} : { score_v3: v3.baseScore, vector_v3: v3.vector }),
            ...(v2 === undefined ? {} : { score_v2: v2.baseScore, vector_v2: v2.vector }),
          },
        }),
    cwe_ids: [],
    vendor_attributes: {
      CVSS: trivyCvss,
      epss: v.epss ?? null,
      kev: v.kev ?? null,
      priority: v.priority ?? null,
      layer: layerIndex === null ? null : { index: layerIndex, digest: v.location?.layerDigest ?? null, diff_id: v.location?.diffId ?? null, created_by: v.createdBy ?? layer?.createdBy ?? null },
      status: v.status,
      purl: v.purl ?? null,
      aliases: v.aliases,
      ...(v.vendorSeverity === undefined || v.vendorSeverity === null ? {} : { vendor_severity: v.vendorSeverity }),
    },
  };
}
