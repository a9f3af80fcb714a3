import { BINARY_CONTROL, decodeText } from '../lang-common/parse.js';
import { dedupePackages, EntryBudget, guarded, languagePackage, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { gemPurl, splitPlatform } from './ruby-names.js';

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
const MAX_ENTRIES = 100_000;
const SPEC = /^ {4}([^\s(]+) \(([^)\s]+)\)$/;
const DEP = /^ {6}([^\s(!]+)/;

/**
 * Gemfile.lock (Bundler's lockfile): gems are the four-space `name (version)` lines under `specs:`
 * of the source sections GEM, GIT, PATH and PLUGIN SOURCE; six-space lines below are its dependencies.
 */
export function parseGemfileLock(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content);
  // decodeText drops NULs (holes of a file stored sparse read as zeros); other control bytes still mean binary.
  if (BINARY_CONTROL.test(text)) return unknownOutput(path, 'Gemfile.lock is binary');
  const packages: CatalogedPackage[] = [];
  const deps = new Map<string, string[]>();
  let section = '';
  let remote: string | null = null;
  let current: string | null = null;
  const budget = new EntryBudget(MAX_ENTRIES, 'package(s)');
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').slice(0, 4096);
    if (line !== '' && !line.startsWith(' ')) {
      section = line.trim();
      remote = null;
      current = null;
      continue;
    }
    if (!SOURCE_SECTIONS.has(section)) continue;
    const remoteMatch = /^ {2}remote: (.+)$/.exec(line);
    if (remoteMatch) remote = remoteMatch[1]!;
    const spec = SPEC.exec(line);
    if (spec) {
      const { version, platform } = splitPlatform(spec[2]!);
      const name = spec[1]!;
      if (!budget.take()) {
        current = null;
        continue;
      }
      current = `${path}#${name}@${spec[2]!}`;
      deps.set(current, []);
      packages.push(
        languagePackage({
          ref: current,
          name,
          version,
          type: 'gem',
          purl: gemPurl(name, version, platform ? { platform } : undefined),
          evidence: 'declared',
          source: 'Gemfile.lock',
          fields: { platform, remote, section },
          paths: [path],
        }),
      );
      continue;
    }
    const dep = DEP.exec(line);
    if (dep && current) deps.get(current)!.push(dep[1]!);
  }
  const refByName = new Map<string, string>();
  for (const pkg of packages) if (!refByName.has(pkg.name)) refByName.set(pkg.name, pkg.ref);
  const relationships: CatalogedRelationship[] = [];
  for (const [fromRef, names] of deps) {
    for (const name of names) {
      const toRef = refByName.get(name);
      if (toRef !== undefined) relationships.push({ fromRef, toRef, type: 'depends-on' });
    }
  }
  const deduped = dedupePackages(packages, relationships);
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

export const rubyGemfileCataloger: Cataloger = {
  id: 'ruby-gemfile-cataloger',
  version: 3,
  packageTypes: ['gem'],
  selector: { basenames: ['Gemfile.lock', 'gems.locked'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseGemfileLock(file.path, file.content)),
};
