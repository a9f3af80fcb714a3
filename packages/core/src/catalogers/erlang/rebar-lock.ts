import { EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { ErlangTermError, parseErlangTerms, propList, termItems, termText } from './erlang-terms.js';
import type { ErlangTerm } from './erlang-terms.js';

const MAX_PACKAGES = 100_000;

/** `{"1.2.0", [Deps]}` (rebar3 3.x locks) or `[Deps]` (older ones). */
function lockedDeps(first: ErlangTerm | undefined): readonly ErlangTerm[] | null {
  if (first?.kind === 'list') return first.items;
  if (first?.kind === 'tuple' && first.items.length === 2 && first.items[1]?.kind === 'list') return first.items[1].items;
  return null;
}

/** The commit of a locked git source: `{ref, "sha"}` (rebar3 pins a resolved ref). */
function gitCommit(ref: ErlangTerm | undefined): string | null {
  const [kind, value] = termItems(ref);
  const commit = termText(value);
  return termText(kind) === 'ref' && commit !== null && /^[0-9a-f]{7,64}$/i.test(commit) ? commit : null;
}

/**
 * `rebar.lock`, written by rebar3: each locked dependency is `{Name, Source, Level}`, a Hex package
 * as `{pkg, PackageName, Version}`; the second term holds the packages' checksums (`pkg_hash`).
 * Hex packages are reported as type `hex`, purl `pkg:hex/name@v`; a git dependency at the commit
 * the lock pins (`{git, Url, {ref, Commit}}`, no purl); other sources are counted in an unknown.
 */
export function parseRebarLock(path: string, content: Buffer): CatalogOutput {
  let terms: ErlangTerm[];
  try {
    terms = parseErlangTerms(decodeText(content));
  } catch (error) {
    if (error instanceof ErlangTermError) return unknownOutput(path, `not a rebar.lock: ${error.message}`);
    throw error;
  }
  const deps = lockedDeps(terms[0]);
  if (deps === null) return unknownOutput(path, 'not a rebar.lock: no list of locked dependencies');
  const hashes = propList(propList(terms[1]).get('pkg_hash'));
  const budget = new EntryBudget(MAX_PACKAGES, 'package(s)');
  const packages: CatalogedPackage[] = [];
  let notHex = 0;
  for (const dep of deps) {
    const [nameTerm, source, level] = termItems(dep);
    const name = termText(nameTerm);
    const [sourceKind, packageName, version] = termItems(source);
    const commit = termText(sourceKind) === 'git' ? gitCommit(version) : null;
    if (name !== null && commit !== null) {
      if (!budget.take()) continue;
      packages.push(
        languagePackage({
          ref: `${path}#${name}@${commit}`,
          name,
          version: commit,
          type: 'hex',
          purl: null,
          evidence: 'declared',
          source: 'rebar.lock',
          fields: { git: termText(packageName) },
          paths: [path],
        }),
      );
      continue;
    }
    if (name === null || termText(sourceKind) !== 'pkg') {
      notHex += 1;
      continue;
    }
    const hexName = termText(packageName) ?? name;
    const hexVersion = termText(version);
    if (hexVersion === null) {
      notHex += 1;
      continue;
    }
    if (!budget.take()) continue;
    packages.push(
      languagePackage({
        ref: `${path}#${hexName}@${hexVersion}`,
        name: hexName,
        version: hexVersion,
        type: 'hex',
        purl: purl('hex', null, hexName, hexVersion),
        evidence: 'declared',
        source: 'rebar.lock',
        fields: { checksum: termText(hashes.get(name)), level: level?.kind === 'number' ? String(level.value) : null },
        paths: [path],
      }),
    );
  }
  const unknowns = [...budget.unknowns(path), ...(notHex === 0 ? [] : [{ path, reason: `${notHex} locked dependenc(ies) neither from Hex nor pinned to a git commit were not read` }])];
  return output(packages, [], unknowns);
}

export const erlangRebarLockCataloger: Cataloger = {
  id: 'erlang-rebar-lock-cataloger',
  version: 1,
  packageTypes: ['hex'],
  selector: { basenames: ['rebar.lock'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseRebarLock(file.path, file.content)),
};
