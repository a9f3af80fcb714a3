import { asArray, asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { EntryBudget, guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_PACKAGES = 10_000;

function externalRef(pkg: Record<string, unknown>, type: string): string[] {
  return asArray(pkg['externalRefs'])
    .map(asRecord)
    .filter((ref) => ref['referenceType'] === type)
    .flatMap((ref) => {
      const locator = nonEmpty(ref['referenceLocator']);
      return locator === null ? [] : [locator];
    });
}

/** A licence statement SPDX leaves unsaid. */
const UNSAID = new Set(['NOASSERTION', 'NONE']);

/**
 * The SPDX document a Bitnami image ships for each component it built from source
 * (`/opt/bitnami/<component>/.spdx-<component>.spdx`): the component and what it bundles (redis;
 * postgresql with geos, proj, gdal…), each with a `pkg:bitnami/…?arch=…&distro=…` purl and a CPE.
 * Packages without a Bitnami purl are not Bitnami's and are not taken from the document.
 * `CONTAINS` relationships become `contains` edges.
 */
export function parseBitnamiSpdx(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !Array.isArray(parsed.value['packages'])) return unknownOutput(path, 'Bitnami SPDX document has no packages list');
  const budget = new EntryBudget(MAX_PACKAGES, 'package(s)');
  const packages: CatalogedPackage[] = [];
  const refById = new Map<string, string>();
  for (const raw of asArray(parsed.value['packages'])) {
    const pkg = asRecord(raw);
    const name = nonEmpty(pkg['name']);
    const version = nonEmpty(pkg['versionInfo']);
    const purl = externalRef(pkg, 'purl').find((p) => p.startsWith('pkg:bitnami/')) ?? null;
    if (name === null || version === null || purl === null || !budget.take()) continue;
    const ref = `${path}#${name}@${version}`;
    const id = nonEmpty(pkg['SPDXID']);
    if (id !== null) refById.set(id, ref);
    const license = nonEmpty(pkg['licenseConcluded']) ?? nonEmpty(pkg['licenseDeclared']);
    packages.push({
      ...languagePackage({
        ref,
        name,
        version,
        type: 'bitnami',
        purl,
        licenses: license === null || UNSAID.has(license) ? [] : [license],
        evidence: 'installed',
        source: 'bitnami-spdx',
        fields: { downloadLocation: nonEmpty(pkg['downloadLocation']) },
        paths: [path],
      }),
      cpes: externalRef(pkg, 'cpe23Type'),
    });
  }
  const relationships: CatalogedRelationship[] = [];
  for (const raw of asArray(parsed.value['relationships'])) {
    const rel = asRecord(raw);
    if (rel['relationshipType'] !== 'CONTAINS') continue;
    const fromRef = refById.get(nonEmpty(rel['spdxElementId']) ?? '');
    const toRef = refById.get(nonEmpty(rel['relatedSpdxElement']) ?? '');
    if (fromRef !== undefined && toRef !== undefined && fromRef !== toRef) relationships.push({ fromRef, toRef, type: 'contains' });
  }
  return output(packages, relationships, budget.unknowns(path));
}

export const bitnamiCataloger: Cataloger = {
  id: 'bitnami-cataloger',
  version: 1,
  packageTypes: ['bitnami'],
  selector: { globs: ['/opt/bitnami/**/.spdx-*.spdx'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseBitnamiSpdx(file.path, file.content)),
};
