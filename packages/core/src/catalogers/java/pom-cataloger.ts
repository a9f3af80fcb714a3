import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger } from '../types.js';
import { javaMetadata, mavenPurl } from './archive-cataloger.js';
import { isResolved, parsePom } from './java-metadata.js';

/**
 * A `pom.xml` on the file system (a project's sources in the image): the project itself and the
 * dependencies it declares. Versions come from the POM's own properties and dependencyManagement;
 * parents are not fetched, so a version inherited from a parent BOM stays empty.
 */
export function parsePomFile(text: string, path: string): CatalogOutput {
  const pom = parsePom(text);
  if ('error' in pom) return { ...EMPTY_OUTPUT, unknowns: [{ path, reason: `pom.xml: ${pom.error}` }] };
  const packages: CatalogedPackage[] = [];
  const relationships: CatalogedRelationship[] = [];
  const version = (v: string) => (isResolved(v) ? v : '');
  const mainRef = `${path}#project`;
  if (pom.artifactId) {
    packages.push({
      ref: mainRef,
      name: pom.artifactId,
      version: version(pom.version),
      type: 'maven',
      purl: mavenPurl(pom.groupId, pom.artifactId, version(pom.version)),
      licenses: [...pom.licenses],
      evidence: 'declared',
      source: null,
      metadata: javaMetadata('pom.xml', { groupId: pom.groupId, artifactId: pom.artifactId, pomName: pom.name, url: pom.url }),
      paths: [path],
    });
  }
  pom.dependencies.forEach((d, i) => {
    if (!d.artifactId || !isResolved(d.artifactId)) return;
    const ref = `${path}#dep:${i}`;
    packages.push({
      ref,
      name: d.artifactId,
      version: version(d.version),
      type: 'maven',
      purl: mavenPurl(isResolved(d.groupId) ? d.groupId : '', d.artifactId, version(d.version)),
      licenses: [],
      evidence: 'declared',
      source: null,
      metadata: javaMetadata('pom.xml', {
        groupId: d.groupId,
        artifactId: d.artifactId,
        scope: d.scope,
        optional: d.optional ? 'true' : undefined,
        declaredVersion: d.version !== version(d.version) ? d.version : undefined,
      }),
      paths: [path],
    });
    if (pom.artifactId) relationships.push({ fromRef: mainRef, toRef: ref, type: 'depends-on' });
  });
  return { packages, relationships, ownership: [], unknowns: [] };
}

export const javaPomCataloger: Cataloger = {
  id: 'java-pom-cataloger',
  version: 1,
  packageTypes: ['maven'],
  selector: { basenames: ['pom.xml'] },
  maxFileSize: 8 * 1024 * 1024,
  parse: (file: CatalogFile) => parsePomFile(file.content.toString('utf8'), file.path),
};
