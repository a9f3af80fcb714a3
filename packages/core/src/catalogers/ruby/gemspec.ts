import { BINARY_CONTROL, decodeText } from '../lang-common/parse.js';
import { dirname, guarded, languagePackage, mergeAll, MiB, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { gemPurl } from './ruby-names.js';

const ASSIGN = /^\s*[a-z_]\w*\.(name|version|licenses?|homepage|authors|summary)\s*=\s*(.*)$/;
const DEPENDENCY = /^\s*[a-z_]\w*\.add_(?:runtime_)?dependency\s*\(?\s*(.*)$/;

/** Ruby string literals in a bounded line: `"a"`, `'b'`, `%q<c>`, `%q{d}`; `\uXXXX` and simple escapes decoded. */
export function rubyStrings(text: string): string[] {
  const out: string[] = [];
  const literal = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%q<([^>]*)>|%q\{([^}]*)\}|%q\(([^)]*)\)/g;
  for (const match of text.slice(0, 8192).matchAll(literal)) {
    if (match[1] !== undefined) {
      out.push(match[1].replace(/\\u\{?([0-9a-fA-F]{4,6})\}?/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16))).replace(/\\(.)/g, '$1'));
    } else out.push(match[2] ?? match[3] ?? match[4] ?? match[5] ?? '');
  }
  return out;
}

/**
 * The strings of a literal right-hand side: a string (optionally `.freeze`d or wrapped in
 * `Gem::Version.new(...)`) or an array of strings. Anything computed (`File.read(...)`) is null.
 */
function literalValues(rhs: string): string[] | null {
  const text = rhs.trim().replace(/^Gem::Version\.new\(\s*/, '');
  if (!/^(?:["'\[]|%q)/.test(text)) return null;
  const strings = rubyStrings(text);
  return strings.length > 0 ? strings : null;
}

interface GemspecOutput extends CatalogOutput {
  readonly gemDeps: { readonly ref: string; readonly specsDir: string; readonly deps: readonly string[] };
}

function specificationsDir(path: string): string {
  const at = path.lastIndexOf('/specifications/');
  return at === -1 ? dirname(path) : path.slice(0, at + '/specifications'.length);
}

/**
 * An installed gem's specification (`specifications/*.gemspec`, written by RubyGems as Ruby
 * source). Read as data, never evaluated: only `s.name = "…"`-style assignments of string literals
 * and `add_dependency` / `add_runtime_dependency` calls are recognized.
 */
export function parseGemspec(path: string, content: Buffer): CatalogOutput {
  const text = decodeText(content);
  // decodeText drops NULs (holes of a file stored sparse read as zeros); other control bytes still mean binary.
  if (BINARY_CONTROL.test(text)) return unknownOutput(path, 'gemspec is binary');
  const values = new Map<string, string[]>();
  const deps: string[] = [];
  // Every line: the file is at most 4 MiB (maxFileSize) and each line is matched on at most 8 KiB.
  for (const line of text.split('\n')) {
    const assign = ASSIGN.exec(line.slice(0, 8192));
    if (assign) {
      const literal = literalValues(assign[2]!);
      if (literal && !values.has(assign[1]!)) values.set(assign[1]!, literal);
      continue;
    }
    const dependency = DEPENDENCY.exec(line.slice(0, 8192));
    if (dependency) {
      const name = rubyStrings(dependency[1]!)[0];
      if (name) deps.push(name);
    }
  }
  const name = values.get('name')?.[0]?.trim();
  const version = values.get('version')?.[0]?.trim();
  if (!name || !version) return unknownOutput(path, 'gemspec without a literal name and version');
  const licenses = [...(values.get('licenses') ?? []), ...(values.get('license') ?? [])];
  const pkg = languagePackage({
    ref: path,
    name,
    version,
    type: 'gem',
    purl: gemPurl(name, version),
    licenses,
    evidence: 'installed',
    source: 'gemspec',
    fields: { authors: values.get('authors')?.join(', '), homepage: values.get('homepage')?.[0], summary: values.get('summary')?.[0] },
    paths: [path],
  });
  const out: GemspecOutput = { ...output([pkg]), gemDeps: { ref: path, specsDir: specificationsDir(path), deps } };
  return out;
}

/** Dependency edges between gems installed under the same `specifications` folder (one GEM_HOME). */
function joinGemspecs(outputs: readonly CatalogOutput[]): CatalogOutput {
  const merged = mergeAll(outputs);
  const byHome = new Map<string, Map<string, string>>();
  const all = outputs.flatMap((o) => ('gemDeps' in o ? [(o as GemspecOutput).gemDeps] : []));
  const byRef = new Map(merged.packages.map((p) => [p.ref, p]));
  for (const entry of all) {
    const pkg = byRef.get(entry.ref);
    if (!pkg) continue;
    const home = byHome.get(entry.specsDir) ?? new Map<string, string>();
    home.set(pkg.name, pkg.ref);
    byHome.set(entry.specsDir, home);
  }
  const relationships: CatalogedRelationship[] = [];
  for (const entry of all) {
    for (const dep of new Set(entry.deps)) {
      const toRef = byHome.get(entry.specsDir)?.get(dep);
      if (toRef !== undefined && toRef !== entry.ref) relationships.push({ fromRef: entry.ref, toRef, type: 'depends-on' });
    }
  }
  return { ...merged, relationships };
}

export const rubyInstalledGemspecCataloger: Cataloger = {
  id: 'ruby-installed-gemspec-cataloger',
  version: 3,
  packageTypes: ['gem'],
  selector: { globs: ['/**/specifications/**/*.gemspec'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseGemspec(file.path, file.content)),
  finish: joinGemspecs,
};
