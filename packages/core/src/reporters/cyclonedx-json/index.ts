import { isFileTreeSource, reportCompleteness } from '@sekisho/model';
import type { Package, Report } from '@sekisho/model';
import { isOsPackageType } from '@sekisho/model';
import type { Models, Serialize } from '@cyclonedx/cyclonedx-library';
import { parsePackageUrl } from '../../util/package-url.js';
import { OS_OWNER_PROPERTY } from '../../sbom-input/cyclonedx-properties.js';
import { jsonChunks } from '../chunks.js';
import { combinedExpression, isSpdxExpression, isSpdxId } from '../license.js';
import type { Reporter, ReporterPlugin } from '../types.js';
import { addCycloneDxVulnerabilities } from './vulnerabilities.js';
import { lazyModule } from '../../util/lazy-module.js';

// The library (and the JSON-schema validators it loads) only when a CycloneDX document is written.
const cyclonedx = lazyModule<typeof import('@cyclonedx/cyclonedx-library')>('@cyclonedx/cyclonedx-library');

/**
 * CycloneDX allows either one license expression or a list of licenses, never both. Single SPDX
 * ids are written as `license.id` (one entry per statement); when every statement is an SPDX
 * expression and one is compound, all are one `expression` (ANDed: every statement applies);
 * otherwise ids stay `license.id` and the rest (text, or an expression beside text) `license.name`.
 */
function licenses(pkg: Package): Models.LicenseRepository {
  const { Models } = cyclonedx();
  const repo = new Models.LicenseRepository();
  if (pkg.licenses.every(isSpdxId)) {
    for (const id of pkg.licenses) repo.add(new Models.SpdxLicense(id));
    return repo;
  }
  if (pkg.licenses.every(isSpdxExpression)) {
    const combined = combinedExpression(pkg.licenses);
    if (combined !== null) repo.add(new Models.LicenseExpression(combined.expression));
    return repo;
  }
  for (const text of pkg.licenses) repo.add(isSpdxId(text) ? new Models.SpdxLicense(text) : new Models.NamedLicense(text));
  return repo;
}

function properties(pkg: Package): Models.PropertyRepository {
  const { Models } = cyclonedx();
  const props = new Models.PropertyRepository();
  props.add(new Models.Property('sekisho:package:type', pkg.type));
  props.add(new Models.Property('sekisho:package:foundBy', pkg.foundBy));
  props.add(new Models.Property('sekisho:package:evidence', pkg.evidence));
  if (pkg.dev === true) props.add(new Models.Property('sekisho:package:dev', 'true'));
  if (pkg.source) props.add(new Models.Property('sekisho:package:source', `${pkg.source.name}@${pkg.source.version}`));
  pkg.locations.forEach((loc, i) => {
    props.add(new Models.Property(`sekisho:location:${i}:path`, loc.path));
    if (loc.layerDigest) props.add(new Models.Property(`sekisho:location:${i}:layerDigest`, loc.layerDigest));
    if (loc.diffId) props.add(new Models.Property(`sekisho:location:${i}:layerDiffID`, loc.diffId));
  });
  return props;
}

export { OS_OWNER_PROPERTY } from '../../sbom-input/cyclonedx-properties.js';

/** The purl as a string, only when it parses (the library's component model stores purls as strings). */
function safePurl(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    return parsePackageUrl(text).toString();
  } catch {
    return undefined;
  }
}

/** CycloneDX 1.6 JSON, built and serialized with the CycloneDX library (sorted lists, no timestamps). */
export function toCycloneDx(report: Report): Models.Bom {
  const { Enums, Models } = cyclonedx();
  const bom = new Models.Bom();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'sekisho', { version: report.tool.version, group: 'sekisho' }));
  const subject = new Models.Component(isFileTreeSource(report.target.sourceType) ? Enums.ComponentType.File : Enums.ComponentType.Container, report.target.repoTags[0] ?? report.target.reference, {
    bomRef: 'sekisho:target',
    ...(report.target.manifestDigest ? { version: report.target.manifestDigest } : {}),
  });
  bom.metadata.component = subject;
  // Completeness travels with the SBOM: a consumer must not read a partial scan as a clean one.
  const completeness = reportCompleteness(report);
  bom.metadata.properties.add(new Models.Property('sekisho:status', completeness.status));
  for (const reason of completeness.reasons) bom.metadata.properties.add(new Models.Property('sekisho:status:reason', reason));
  for (const note of completeness.notes) bom.metadata.properties.add(new Models.Property('sekisho:status:note', note));
  for (const n of report.notChecked) bom.metadata.properties.add(new Models.Property(`sekisho:notChecked:${n.scanner}`, n.fix === null ? n.reason : `${n.reason} (fix: ${n.fix})`));
  const refs = new Map<string, Models.Component>();
  if (report.distro) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, report.distro.id, {
      bomRef: `sekisho:os:${report.distro.id}`,
      version: report.distro.versionId,
      description: report.distro.prettyName,
    });
    bom.components.add(os);
    subject.dependencies.add(os.bomRef);
  }
  for (const pkg of report.packages) {
    const purl = safePurl(pkg.purl);
    const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
      bomRef: pkg.id,
      version: pkg.version,
      licenses: licenses(pkg),
      properties: properties(pkg),
      ...(purl ? { purl } : {}),
      ...(pkg.cpes[0] ? { cpe: pkg.cpes[0] } : {}),
    });
    refs.set(pkg.id, component);
    bom.components.add(component);
    subject.dependencies.add(component.bomRef);
  }
  const byId = new Map(report.packages.map((p) => [p.id, p]));
  const owned = new Set<string>();
  for (const rel of report.relationships) {
    const from = refs.get(rel.from);
    const to = refs.get(rel.to);
    if (from && to && rel.type === 'depends-on') from.dependencies.add(to.bomRef);
    // A language package whose files an OS package installed: the owner travels with the SBOM, so
    // `sbom-scan` judges it through its owner as `image` does (the first owner, as the matcher takes it).
    const owner = byId.get(rel.from);
    const pkg = byId.get(rel.to);
    if (to && rel.type === 'contains' && owner && pkg && isOsPackageType(owner.type) && !isOsPackageType(pkg.type) && !owned.has(pkg.id)) {
      owned.add(pkg.id);
      to.properties.add(new Models.Property(OS_OWNER_PROPERTY, owner.id));
    }
  }
  return bom;
}

/**
 * The library's JSON serializer, keeping the normalized document instead of stringifying it, so
 * it can be written in chunks (the library's normalization, sorting and bom-ref handling are kept).
 */
function normalized(bom: Models.Bom): Record<string, unknown> {
  const { Serialize, Spec } = cyclonedx();
  let document: Record<string, unknown> = {};
  class NormalizingSerializer extends Serialize.JsonSerializer {
    protected override _serialize(normalizedBom: Serialize.JSON.Types.Normalized.Bom): string {
      document = normalizedBom as unknown as Record<string, unknown>;
      return '';
    }
  }
  new NormalizingSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)).serialize(bom, { sortLists: true, space: 2 });
  return document;
}

/** CycloneDX 1.6 JSON of a BOM in chunks: the same bytes as the library's serializer (`space: 2`) plus a newline. */
export function* cyclonedxChunks(bom: Models.Bom): Generator<string> {
  yield* jsonChunks(normalized(bom));
}

export const cyclonedxJsonReporter: Reporter = {
  id: 'cyclonedx-json',
  mediaType: 'application/vnd.cyclonedx+json',
  specVersions: ['1.6'],
  render: (report) => Array.from(cyclonedxChunks(toCycloneDx(report))).join(''),
  renderChunks: (report) => cyclonedxChunks(toCycloneDx(report)),
};

function cyclonedxVulnerabilityChunks(report: Report): Generator<string> {
  const bom = toCycloneDx(report);
  addCycloneDxVulnerabilities(bom, report);
  return cyclonedxChunks(bom);
}

/** CycloneDX 1.6 JSON with the `vulnerabilities` array. */
export const cyclonedxVulnerabilityReporter: Reporter = {
  id: 'cyclonedx-json',
  mediaType: 'application/vnd.cyclonedx+json',
  specVersions: ['1.6'],
  render: (report) => Array.from(cyclonedxVulnerabilityChunks(report)).join(''),
  renderChunks: (report) => cyclonedxVulnerabilityChunks(report),
};

/** `--format cyclonedx-json`: the inventory as a BOM, with the `vulnerabilities` array in a scan. */
export const cyclonedxJsonReporterPlugin: ReporterPlugin = {
  id: 'cyclonedx-json',
  views: ['inventory', 'scan'],
  create: (options) => (options.view === 'scan' ? cyclonedxVulnerabilityReporter : cyclonedxJsonReporter),
};
