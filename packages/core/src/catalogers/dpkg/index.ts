import type { CatalogFile, CatalogOutput, CatalogedPackage, CatalogedRelationship, Cataloger, FileOwnership } from '../types.js';
import { parseControlStanzas } from '../control-stanzas.js';

/** Installed packages per database file; far above any real image (a full Debian archive is ~65k). */
const MAX_DPKG_PACKAGES = 100_000;
/** Files one package lists (`info/*.list`, `status.d/*.md5sums`). */
const MAX_DPKG_OWNED_FILES = 1_000_000;
const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';
const INFO = '/var/lib/dpkg/info/';
const DPKG_DIR = '/var/lib/dpkg/';

/** The root a dpkg database belongs to: '' for the image's own, `/srv/chroot` for `/srv/chroot/var/lib/dpkg/…` (as Syft, any depth). */
function dpkgRootOf(path: string): string {
  const at = path.lastIndexOf(DPKG_DIR);
  return at <= 0 ? '' : path.slice(0, at);
}

/**
 * Debian packages from dpkg's database: `/var/lib/dpkg/status`, the per-package files of
 * distroless images (`/var/lib/dpkg/status.d/<name>`), and `info/<name>[:<arch>].list` for the
 * files each package installed. Only packages whose status says `installed` are reported
 * (`deinstall ok config-files` leaves only configuration behind).
 */
export const dpkgCataloger: Cataloger = {
  id: 'dpkg-db-cataloger',
  version: 4,
  packageTypes: ['deb'],
  selector: { paths: [STATUS], globs: [`${STATUS_D}*`, `${INFO}*.list`, `**${STATUS}`, `**${STATUS_D}*`, `**${INFO}*.list`] },
  maxFileSize: 64 * 1024 * 1024,
  parse(file) {
    const inRoot = file.path.slice(dpkgRootOf(file.path).length);
    if (inRoot.startsWith(INFO)) return parseListFile(file);
    if (inRoot.startsWith(STATUS_D) && inRoot.endsWith('.md5sums')) return parseMd5sums(file);
    return parseStatus(file);
  },
};

function empty(): CatalogOutput {
  return { packages: [], relationships: [], ownership: [], unknowns: [] };
}

function parseListFile(file: CatalogFile): CatalogOutput {
  const root = dpkgRootOf(file.path);
  const base = file.path.slice(root.length + INFO.length, -'.list'.length);
  const [name = base, arch] = base.split(':');
  const all = file.content
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('/') && line !== '/.');
  const kept = all.length > MAX_DPKG_OWNED_FILES ? all.slice(0, MAX_DPKG_OWNED_FILES) : all;
  const files = root === '' ? kept : kept.map((f) => root + f);
  const ownership: FileOwnership = { path: file.path, packageType: 'deb', packageName: arch ? `${name}:${arch}` : name, files };
  return { ...empty(), ownership: [ownership], unknowns: ownedFilesOverflow(file.path, all.length - files.length) };
}

function ownedFilesOverflow(path: string, skipped: number): CatalogOutput['unknowns'] {
  if (skipped <= 0) return [];
  return [{ path, reason: `${skipped} file(s) past the limit of ${MAX_DPKG_OWNED_FILES} owned files per package were not read; their ownership is unknown` }];
}

/**
 * Distroless images keep no `info/*.list`; their `status.d/<name>.md5sums` (`<md5>  <relative path>`
 * lines) is the only record of the files a package installed.
 */
function parseMd5sums(file: CatalogFile): CatalogOutput {
  const root = dpkgRootOf(file.path);
  const name = file.path.slice(root.length + STATUS_D.length, -'.md5sums'.length);
  const files: string[] = [];
  let skipped = 0;
  for (const line of file.content.toString('utf8').split('\n')) {
    const match = /^[0-9a-f]{32}\s+(\S.*)$/.exec(line);
    if (!match?.[1]) continue;
    if (files.length < MAX_DPKG_OWNED_FILES) files.push(`${root}/${match[1].replace(/^\.?\//, '')}`);
    else skipped += 1;
  }
  return { ...empty(), ownership: [{ path: file.path, packageType: 'deb', packageName: name, files }], unknowns: ownedFilesOverflow(file.path, skipped) };
}

/** `Source: name (version)` or `Source: name`. */
function parseSource(field: string | undefined, version: string): { name: string; version: string } | null {
  if (field === undefined || field === '') return null;
  const match = /^(\S+)(?:\s+\((.+)\))?$/.exec(field.trim());
  if (!match?.[1]) return null;
  return { name: match[1], version: match[2] ?? version };
}

function isInstalled(status: string | undefined): boolean {
  if (status === undefined) return true; // distroless status.d files carry no Status field at times
  const words = status.split(/\s+/);
  return words[2] === 'installed' || words[2] === 'half-configured' || words[2] === 'triggers-awaited' || words[2] === 'triggers-pending';
}

function dependencyNames(field: string | undefined): string[] {
  if (field === undefined) return [];
  return field
    .split(',')
    .map(
      (clause) =>
        clause
          .split('|')[0]
          ?.trim()
          .split(/[\s(:]/)[0] ?? '',
    )
    .filter((name) => name !== '');
}

function parseStatus(file: CatalogFile): CatalogOutput {
  // Only installed packages cost memory: removed / config-files / not-installed stanzas are
  // parsed, checked and dropped, so padding with them cannot push a real package past the limit.
  const { stanzas, overflow } = parseControlStanzas(file.content.toString('utf8'), {
    maxStanzas: MAX_DPKG_PACKAGES,
    keep: (stanza) => Boolean(stanza.get('package')) && isInstalled(stanza.get('status')),
  });
  const packages: CatalogedPackage[] = [];
  const versionless: string[] = [];
  const dependsByRef = new Map<string, string[]>();
  for (const stanza of stanzas) {
    const name = stanza.get('package');
    if (!name) continue;
    // A stanza without Version (seen in hand-made distroless status.d files) still names an
    // installed package: listed with an empty version, as Syft does, and said to be unmatchable.
    const version = stanza.get('version') ?? '';
    if (version === '') versionless.push(name);
    const architecture = stanza.get('architecture') ?? null;
    const size = Number.parseInt(stanza.get('installed-size') ?? '', 10);
    const ref = `${name}:${architecture ?? ''}`;
    packages.push({
      ref,
      name,
      version,
      type: 'deb',
      purl: null,
      licenses: [],
      evidence: 'installed',
      source: parseSource(stanza.get('source'), version),
      metadata: {
        type: 'dpkg-db-entry',
        architecture,
        maintainer: stanza.get('maintainer') ?? null,
        installedSize: Number.isFinite(size) ? size : null,
        status: stanza.get('status') ?? null,
      },
      paths: [file.path],
    });
    dependsByRef.set(ref, [...dependencyNames(stanza.get('depends')), ...dependencyNames(stanza.get('pre-depends'))]);
  }
  const byName = new Map(packages.map((p) => [p.name, p.ref]));
  const relationships: CatalogedRelationship[] = [];
  for (const [ref, names] of dependsByRef) {
    for (const dep of new Set(names)) {
      const target = byName.get(dep);
      if (target !== undefined && target !== ref) relationships.push({ fromRef: ref, toRef: target, type: 'depends-on' });
    }
  }
  const unknowns = [
    ...(overflow > 0 ? [{ path: file.path, reason: `${overflow} installed package(s) past the limit of ${MAX_DPKG_PACKAGES} per database were not read` }] : []),
    ...versionless.map((name) => ({ path: file.path, reason: `${name}: no Version field; the package is listed without one and cannot be matched against advisories` })),
  ];
  return { packages, relationships, ownership: [], unknowns };
}
export { dpkgCopyrightCataloger } from './copyright.js';
