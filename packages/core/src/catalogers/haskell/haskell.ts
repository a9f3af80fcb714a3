import { asArray, asRecord, decodeText, isRecord, nonEmpty, parseYaml } from '../lang-common/parse.js';
import { EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_PACKAGES = 100_000;

/** `name-1.2.3[@sha256:hash,size]`: a Hackage package identifier as Stack writes it (names may hold `-`). */
const PACKAGE_ID = /^([A-Za-z0-9][A-Za-z0-9-]*?)-(\d+(?:\.\d+)*)(?:@(sha256:[0-9a-f]{64})(?:,(\d+))?)?$/;

/** Longer identifiers are no package's: the pattern's split of name and version would cost their square. */
const MAX_ID_LENGTH = 512;

function hackagePackage(path: string, source: string, id: string, snapshot: string | null = null): CatalogedPackage | null {
  const match = id.length > MAX_ID_LENGTH ? null : PACKAGE_ID.exec(id.trim());
  if (match === null) return null;
  const [, name = '', version = '', hash = null, size = null] = match;
  return languagePackage({
    ref: `${path}#${name}@${version}`,
    name,
    version,
    type: 'hackage',
    purl: purl('hackage', null, name, version),
    evidence: 'declared',
    source,
    fields: { pkgHash: hash, size, snapshot },
    paths: [path],
  });
}

function collect(path: string, ids: readonly (string | null)[], source: string, snapshot: string | null = null): CatalogOutput {
  const budget = new EntryBudget(MAX_PACKAGES, 'package(s)');
  const packages: CatalogedPackage[] = [];
  let unread = 0;
  for (const id of ids) {
    const pkg = id === null ? null : hackagePackage(path, source, id, snapshot);
    if (pkg === null) unread += 1;
    else if (budget.take()) packages.push(pkg);
  }
  const unknowns = [...budget.unknowns(path), ...(unread === 0 ? [] : [{ path, reason: `${unread} entr(ies) that name no Hackage package and version (git or local packages) were not read` }])];
  return output(packages, [], unknowns);
}

/** `stack.yaml`: the `extra-deps` a project adds to its snapshot (`name-version@sha256:…,size`). */
export function parseStackYaml(path: string, content: Buffer): CatalogOutput {
  const parsed = parseYaml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'stack.yaml is not a YAML map');
  return collect(
    path,
    asArray(parsed.value['extra-deps']).map((d) => (typeof d === 'string' ? d : null)),
    'stack.yaml',
  );
}

/** `stack.yaml.lock`: each package's `completed.hackage` identifier, with the snapshot it extends. */
export function parseStackYamlLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseYaml(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'stack.yaml.lock is not a YAML map');
  const snapshot = asArray(parsed.value['snapshots'])
    .map((s) => nonEmpty(asRecord(asRecord(s)['completed'])['url']))
    .find((url) => url !== null);
  return collect(
    path,
    asArray(parsed.value['packages']).map((p) => nonEmpty(asRecord(asRecord(p)['completed'])['hackage'])),
    'stack.yaml.lock',
    snapshot ?? null,
  );
}

/**
 * `cabal.project.freeze`: `constraints: any.name ==version, …` pins every package of the plan;
 * flag settings (`any.text +integer-gmp`) pin none and are skipped.
 */
export function parseCabalFreeze(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content);
  const start = text.search(/^constraints:/m);
  if (start < 0) return unknownOutput(path, 'cabal.project.freeze has no constraints');
  // The constraints field ends at the next field: a line that starts with a name and a colon.
  const rest = text.slice(start + 'constraints:'.length);
  const end = rest.search(/\n[A-Za-z][A-Za-z-]*:/);
  const ids: string[] = [];
  for (const constraint of (end < 0 ? rest : rest.slice(0, end)).replace(/--.*$/gm, '').split(',')) {
    const pin = /^\s*(?:any\.)?([A-Za-z0-9][A-Za-z0-9-]*)\s*==\s*(\d+(?:\.\d+)*)\s*$/.exec(constraint);
    if (pin !== null) ids.push(`${pin[1] ?? ''}-${pin[2] ?? ''}`);
  }
  return collect(path, ids, 'cabal.project.freeze');
}

export const haskellStackCataloger: Cataloger = {
  id: 'haskell-stack-cataloger',
  version: 1,
  packageTypes: ['hackage'],
  selector: { basenames: ['stack.yaml'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseStackYaml(file.path, file.content)),
};

export const haskellStackLockCataloger: Cataloger = {
  id: 'haskell-stack-lock-cataloger',
  version: 1,
  packageTypes: ['hackage'],
  selector: { basenames: ['stack.yaml.lock'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseStackYamlLock(file.path, file.content)),
};

export const haskellCabalFreezeCataloger: Cataloger = {
  id: 'haskell-cabal-freeze-cataloger',
  version: 1,
  packageTypes: ['hackage'],
  selector: { basenames: ['cabal.project.freeze'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseCabalFreeze(file.path, file.content)),
};
