import { asRecord, decodeText, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { basename, dirname, guarded, languagePackage, MiB, normalizePath, output } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogedRelationship, CatalogFile, CatalogOutput, Cataloger } from '../types.js';
import { normalizePythonName, pypiPurl, requirementName } from './python-names.js';
import { compareText } from '@sekisho/model';

const MAX_HEADER_BYTES = 1 * MiB;
const MAX_FILES = 100_000;

/** Core metadata headers (https://packaging.python.org/en/latest/specifications/core-metadata/); repeated keys kept in order. */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { key: string; index: number } | null = null;
  const head = text.length > MAX_HEADER_BYTES ? text.slice(0, MAX_HEADER_BYTES) : text;
  for (const raw of head.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      const values = headers.get(last.key)!;
      values[last.index] += '\n' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = headers.get(key) ?? [];
    values.push(value);
    headers.set(key, values);
    last = { key, index: values.length - 1 };
  }
  return headers;
}

export function pythonLicenses(headers: ReadonlyMap<string, readonly string[]>): string[] {
  const expression = headers.get('license-expression')?.[0];
  if (expression) return [expression];
  const license = headers.get('license')?.[0]?.trim();
  if (license && !license.includes('\n') && license.length <= 200 && license.toUpperCase() !== 'UNKNOWN') return [license];
  return (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').at(-1)!.trim())
    .filter((c) => c !== '' && c !== 'OSI Approved');
}

/** RECORD is CSV: path,hash,size (https://packaging.python.org/en/latest/specifications/recording-installed-packages/). */
export function parseRecordPaths(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const fields = splitCsvLine(line.replace(/\r$/, ''));
    if (fields.length === 3 && fields[0] !== '') paths.push(fields[0]!);
  }
  return paths;
}

function splitCsvLine(line: string): string[] {
  if (line.length > 8192) return [];
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      while (j < line.length) {
        if (line[j] === '"' && line[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (line[j] === '"') break;
        else value += line[j++];
      }
      fields.push(value);
      i = line.indexOf(',', j);
      if (i === -1) break;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma === -1 ? undefined : comma));
      if (comma === -1) break;
      i = comma + 1;
    }
  }
  return fields;
}

type Part =
  | { readonly kind: 'metadata'; readonly headers: Record<string, string[]>; readonly path: string }
  | { readonly kind: 'files'; readonly files: string[]; readonly path: string }
  | { readonly kind: 'direct-url'; readonly vcsUrl: string | null; readonly path: string };

interface PartOutput extends CatalogOutput {
  readonly pythonPart: { readonly dir: string; readonly sitePackages: string; readonly part: Part };
}

function isMetadataDir(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('dist-info') || lower.endsWith('egg-info');
}

function vcsUrlFromDirectUrl(content: Buffer): string | null {
  const parsed = parseJson(content);
  if (!parsed.ok || !isRecord(parsed.value)) return null;
  const url = nonEmpty(parsed.value['url']);
  const vcs = asRecord(parsed.value['vcs_info']);
  const tool = nonEmpty(vcs['vcs']);
  const commit = nonEmpty(vcs['commit_id']);
  if (url === null || tool === null) return null;
  return `${tool}+${url}${commit ? `@${commit}` : ''}`;
}

/** One file of an installed distribution's metadata folder (or a single-file `.egg-info`). */
export function parseInstalledPart(path: string, content: Buffer): CatalogOutput {
  const name = basename(path);
  const dir = dirname(path);
  let part: Part;
  // Files listed past MAX_FILES: not kept, named in an unknown (their ownership is unknown).
  let skippedFiles = 0;
  let metaDir: string;
  let sitePackages: string;
  if (name.toLowerCase().endsWith('.egg-info')) {
    metaDir = path;
    sitePackages = dir;
    part = { kind: 'metadata', headers: Object.fromEntries(parseCoreMetadata(decodeText(content))), path };
  } else {
    if (!isMetadataDir(basename(dir))) return output([]);
    metaDir = dir;
    sitePackages = dirname(dir);
    if (name === 'METADATA' || name === 'PKG-INFO') {
      part = { kind: 'metadata', headers: Object.fromEntries(parseCoreMetadata(decodeText(content))), path };
    } else if (name === 'RECORD') {
      const all = parseRecordPaths(decodeText(content));
      skippedFiles = Math.max(0, all.length - MAX_FILES);
      const files = all.slice(0, MAX_FILES).map((p) => normalizePath(p.startsWith('/') ? p : `${sitePackages}/${p}`));
      part = { kind: 'files', files, path };
    } else if (name === 'installed-files.txt') {
      const all = decodeText(content)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      skippedFiles = Math.max(0, all.length - MAX_FILES);
      const files = all.slice(0, MAX_FILES).map((p) => normalizePath(p.startsWith('/') ? p : `${metaDir}/${p}`));
      part = { kind: 'files', files, path };
    } else if (name === 'direct_url.json') {
      part = { kind: 'direct-url', vcsUrl: vcsUrlFromDirectUrl(content), path };
    } else return output([]);
  }
  const unknowns = skippedFiles > 0 ? [{ path, reason: `${skippedFiles} file(s) past the limit of ${MAX_FILES} per file were not read; their ownership is unknown` }] : [];
  const out: PartOutput = { ...output([], [], unknowns), pythonPart: { dir: metaDir, sitePackages, part } };
  return out;
}

function withoutExtraMarker(requirement: string): boolean {
  const marker = requirement.split(';', 2)[1] ?? '';
  return !/\bextra\s*==/.test(marker);
}

/** Join each metadata folder's parts into one package; `Requires-Dist` edges resolve within the same site-packages. */
export function joinInstalled(outputs: readonly CatalogOutput[]): CatalogOutput {
  const groups = new Map<string, { sitePackages: string; parts: Part[] }>();
  const unknowns = outputs.flatMap((o) => o.unknowns);
  for (const out of outputs) {
    if (!('pythonPart' in out)) continue;
    const { dir, sitePackages, part } = (out as PartOutput).pythonPart;
    const group = groups.get(dir) ?? { sitePackages, parts: [] };
    group.parts.push(part);
    groups.set(dir, group);
  }
  const packages: CatalogedPackage[] = [];
  const requires = new Map<string, string[]>();
  const bySitePackages = new Map<string, Map<string, string>>();
  for (const [dir, group] of groups) {
    const metadata = group.parts.find((p) => p.kind === 'metadata');
    if (!metadata) continue;
    const headers = new Map(Object.entries(metadata.headers));
    const rawName = headers.get('name')?.[0]?.trim();
    const version = headers.get('version')?.[0]?.trim() ?? '';
    if (!rawName) {
      unknowns.push({ path: metadata.path, reason: 'core metadata without Name' });
      continue;
    }
    // Installed but unversioned (as Syft reports it): listed, and said to be unmatchable.
    if (version === '') unknowns.push({ path: metadata.path, reason: `${rawName}: core metadata states no Version; the package is listed without one and cannot be matched against advisories` });
    const name = normalizePythonName(rawName);
    const files = group.parts.flatMap((p) => (p.kind === 'files' ? p.files : []));
    const vcsUrl = group.parts.find((p) => p.kind === 'direct-url')?.vcsUrl ?? null;
    const evidencePaths = [metadata.path, ...group.parts.filter((p) => p !== metadata).map((p) => p.path)];
    packages.push(
      languagePackage({
        ref: dir,
        name,
        version,
        type: 'pypi',
        purl: pypiPurl(name, version, vcsUrl ? { vcs_url: vcsUrl } : undefined),
        licenses: pythonLicenses(headers),
        evidence: 'installed',
        source: basename(metadata.path) === 'METADATA' ? 'METADATA' : 'PKG-INFO',
        fields: {
          author: headers.get('author')?.[0],
          authorEmail: headers.get('author-email')?.[0],
          homepage: headers.get('home-page')?.[0],
          summary: headers.get('summary')?.[0],
          vcsUrl,
        },
        paths: evidencePaths,
        ...(files.length > 0 ? { files } : {}),
      }),
    );
    requires.set(
      dir,
      (headers.get('requires-dist') ?? []).filter(withoutExtraMarker).flatMap((r) => requirementName(r) ?? []),
    );
    const index = bySitePackages.get(group.sitePackages) ?? new Map<string, string>();
    index.set(name, dir);
    bySitePackages.set(group.sitePackages, index);
  }
  const merged = mergeDistributions(packages, (ref) => groups.get(ref)!.sitePackages);
  const relationships: CatalogedRelationship[] = [];
  for (const pkg of merged.packages) {
    const index = bySitePackages.get(groups.get(pkg.ref)!.sitePackages)!;
    for (const dep of new Set(requires.get(pkg.ref) ?? [])) {
      const found = index.get(dep);
      const toRef = found === undefined ? undefined : (merged.alias.get(found) ?? found);
      if (toRef !== undefined && toRef !== pkg.ref) relationships.push({ fromRef: pkg.ref, toRef, type: 'depends-on' });
    }
  }
  return { packages: merged.packages, relationships, ownership: [], unknowns };
}

/**
 * One distribution, one package: a distribution installed with two metadata folders in one site
 * directory (Debian's python3-cryptography ships `cryptography.egg-info` and
 * `cryptography-38.0.4.dist-info`) is one package. Same site directory, same normalized name and
 * version; the dist-info record stays primary and the other folder's paths and files join it.
 */
function mergeDistributions(packages: readonly CatalogedPackage[], siteOf: (ref: string) => string): { packages: CatalogedPackage[]; alias: Map<string, string> } {
  const rank = (p: CatalogedPackage): number => (p.ref.toLowerCase().endsWith('dist-info') ? 0 : 1);
  const byKey = new Map<string, CatalogedPackage>();
  const alias = new Map<string, string>();
  for (const pkg of [...packages].sort((a, b) => rank(a) - rank(b) || compareText(a.ref, b.ref))) {
    const key = `${siteOf(pkg.ref)}\0${pkg.name}\0${pkg.version}`;
    const first = byKey.get(key);
    // Only an egg-info joins a dist-info: two folders of one kind are two installs (Syft counts both).
    if (first === undefined || pkg.version === '' || rank(first) === rank(pkg)) {
      byKey.set(first === undefined ? key : `${key}\0${pkg.ref}`, pkg);
      continue;
    }
    alias.set(pkg.ref, first.ref);
    const files = [...new Set([...(first.files ?? []), ...(pkg.files ?? [])])];
    byKey.set(key, {
      ...first,
      licenses: first.licenses.length > 0 ? first.licenses : pkg.licenses,
      paths: [...first.paths, ...pkg.paths.filter((p) => !first.paths.includes(p))],
      ...(files.length > 0 ? { files } : {}),
    });
  }
  const order = new Map(packages.map((p, i) => [p.ref, i]));
  return { packages: [...byKey.values()].sort((a, b) => order.get(a.ref)! - order.get(b.ref)!), alias };
}

export const pythonInstalledPackageCataloger: Cataloger = {
  id: 'python-installed-package-cataloger',
  version: 3,
  packageTypes: ['pypi'],
  selector: {
    basenames: ['METADATA', 'PKG-INFO', 'RECORD', 'installed-files.txt', 'direct_url.json'],
    suffixes: ['.egg-info', '.EGG-INFO'],
  },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseInstalledPart(file.path, file.content)),
  finish: joinInstalled,
};
