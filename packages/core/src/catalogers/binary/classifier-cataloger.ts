import { posix } from 'node:path';
import picomatch from 'picomatch';
import { purlText } from '../../util/package-url.js';
import type { LanguagePackageEntry } from '@sekisho/model';
import { EMPTY_OUTPUT } from '../types.js';
import type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from '../types.js';
import { CLASSIFIERS } from './classifiers.js';
import type { ClassifierSpec, VersionMatcher } from './classifiers.js';

/**
 * Identify software installed without a package manager from its files' bytes, never by running
 * them. Each classifier (classifiers.ts) names the files it applies to and byte patterns that
 * carry the version. Searches are bounded: anchored patterns run on small windows around
 * native `indexOf` hits (at most MAX_ANCHOR_HITS per pattern); unanchored ones scan at most
 * MAX_UNANCHORED_SCAN bytes in overlapping chunks. The windows bound any regex's work.
 */
export const MAX_UNANCHORED_SCAN = 64 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;
const OVERLAP = 1024;
const WINDOW = 512;
const MAX_ANCHOR_HITS = 2_000;
const MAX_CANDIDATES = 10_000;

interface CompiledMatcher {
  readonly spec: VersionMatcher;
  readonly anchor: Buffer | null;
  readonly fileName: RegExp | null;
  /** Compiled pattern, or a builder when the pattern depends on the file name. */
  readonly pattern: RegExp | ((fileVersion: string) => RegExp);
}

interface CompiledClassifier {
  readonly spec: ClassifierSpec;
  readonly matchesName: (base: string) => boolean;
  readonly exclude: readonly Buffer[];
  readonly matchers: readonly CompiledMatcher[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(spec: ClassifierSpec): CompiledClassifier {
  const globs = spec.files.map((g) => picomatch(g, { dot: true }));
  return {
    spec,
    matchesName: (base) => globs.some((g) => g(base)),
    exclude: (spec.exclude ?? []).map((e) => Buffer.from(e, 'latin1')),
    matchers: spec.matchers.map((m) => ({
      spec: m,
      anchor: m.anchor ? Buffer.from(m.anchor, 'latin1') : null,
      fileName: m.fileName ? new RegExp(m.fileName) : null,
      pattern: m.pattern.includes('{fileVersion}') ? (fv: string) => new RegExp(m.pattern.replace('{fileVersion}', escapeRegex(fv)), 'g') : new RegExp(m.pattern, 'g'),
    })),
  };
}

// Compiled on first use: a scan whose layers all come from the cache never classifies a file.
let compiled: readonly CompiledClassifier[] | null = null;
const compiledClassifiers = (): readonly CompiledClassifier[] => (compiled ??= CLASSIFIERS.map(compile));

/** Compare dotted numeric versions; a pre-release suffix sorts below its release. */
function compareLoose(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return y !== undefined && /^\d+$/.test(y) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return Number.isNaN(nx) ? -1 : 1;
  }
  return 0;
}

/**
 * All version candidates of one matcher, in file order, within the search bounds, and which
 * bound (if any) stopped the search before the file was searched whole: then a version the
 * classifier would report may have been missed, which the caller must not keep silent.
 */
function candidates(content: Buffer, re: RegExp, anchor: Buffer | null, firstOnly: boolean): { found: string[]; cut: string | null } {
  const out: string[] = [];
  let cut: string | null = null;
  const run = (text: string) => {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const v = m.groups?.version;
      if (v) out.push(v);
      if (firstOnly && out.length > 0) return true;
      if (out.length >= MAX_CANDIDATES) {
        cut = `${MAX_CANDIDATES} version candidates`;
        return true;
      }
    }
    return false;
  };
  if (anchor) {
    let from = 0;
    for (let hits = 0; ; hits++) {
      const at = content.indexOf(anchor, from);
      if (at < 0) break;
      if (hits === MAX_ANCHOR_HITS) {
        cut = `${MAX_ANCHOR_HITS} hits of its anchor`;
        break;
      }
      const start = Math.max(0, at - WINDOW);
      const end = Math.min(content.length, at + anchor.length + WINDOW);
      if (run(content.toString('latin1', start, end))) break;
      from = end - anchor.length; // windows overlap enough for a pattern spanning the anchor
      if (from <= at) from = at + 1;
    }
    return { found: out, cut };
  }
  const limit = Math.min(content.length, MAX_UNANCHORED_SCAN);
  let stopped = false;
  for (let start = 0; start < limit && !stopped; start += CHUNK) stopped = run(chunkText(content, start, limit));
  if (!stopped && content.length > MAX_UNANCHORED_SCAN) cut = `the first ${MAX_UNANCHORED_SCAN / (1024 * 1024)} MiB of ${content.length} bytes`;
  return { found: out, cut };
}

/**
 * The latin1 text of one search chunk, converted once per file and shared by every unanchored
 * pattern that scans it (the conversions, not the regexes, dominated the classifier's cost). One
 * file at a time is kept: parse runs file by file, and a different buffer simply misses.
 */
let chunkCache: { content: Buffer; texts: Map<number, string> } | null = null;
function chunkText(content: Buffer, start: number, limit: number): string {
  if (chunkCache?.content !== content) chunkCache = { content, texts: new Map() };
  let text = chunkCache.texts.get(start);
  if (text === undefined) {
    text = content.toString('latin1', Math.max(0, start - OVERLAP), Math.min(limit, start + CHUNK));
    chunkCache.texts.set(start, text);
  }
  return text;
}

/** The version a classifier finds, or null; `cuts` gets each bound that stopped one of its searches early. */
function versionOf(content: Buffer, base: string, c: CompiledClassifier, cuts: string[]): string | null {
  if (c.exclude.some((e) => content.includes(e))) return null;
  for (const m of c.matchers) {
    let re: RegExp;
    if (typeof m.pattern === 'function') {
      const fv = m.fileName?.exec(base)?.groups?.version;
      if (!fv) continue;
      re = m.pattern(fv);
    } else {
      if (m.fileName && !m.fileName.test(base)) continue;
      re = m.pattern;
    }
    const highest = m.spec.pick === 'highest';
    const { found, cut } = candidates(content, re, m.anchor, !highest);
    // A cut matters unless the first match was all that was asked for (and was found).
    if (cut !== null && (highest || found.length === 0)) cuts.push(`${c.spec.id}: the search stopped at ${cut}`);
    if (found.length === 0) continue;
    return highest ? found.reduce((a, b) => (compareLoose(b, a) > 0 ? b : a)) : (found[0] ?? null);
  }
  return null;
}

/** CPE 2.3 formatted-string escaping of a version (anything but alphanumerics, `.`, `_`, `-`). */
function cpeVersion(v: string): string {
  return v.replace(/[^A-Za-z0-9._-]/g, (c) => `\\${c}`);
}

function metadata(fields: Record<string, string>): LanguagePackageEntry {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(fields).sort()) if (fields[k]) sorted[k] = fields[k];
  return { type: 'language-package', source: 'binary-classifier', fields: sorted };
}

export interface BinaryClassification {
  readonly packages: CatalogedPackage[];
  /**
   * Searches a bound stopped before the whole file was searched (`<classifier>: the search stopped
   * at …`), so a version, or a higher one, may be missing: the cataloger reports them as an unknown.
   */
  readonly cut: readonly string[];
}

/** Run every classifier whose file globs match the base name. */
export function classifyBinary(path: string, content: Buffer): BinaryClassification {
  const base = posix.basename(path);
  try {
    return classifyWith(path, base, content);
  } finally {
    chunkCache = null; // the strings of this file are not needed once it is classified
  }
}

function classifyWith(path: string, base: string, content: Buffer): BinaryClassification {
  const out: CatalogedPackage[] = [];
  const cut: string[] = [];
  const seen = new Set<string>();
  for (const c of compiledClassifiers()) {
    if (!c.matchesName(base)) continue;
    const version = versionOf(content, base, c, cut);
    if (!version) continue;
    const key = `${c.spec.name}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = c.spec.purl;
    out.push({
      ref: `${path}#${c.spec.id}`,
      name: c.spec.name,
      version,
      type: c.spec.packageType ?? 'binary',
      purl: purlText(p.type, p.namespace ?? null, p.name, version, null, null),
      cpes: (c.spec.cpes ?? []).map((t) => t.replace('{version}', cpeVersion(version))),
      licenses: [],
      evidence: 'binary',
      source: null,
      metadata: metadata({ classifier: c.spec.id }),
      paths: [path],
    });
  }
  return { packages: out, cut };
}

function selectorGlobs(): string[] {
  return [...new Set(CLASSIFIERS.flatMap((c) => c.files))].map((f) => `**/${f}`);
}

/** Software identified by byte patterns in known files (servers, runtimes, CLIs installed from tarballs). */
export const binaryClassifierCataloger: Cataloger = {
  id: 'binary-classifier-cataloger',
  version: 2,
  packageTypes: ['binary', 'golang'],
  selector: { globs: selectorGlobs() },
  maxFileSize: 512 * 1024 * 1024,
  parse(file: CatalogFile): CatalogOutput {
    const { packages, cut } = classifyBinary(file.path, file.content);
    if (packages.length === 0 && cut.length === 0) return EMPTY_OUTPUT;
    const unknowns = cut.length === 0 ? [] : [{ path: file.path, reason: `binary classifier search limits were met (${cut.join('; ')}): a version may be missing` }];
    return { ...EMPTY_OUTPUT, packages, unknowns };
  },
};
