import { asArray, asRecord, isRecord, nonEmpty, parseYaml } from '../lang-common/parse.js';
import { dependsOnEdges, EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_PODS = 100_000;

/** `Name (1.2.3)` or `Name/Subspec (1.2.3)`; a dependency line is `Name (~> 1.0)` or a bare `Name`. */
const POD = /^(\S+)(?:\s+\(([^()]*)\))?$/;

/**
 * `pkg:cocoapods/Name@v`, and `pkg:cocoapods/Name/Subspec@v` for a subspec, as Syft writes it
 * (purl-spec puts a subspec in the subpath; tools that read Syft's SBOMs expect this form).
 */
function podPurl(name: string, version: string): string | null {
  const slash = name.indexOf('/');
  return slash > 0 ? purl('cocoapods', name.slice(0, slash), name.slice(slash + 1), version) : purl('cocoapods', null, name, version);
}

/**
 * `Podfile.lock`, written by CocoaPods: `PODS` lists every pod and subspec installed with its
 * version (`- Name (1.0)`, or `- Name (1.0):` followed by what it depends on), `SPEC CHECKSUMS`
 * the podspec checksum of each root pod. Pods are declared evidence; dependency lines become
 * `depends-on` edges to the pods they name.
 */
export function parsePodfileLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseYaml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !Array.isArray(parsed.value['PODS'])) return unknownOutput(path, 'Podfile.lock has no PODS list');
  const checksums = asRecord(parsed.value['SPEC CHECKSUMS']);
  const budget = new EntryBudget(MAX_PODS, 'pod(s)');
  const packages: CatalogedPackage[] = [];
  const requires = new Map<string, string[]>();
  let malformed = 0;
  for (const entry of asArray(parsed.value['PODS'])) {
    // `- Name (1.0)` is a string; `- Name (1.0):` with dependencies below it is a one-key map.
    const line = typeof entry === 'string' ? entry : isRecord(entry) && Object.keys(entry).length === 1 ? (Object.keys(entry)[0] ?? '') : '';
    const match = POD.exec(line.trim());
    const name = match?.[1] ?? null;
    const version = nonEmpty(match?.[2]);
    if (name === null || version === null) {
      malformed += 1;
      continue;
    }
    if (!budget.take()) continue;
    const ref = `${path}#${name}@${version}`;
    packages.push(
      languagePackage({
        ref,
        name,
        version,
        type: 'cocoapods',
        purl: podPurl(name, version),
        evidence: 'declared',
        source: 'Podfile.lock',
        fields: { checksum: nonEmpty(checksums[name.split('/')[0] ?? name]) },
        paths: [path],
      }),
    );
    if (isRecord(entry)) {
      const deps = asArray(Object.values(entry)[0]).flatMap((d) => (typeof d === 'string' ? [POD.exec(d.trim())?.[1] ?? ''] : []));
      requires.set(
        ref,
        deps.filter((d) => d !== ''),
      );
    }
  }
  const relationships = dependsOnEdges(packages, requires);
  const unknowns = [...budget.unknowns(path), ...(malformed === 0 ? [] : [{ path, reason: `${malformed} PODS entr(ies) not of the form 'Name (version)' were not read` }])];
  return output(packages, relationships, unknowns);
}

export const cocoapodsCataloger: Cataloger = {
  id: 'cocoapods-cataloger',
  version: 1,
  packageTypes: ['cocoapods'],
  selector: { basenames: ['Podfile.lock'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parsePodfileLock(file.path, file.content)),
};
