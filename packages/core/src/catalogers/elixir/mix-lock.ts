import { dependsOnEdges, EntryBudget, guarded, languagePackage, MiB, output, purl } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger, CatalogUnknown } from '../types.js';

const MAX_PACKAGES = 100_000;

/** An entry of the lock's map: `"name": {` — Mix writes one per line. */
const ENTRY = /^\s*"([^"]+)"\s*:\s*\{\s*:(\w+)/;
/** `{:hex, :package, "version", "checksum"` — the start of a Hex entry (the package may be quoted, `:"a.b"`). */
const HEX = /^\s*"([^"]+)"\s*:\s*\{\s*:hex\s*,\s*:"?([\w.-]+)"?\s*,\s*"([^"]+)"\s*,\s*"([0-9A-Fa-f]*)"/;
/** `{:git, "url", "commit"` — a dependency fetched from git, at the commit the lock pins. */
const GIT = /^\s*"([^"]+)"\s*:\s*\{\s*:git\s*,\s*"([^"]+)"\s*,\s*"([0-9A-Fa-f]{7,64})"/;
/**
 * A dependency of an entry, read from the text after one `{:`: `cowlib, "2.11.0", [hex: :cowlib, …]`
 * (the requirement may be `nil`). Each piece is matched on its first few hundred characters
 * only, so a hostile line costs linear time.
 */
const DEPENDENCY = /^"?([\w.-]+)"?\s*,\s*(?:"[^"]{0,200}"|nil)\s*,\s*\[[^\]]{0,300}?\bhex:\s*:"?([\w.-]+)"?/;
const DEPENDENCY_WINDOW = 640;

/** The Hex names of the dependencies listed after an entry's head. */
function dependencyNames(rest: string): string[] {
  return rest
    .split('{:')
    .slice(1)
    .flatMap((piece) => {
      const hex = DEPENDENCY.exec(piece.slice(0, DEPENDENCY_WINDOW))?.[2];
      return hex === undefined ? [] : [hex];
    });
}

/**
 * `mix.lock`, written by Mix: an Elixir map of every dependency resolved, one per line. Hex
 * packages (`{:hex, :name, "version", "checksum", builders, deps, "hexpm", "outer checksum"}`) are
 * reported as type `hex`, purl `pkg:hex/name@v`, with `depends-on` edges to the Hex packages they
 * require. A git dependency is reported at the commit the lock pins (no purl: it is not from Hex);
 * a path dependency is the project's own code, named by no version, and is not a package.
 */
export function parseMixLock(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content);
  if (!/^\s*%\{/.test(text)) return output([], [], [{ path, reason: 'not a mix.lock: it does not start with a map' }]);
  const budget = new EntryBudget(MAX_PACKAGES, 'package(s)');
  const packages: CatalogedPackage[] = [];
  const requires = new Map<string, string[]>();
  let notHex = 0;
  let unread = 0;
  for (const line of text.split('\n')) {
    const entry = ENTRY.exec(line);
    if (entry === null) continue;
    if (entry[2] === 'path') continue;
    if (entry[2] === 'git') {
      const git = GIT.exec(line);
      if (git === null) {
        notHex += 1;
        continue;
      }
      const [, name = '', url = '', commit = ''] = git;
      if (!budget.take()) continue;
      packages.push(
        languagePackage({ ref: `${path}#${name}@${commit}`, name, version: commit, type: 'hex', purl: null, evidence: 'declared', source: 'mix.lock', fields: { git: url }, paths: [path] }),
      );
      continue;
    }
    if (entry[2] !== 'hex') {
      notHex += 1;
      continue;
    }
    const hex = HEX.exec(line);
    if (hex === null) {
      unread += 1;
      continue;
    }
    const [, , name = '', version = '', checksum = ''] = hex;
    if (!budget.take()) continue;
    const ref = `${path}#${name}@${version}`;
    packages.push(languagePackage({ ref, name, version, type: 'hex', purl: purl('hex', null, name, version), evidence: 'declared', source: 'mix.lock', fields: { checksum }, paths: [path] }));
    requires.set(ref, dependencyNames(line.slice(hex[0].length)));
  }
  const relationships = dependsOnEdges(packages, requires);
  const unknowns: CatalogUnknown[] = [...budget.unknowns(path)];
  if (notHex > 0) unknowns.push({ path, reason: `${notHex} dependenc(ies) neither from Hex nor pinned to a git commit were not read` });
  if (unread > 0) unknowns.push({ path, reason: `${unread} Hex entr(ies) not of the form {:hex, :name, "version", "checksum", …} were not read` });
  return output(packages, relationships, unknowns);
}

export const elixirMixLockCataloger: Cataloger = {
  id: 'elixir-mix-lock-cataloger',
  version: 1,
  packageTypes: ['hex'],
  selector: { basenames: ['mix.lock'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseMixLock(file.path, file.content)),
};
