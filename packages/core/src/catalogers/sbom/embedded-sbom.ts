import { PACKAGE_TYPES } from '@sekisho/model';
import { compileSelector } from '../../util/file-selector.js';
import { isSekishoError } from '../../errors.js';
import { bitnamiCataloger } from '../bitnami/index.js';
import { languageMetadata, MiB, output, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';

/*
 * SBOMs shipped inside an image or a source tree (`app.cdx.json`, `bom.spdx.json`,
 * `image.syft.json`, a file named `sbom` or `bom`), read with the same reader as `sbom-scan`
 * (CycloneDX JSON, SPDX 2 JSON, Syft JSON, Sekisho JSON): each package the document lists, by
 * its purl, with the document as its evidence. Formats that reader does not take (CycloneDX XML,
 * SPDX tag-value) and documents it refuses are unknowns, as are entries without a purl.
 */

const SBOM_KINDS = ['bom', 'sbom', 'cdx', 'spdx'] as const;
const SBOM_EXTENSIONS = ['.json', '.xml', '.yaml', '.yml', '.rdf', '.tv', '.txt'] as const;

// Bitnami's per-component SPDX documents have their own cataloger, which knows their layout.
const readByBitnami = compileSelector(bitnamiCataloger.selector);

function sniffUnread(text: string): string {
  const start = text.trimStart().slice(0, 256);
  if (start.startsWith('<')) return 'an XML SBOM (CycloneDX XML or SPDX RDF) is not read; only JSON SBOMs are';
  if (/^(SPDXVersion|DataLicense|SPDXID):/m.test(start)) return 'an SPDX tag-value SBOM is not read; only JSON SBOMs are';
  return 'not an SBOM Sekisho reads (CycloneDX, SPDX 2, Syft or Sekisho JSON)';
}

async function parseEmbeddedSbom(file: CatalogFile): Promise<CatalogOutput> {
  if (readByBitnami(file.path)) return output([]);
  const text = decodeText(file.content);
  if (text.trim() === '') return output([]);
  if (!text.trimStart().startsWith('{')) return unknownOutput(file.path, `SBOM not read: ${sniffUnread(text)}`);
  const { reportFromSbom } = await import('../../sbom-input/sbom-input.js');
  let input: ReturnType<typeof reportFromSbom>;
  try {
    input = reportFromSbom(text, file.path);
  } catch (error) {
    if (isSekishoError(error)) return unknownOutput(file.path, `SBOM not read: ${error.message}`);
    throw error;
  }
  const packages: CatalogedPackage[] = input.report.packages.map((pkg) => ({
    ref: pkg.id,
    name: pkg.name,
    version: pkg.version,
    type: pkg.type,
    purl: pkg.purl === '' ? null : pkg.purl,
    cpes: pkg.cpes,
    licenses: pkg.licenses,
    evidence: 'declared',
    source: pkg.source,
    metadata: languageMetadata('sbom', { format: input.format, foundBy: pkg.foundBy, location: pkg.locations[0]?.path }),
    paths: [file.path],
  }));
  const ids = new Set(packages.map((p) => p.ref));
  const relationships: CatalogedRelationship[] = input.report.relationships
    .filter((r) => r.type !== 'owns-file' && ids.has(r.from) && ids.has(r.to))
    .map((r) => ({ fromRef: r.from, toRef: r.to, type: r.type === 'contains' ? 'contains' : 'depends-on' }));
  const unknowns =
    input.skipped.length === 0 ? [] : [{ path: file.path, reason: `${input.skipped.length} SBOM entr${input.skipped.length === 1 ? 'y' : 'ies'} not read (${input.skipped.slice(0, 3).join('; ')})` }];
  return output(packages, relationships, unknowns);
}

export const sbomCataloger: Cataloger = {
  id: 'sbom-cataloger',
  version: 1,
  // An SBOM may list packages of any type.
  packageTypes: PACKAGE_TYPES,
  // Syft's globs are `*.cdx.*` and the like; spelled as suffixes (the extensions SBOMs use), they
  // cost a map lookup per entry instead of a regex test of every path in every layer.
  selector: { basenames: ['bom', 'sbom'], suffixes: ['.syft.json', ...SBOM_KINDS.flatMap((kind) => ['', ...SBOM_EXTENSIONS].map((ext) => `.${kind}${ext}`))] },
  maxFileSize: 256 * MiB,
  parse: async (file: CatalogFile) => {
    try {
      return await parseEmbeddedSbom(file);
    } catch (error) {
      return unknownOutput(file.path, `parser failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
    }
  },
};
