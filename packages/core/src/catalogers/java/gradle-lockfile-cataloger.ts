import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { javaMetadata, mavenPurl } from './archive-cataloger.js';

const MAX_LINES = 200_000;

/**
 * `gradle.lockfile` (Gradle dependency locking, https://docs.gradle.org/current/userguide/dependency_locking.html):
 * one `group:artifact:version=conf1,conf2` line per resolved module; `empty=` lists unused configurations.
 */
export function parseGradleLockfile(text: string, path: string): CatalogOutput {
  const packages: CatalogedPackage[] = [];
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) return { ...EMPTY_OUTPUT, unknowns: [{ path, reason: `gradle.lockfile: more than ${MAX_LINES} lines` }] };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('empty=')) continue;
    const eq = line.indexOf('=');
    const coords = (eq >= 0 ? line.slice(0, eq) : line).split(':');
    if (coords.length !== 3 || coords.some((c) => c === '')) continue;
    const [groupId, artifactId, version] = coords as [string, string, string];
    packages.push({
      ref: `${path}#${packages.length}`,
      name: artifactId,
      version,
      type: 'maven',
      purl: mavenPurl(groupId, artifactId, version),
      licenses: [],
      evidence: 'declared',
      source: null,
      metadata: javaMetadata('gradle.lockfile', { groupId, artifactId, configurations: eq >= 0 ? line.slice(eq + 1) : undefined }),
      paths: [path],
    });
  }
  return { packages, relationships: [], ownership: [], unknowns: [] };
}

export const javaGradleLockfileCataloger: Cataloger = {
  id: 'java-gradle-lockfile-cataloger',
  version: 1,
  packageTypes: ['maven'],
  selector: { basenames: ['gradle.lockfile'], globs: ['/**/gradle/dependency-locks/*.lockfile'] },
  maxFileSize: 16 * 1024 * 1024,
  parse: (file: CatalogFile) => parseGradleLockfile(file.content.toString('utf8'), file.path),
};
