import { asArray, asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_PINS = 100_000;

/**
 * `github.com/apple/swift-nio` from `https://github.com/apple/swift-nio.git` or
 * `git@github.com:apple/swift-nio.git`: the package's URL without scheme, user and `.git`, as
 * purl's swift type and OSV's SwiftURL ecosystem name packages. Null for a local path.
 */
export function swiftPackageUrl(location: string): string | null {
  let rest = location.trim();
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(rest); // git@host:owner/repo
  if (scp !== null) rest = `${scp[1] ?? ''}/${scp[2] ?? ''}`;
  else {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(.+)$/i.exec(rest);
    if (scheme === null) return null;
    rest = scheme[1] ?? '';
  }
  rest = rest.replace(/\/+$/, '').replace(/\.git$/i, '');
  return rest.includes('/') ? rest : null;
}

/** One pin: `{identity, location, state: {version, revision, branch}}` (v2, v3) or `{package, repositoryURL, state}` (v1). */
function pinPackage(path: string, pin: Record<string, unknown>, v1: boolean): CatalogedPackage | null {
  const identity = nonEmpty(v1 ? pin['package'] : pin['identity']);
  const location = nonEmpty(v1 ? pin['repositoryURL'] : pin['location']);
  const state = asRecord(pin['state']);
  const revision = nonEmpty(state['revision']);
  // A pin to a branch or a commit has no version: the commit it resolved to stands for it.
  const version = nonEmpty(state['version']) ?? revision;
  if (identity === null || version === null) return null;
  const url = location === null ? null : swiftPackageUrl(location);
  const slash = url === null ? -1 : url.lastIndexOf('/');
  return languagePackage({
    ref: `${path}#${identity}@${version}`,
    name: identity,
    version,
    type: 'swift',
    purl: url === null ? null : purl('swift', url.slice(0, slash), url.slice(slash + 1), version),
    evidence: 'declared',
    source: 'Package.resolved',
    fields: { location, revision, branch: nonEmpty(state['branch']), kind: nonEmpty(pin['kind']) },
    paths: [path],
  });
}

/**
 * `Package.resolved`, written by Swift Package Manager and Xcode: format 1 (`object.pins`, each
 * `package`/`repositoryURL`), 2 and 3 (`pins`, each `identity`/`location`). Every pin is a
 * resolved dependency; an empty object or file resolves none.
 */
export function parsePackageResolved(path: string, content: Buffer): CatalogOutput {
  if (content.toString('utf8').trim() === '') return output([]);
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'Package.resolved is not a JSON object');
  const doc = parsed.value;
  if (Object.keys(doc).length === 0) return output([]);
  const format = doc['version'];
  if (format !== 1 && format !== 2 && format !== 3) {
    const shown = typeof format === 'number' || typeof format === 'string' ? JSON.stringify(format).slice(0, 20) : format === undefined ? 'missing' : `of type ${typeof format}`;
    return unknownOutput(path, `Package.resolved format ${shown} is not one this reads (1, 2 or 3)`);
  }
  const pins = asArray(format === 1 ? asRecord(doc['object'])['pins'] : doc['pins']);
  const budget = new EntryBudget(MAX_PINS, 'pin(s)');
  const packages: CatalogedPackage[] = [];
  let unnamed = 0;
  for (const pin of pins) {
    if (!budget.take()) continue;
    const pkg = isRecord(pin) ? pinPackage(path, pin, format === 1) : null;
    if (pkg === null) unnamed += 1;
    else packages.push(pkg);
  }
  const unknowns = [...budget.unknowns(path), ...(unnamed === 0 ? [] : [{ path, reason: `${unnamed} pin(s) without an identity or a version and revision were not read` }])];
  return output(packages, [], unknowns);
}

export const swiftPackageManagerCataloger: Cataloger = {
  id: 'swift-package-manager-cataloger',
  version: 1,
  packageTypes: ['swift'],
  selector: { basenames: ['Package.resolved', '.package.resolved'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePackageResolved(file.path, file.content)),
};
