import { createHash } from 'node:crypto';
import { isFileTreeSource, reportCompleteness, compareText } from '@sekisho/model';
import type { Package, Report } from '@sekisho/model';
import { jsonChunks } from '../chunks.js';
import { combinedExpression } from '../license.js';
import type { Reporter, ReporterPlugin } from '../types.js';

/** SPDX identifiers allow letters, digits, `.` and `-` only. */
function spdxId(kind: string, name: string, id: string): string {
  return `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]/g, '-')}-${id}`;
}

/**
 * `licenseDeclared`: what the package's metadata states, every statement ANDed; text that is no
 * SPDX expression as a `LicenseRef-sekisho-…` whose text goes in `hasExtractedLicensingInfos`
 * (as does every other LicenseRef used). NOASSERTION when nothing is stated. `licenseConcluded`
 * stays NOASSERTION: Sekisho reads declarations, it does not analyse licence texts.
 */
function licenseDeclared(pkg: Package, extracted: Map<string, string>): string {
  const combined = combinedExpression(pkg.licenses);
  if (combined === null) return 'NOASSERTION';
  for (const [ref, text] of combined.texts) if (!extracted.has(ref)) extracted.set(ref, text);
  return combined.expression;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * SPDX 2.3 JSON. `created` is required by the spec: it is the render time, or SOURCE_DATE_EPOCH
 * when set. The document namespace is derived from the content, so the same report gives the
 * same document.
 */
export function toSpdx(report: Report, now: Date): Record<string, unknown> {
  const subjectName = report.target.repoTags[0] ?? report.target.reference;
  const rootId = 'SPDXRef-DOCUMENT-SUBJECT';
  const contentHash = createHash('sha256')
    .update(JSON.stringify([report.target, report.packages.map((p) => p.id)]))
    .digest('hex')
    .slice(0, 32);
  const extracted = new Map<string, string>();
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: rootId,
      name: subjectName,
      ...(report.target.manifestDigest ? { versionInfo: report.target.manifestDigest } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: isFileTreeSource(report.target.sourceType) ? 'FILE' : 'CONTAINER',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
    },
  ];
  const relationships: Record<string, string>[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: rootId }];
  const ids = new Map<string, string>();
  if (report.distro) {
    const osId = spdxId('OperatingSystem', report.distro.id, report.distro.versionId || 'unknown');
    packages.push({
      SPDXID: osId,
      name: report.distro.id,
      versionInfo: report.distro.versionId,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      description: report.distro.prettyName,
    });
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }
  for (const pkg of report.packages) {
    const id = spdxId('Package', `${pkg.type}-${pkg.name}`, pkg.id);
    ids.set(pkg.id, id);
    const refs: Record<string, string>[] = [];
    if (pkg.purl !== '') refs.push({ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl });
    for (const cpe of pkg.cpes) refs.push({ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: cpe });
    const first = pkg.locations[0];
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: licenseDeclared(pkg, extracted),
      copyrightText: 'NOASSERTION',
      ...(pkg.source && pkg.source.name !== pkg.name ? { sourceInfo: `built from source package ${pkg.source.name} ${pkg.source.version}` } : {}),
      ...(first ? { comment: `found by ${pkg.foundBy} in ${first.path}${first.layerDigest ? ` (layer ${first.layerDigest})` : ''}${pkg.dev === true ? '; development dependency' : ''}` } : {}),
      externalRefs: refs,
    });
    relationships.push({ spdxElementId: rootId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }
  // `contains` from an OS package to a language package is OS ownership (dpkg installed
  // urllib3's dist-info): written as `<OS package> CONTAINS <language package>`, which `sbom-scan`
  // reads back, so the language package is judged through its owner as in the image scan.
  for (const rel of report.relationships) {
    const from = ids.get(rel.from);
    const to = ids.get(rel.to);
    if (from === undefined || to === undefined) continue;
    relationships.push({ spdxElementId: from, relationshipType: rel.type === 'depends-on' ? 'DEPENDS_ON' : 'CONTAINS', relatedSpdxElement: to });
  }
  // Completeness travels with the SBOM: in the creation comment always, as an annotation when incomplete.
  const completeness = reportCompleteness(report);
  const noted = completeness.notes.length === 0 ? '' : ` (${completeness.notes.join('; ')})`;
  const statusText = `${completeness.status === 'complete' ? 'sekisho status: complete' : `sekisho status: incomplete — ${completeness.reasons.join('; ')}`}${noted}`;
  const notChecked = report.notChecked.map((n) => `${n.scanner} not checked: ${n.reason}${n.fix === null ? '' : ` (fix: ${n.fix})`}`);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subjectName,
    documentNamespace: `https://sekisho.dev/spdx/${encodeURIComponent(subjectName.replace(/[^A-Za-z0-9._-]/g, '-'))}-${contentHash}`,
    creationInfo: { created: isoSeconds(now), creators: [`Tool: sekisho-${report.tool.version}`], comment: statusText },
    ...(completeness.status === 'incomplete'
      ? {
          annotations: [statusText, ...notChecked].map((comment) => ({
            annotator: `Tool: sekisho-${report.tool.version}`,
            annotationDate: isoSeconds(now),
            annotationType: 'OTHER',
            comment,
          })),
        }
      : {}),
    documentDescribes: [rootId],
    ...(extracted.size > 0
      ? {
          hasExtractedLicensingInfos: [...extracted]
            .sort(([a], [b]) => compareText(a, b))
            .map(([licenseId, name]) => ({
              licenseId,
              extractedText: licenseId.startsWith('LicenseRef-sekisho-') ? name : `The licence the package's metadata names ${name}; its text was not extracted.`,
              name,
            })),
        }
      : {}),
    packages,
    relationships,
  };
}

export const spdxJsonReporter: Reporter = {
  id: 'spdx-json',
  mediaType: 'application/spdx+json',
  specVersions: ['2.3'],
  render: (report, options) => Array.from(jsonChunks(toSpdx(report, options.now))).join(''),
  renderChunks: (report, options) => jsonChunks(toSpdx(report, options.now)),
};

export const spdxJsonReporterPlugin: ReporterPlugin = { id: 'spdx-json', views: ['inventory', 'scan'], create: () => spdxJsonReporter };
