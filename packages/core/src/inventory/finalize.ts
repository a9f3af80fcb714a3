import { hash } from 'node:crypto';
import type { Distro, LayerInfo, Location, Package, Relationship, Unknown } from '@sekisho/model';
import { isOsPackageType, compareText } from '@sekisho/model';
import { normalizeLicenses } from '../licenses/normalize.js';
import { resolveInRoot } from '../overlay/apply-layers.js';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { osPackagePurl } from './purl.js';

export function location(path: string, layer: number | null, layers: readonly LayerInfo[]): Location {
  const info = layer === null ? undefined : layers[layer];
  return { path, layerDigest: info?.digest ?? null, diffId: info?.diffId ?? null, layerIndex: info ? layer : null };
}

// One-shot `hash`, not a Hash object: half the cost for strings this short, once per package.
function shortHash(parts: readonly string[]): string {
  return hash('sha256', parts.join('\0'), 'hex').slice(0, 16);
}

export interface Inventory {
  readonly packages: Package[];
  readonly relationships: Relationship[];
  readonly unknowns: Unknown[];
}

/**
 * Turn merged layer results into model packages: purls for OS packages (now that the distro is
 * known), stable ids, locations with layer digests, relationships by id. Language packages seen
 * both installed and declared (a lockfile) keep the installed record; the lockfile becomes an
 * extra location.
 */
export interface InventoryOptions {
  /** Keep lockfile packages needed only for development (default false, as Syft). */
  readonly includeDevDeps?: boolean;
}

const identityOf = (p: { readonly type: string; readonly name: string; readonly version: string }): string => `${p.type}\u0000${p.name}\u0000${p.version}`;

export function buildInventory(merged: MergedLayers, distro: Distro | null, layers: readonly LayerInfo[], options: InventoryOptions = {}): Inventory {
  const idByKey = new Map<string, string>();
  const byPurl = new Map<string, Package>();
  const installedByIdentity = new Map<string, Package>();
  const packages: Package[] = [];
  const ownedFiles = new Map<string, readonly string[]>();
  // Dev-only lockfile packages are cataloged always (cache entries do not depend on the option) and dropped here.
  const wanted = options.includeDevDeps === true ? merged.packages : merged.packages.filter((e) => e.pkg.dev !== true);
  const ordered = [...wanted].sort((a, b) => rankEvidence(a.pkg.evidence) - rankEvidence(b.pkg.evidence) || a.introducedIn - b.introducedIn);
  for (const entry of ordered) {
    const { pkg } = entry;
    // An OS package's purl names the image's distribution unless its cataloger wrote one (a snap's
    // own Ubuntu packages, an embedded SBOM's, Gentoo's distro-less ebuild purls).
    const purl = isOsPackageType(pkg.type) && pkg.purl === null ? osPackagePurl(pkg, pkg.type, distro) : (pkg.purl ?? '');
    const locations = pkg.paths.map((path, i) => location(path, i === 0 ? entry.introducedIn : entry.evidenceLayer, layers));
    // A declared package that an installed record already lists (a lockfile entry; an SBOM shipped
    // in the image, which Wolfi keeps per apk package; a package file of an installed rpm) is that
    // package: the installed record wins, the declaring file becomes an extra location. The purl
    // match below finds most; the identity finds those whose purl another document wrote.
    const sameInstalled = pkg.evidence === 'declared' ? installedByIdentity.get(identityOf(pkg)) : undefined;
    const existing = sameInstalled ?? (purl !== '' && !isOsPackageType(pkg.type) ? byPurl.get(purl) : undefined);
    if (existing !== undefined && existing.evidence === 'installed' && pkg.evidence === 'declared') {
      idByKey.set(entry.key, existing.id);
      const merged: Package = { ...existing, locations: [...existing.locations, ...locations.filter((l) => !existing.locations.some((e) => e.path === l.path))] };
      packages[packages.indexOf(existing)] = merged;
      if (byPurl.get(existing.purl) === existing) byPurl.set(existing.purl, merged);
      if (installedByIdentity.get(identityOf(existing)) === existing) installedByIdentity.set(identityOf(existing), merged);
      continue;
    }
    const id = shortHash([pkg.type, pkg.name, pkg.version, purl, pkg.paths[0] ?? '', String(entry.introducedIn)]);
    idByKey.set(entry.key, id);
    const model: Package = {
      id,
      name: pkg.name,
      version: pkg.version,
      type: pkg.type,
      purl,
      cpes: pkg.cpes ?? [],
      // Catalogers keep what the metadata says; the inventory holds SPDX expressions where they can be made.
      licenses: normalizeLicenses(pkg.licenses),
      locations,
      foundBy: pkg.foundBy,
      evidence: pkg.evidence,
      source: pkg.source,
      metadata: pkg.metadata,
      ...(pkg.dev === true ? { dev: true } : {}),
    };
    packages.push(model);
    if (purl !== '' && existing === undefined) byPurl.set(purl, model);
    if (model.evidence === 'installed' && !installedByIdentity.has(identityOf(model))) installedByIdentity.set(identityOf(model), model);
    if (pkg.files && pkg.files.length > 0) ownedFiles.set(id, pkg.files);
  }
  // dpkg lists files in info/<name>[:arch].list, apart from the package record.
  const debByName = new Map<string, string>();
  for (const p of packages) {
    if (p.type !== 'deb') continue;
    const arch = p.metadata?.type === 'dpkg-db-entry' ? p.metadata.architecture : null;
    debByName.set(p.name, p.id);
    if (arch) debByName.set(`${p.name}:${arch}`, p.id);
  }
  for (const own of merged.ownership) {
    const id = own.packageType === 'deb' ? debByName.get(own.packageName) : undefined;
    if (id !== undefined) ownedFiles.set(id, [...(ownedFiles.get(id) ?? []), ...own.files]);
  }
  // Owned paths as packages list them (`/bin/bash`) and as they sit in a merged-/usr image (`/usr/bin/bash`).
  const canonical = canonicalizer(merged.symlinks);
  attachLicenseFacts(packages, merged.licenseFacts, canonical);
  // Which OS package installed a path is asked of a few paths (binary hits, language packages'
  // evidence), not of the tens of thousands of files packages list: only those paths are indexed.
  const asked = new Set<string>();
  for (const p of packages) {
    if (isOsPackageType(p.type)) continue;
    for (const l of p.locations) {
      asked.add(l.path);
      if (p.evidence === 'binary' && p.type === 'binary') asked.add(canonical(l.path));
    }
  }
  const ownerOf = new Map<string, string>();
  for (const p of packages) {
    if (!isOsPackageType(p.type)) continue;
    for (const file of ownedFiles.get(p.id) ?? []) {
      if (asked.has(file)) ownerOf.set(file, p.id);
      const resolved = canonical(file);
      if (resolved !== file && asked.has(resolved)) ownerOf.set(resolved, p.id);
    }
  }
  // A binary classifier hit on a file an OS package installed repeats that package (Syft drops these too),
  // as does a hit on the component a Bitnami image describes inside that component's folder
  // (redis-server under /opt/bitnami/redis/ is the bitnami redis package).
  const bitnamiIn = bitnamiComponents(packages);
  const repeatsBitnami = (p: Package): boolean => p.locations.some((l) => bitnamiIn.get(p.name.toLowerCase())?.some((folder) => l.path.startsWith(folder)) === true);
  for (let i = packages.length - 1; i >= 0; i -= 1) {
    const p = packages[i];
    if (p?.evidence === 'binary' && p.type === 'binary' && (p.locations.some((l) => ownerOf.has(l.path) || ownerOf.has(canonical(l.path))) || repeatsBitnami(p))) packages.splice(i, 1);
  }
  const relationships = dedupeRelationships(
    merged.relationships.flatMap((r) => {
      const from = idByKey.get(r.from);
      const to = idByKey.get(r.to);
      return from !== undefined && to !== undefined && from !== to ? [{ from, to, type: r.type }] : [];
    }),
  );
  // A language package whose evidence files an OS package installed (Debian's python3-urllib3 ships urllib3's dist-info).
  for (const p of packages) {
    if (isOsPackageType(p.type)) continue;
    const owner = p.locations.map((l) => ownerOf.get(l.path)).find((o) => o !== undefined);
    if (owner !== undefined) relationships.push({ from: owner, to: p.id, type: 'contains' });
  }
  const unknowns: Unknown[] = merged.unknowns.map((u) => ({ location: location(u.path, u.layer, layers), foundBy: u.foundBy, reason: u.reason }));
  return {
    packages: packages.sort(comparePackages),
    relationships: dedupeRelationships(relationships).sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.type, b.type)),
    unknowns: unknowns.sort((a, b) => compareText(a.location.path, b.location.path) || compareText(a.reason, b.reason)),
  };
}

/**
 * Debian states licences in `/usr/share/doc/<name>/copyright`, apart from dpkg's record: a `deb`
 * package without licences of its own takes the facts of that file. The doc folder is often a
 * symlink to another package's of the same source (`libssl-dev` → `libssl3`): resolved through the
 * image's symlinks.
 */
function attachLicenseFacts(packages: Package[], facts: MergedLayers['licenseFacts'], canonical: (path: string) => string): void {
  if (facts.length === 0) return;
  const byPath = new Map(facts.filter((f) => f.packageType === 'deb').map((f) => [f.path, f.licenses]));
  packages.forEach((p, i) => {
    if (p.type !== 'deb' || p.licenses.length > 0) return;
    const path = `/usr/share/doc/${p.name}/copyright`;
    const found = byPath.get(path) ?? byPath.get(canonical(path));
    if (found !== undefined && found.length > 0) packages[i] = { ...p, licenses: normalizeLicenses(found) };
  });
}

/** Bitnami package name (lower case) → the folders of the SPDX documents that describe it (`/opt/bitnami/redis/`). */
function bitnamiComponents(packages: readonly Package[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const p of packages) {
    if (p.type !== 'bitnami') continue;
    const document = p.locations[0]?.path;
    if (document === undefined) continue;
    const key = p.name.toLowerCase();
    folders.set(key, [...(folders.get(key) ?? []), `${document.slice(0, document.lastIndexOf('/'))}/`]);
  }
  return folders;
}

function rankEvidence(evidence: Package['evidence']): number {
  return evidence === 'installed' ? 0 : evidence === 'binary' ? 1 : 2;
}

function dedupeRelationships(list: Relationship[]): Relationship[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = `${r.from}|${r.to}|${r.type}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function comparePackages(a: Package, b: Package): number {
  return compareText(a.type, b.type) || compareText(a.name, b.name) || compareText(a.version, b.version) || compareText(a.id, b.id);
}

/**
 * Resolve paths through the image's symlinks. A directory resolves from its parent's resolution
 * (symlink-free by construction) plus its own name, so each distinct directory costs one map
 * lookup instead of a walk over its whole path; a path that crosses no symlink is returned as is.
 * An image with tens of thousands of owned files has a few thousand directories.
 */
export function canonicalizer(symlinks: ReadonlyMap<string, string>): (path: string) => string {
  // Directory → its resolution; null when resolving it runs into a symlink loop (the path is then kept).
  const dirs = new Map<string, string | null>([['/', '/']]);
  const parentOf = (dir: string): string => {
    const slash = dir.lastIndexOf('/');
    return slash <= 0 ? '/' : dir.slice(0, slash);
  };
  // Iterative, not recursive: a hostile file list may name a path thousands of directories deep.
  const resolveDir = (dir: string): string | null => {
    const pending: string[] = [];
    let at = dir;
    let known = dirs.get(at);
    while (known === undefined) {
      pending.push(at);
      at = parentOf(at);
      known = dirs.get(at);
    }
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      const child = pending[i] ?? '/';
      let resolved: string | null;
      if (known === null) resolved = resolveInRoot(child, symlinks);
      else {
        const slash = child.lastIndexOf('/');
        const joined: string = known === child.slice(0, Math.max(slash, 1)) ? child : `${known === '/' ? '' : known}/${child.slice(slash + 1)}`;
        resolved = symlinks.has(joined) ? resolveInRoot(joined, symlinks) : joined;
      }
      dirs.set(child, resolved);
      known = resolved;
    }
    return known;
  };
  return (path) => {
    const slash = path.lastIndexOf('/');
    const dir = slash <= 0 ? '/' : path.slice(0, slash);
    // Only clean absolute paths resolve piecewise; anything else ('//', '.', '..') the long way.
    const resolved = (path.startsWith('/') && !path.includes('//') && !path.includes('/.') ? resolveDir(dir) : resolveInRoot(dir, symlinks)) ?? dir;
    const joined = resolved === dir && slash >= 0 ? path : `${resolved === '/' ? '' : resolved}/${path.slice(slash + 1)}`;
    return symlinks.has(joined) ? (resolveInRoot(joined, symlinks) ?? joined) : joined;
  };
}
