import type { AnalyzerFinding, PathFact } from '../layers/layer-analyzer.js';
import type { CatalogedPackage, FileOwnership, LicenseFact } from '../catalogers/types.js';
import { layerPathSets, overwrites, replacesAncestor } from './layer-result.js';
import type { LayerPathSets, LayerResult, SpecialFile } from './layer-result.js';

export interface LayeredPackage {
  readonly pkg: CatalogedPackage & { readonly foundBy: string };
  /** Globally unique ref: `<layer>/<cataloger>/<ref>`. */
  readonly key: string;
  /** Layer of the evidence file version that is in the final image. */
  readonly evidenceLayer: number;
  /** Lowest layer of the unbroken chain of evidence versions that all hold an equal package: where it was added. */
  readonly introducedIn: number;
}

export interface LayeredFinding {
  readonly finding: AnalyzerFinding;
  readonly layer: number;
  /** The later layer that deleted or replaced the file (its content stays extractable), or null. */
  readonly removedInLayer: number | null;
}

export interface MergedLayers {
  readonly packages: readonly LayeredPackage[];
  readonly relationships: readonly { readonly from: string; readonly to: string; readonly type: 'depends-on' | 'contains' }[];
  readonly ownership: readonly (FileOwnership & { readonly layer: number })[];
  /** Licence facts whose file is in the final image (a later version of the file replaces the earlier one). */
  readonly licenseFacts: readonly (LicenseFact & { readonly layer: number })[];
  readonly unknowns: readonly { readonly path: string; readonly foundBy: string; readonly reason: string; readonly layer: number }[];
  readonly findings: readonly LayeredFinding[];
  readonly facts: readonly (PathFact & { readonly layer: number })[];
  readonly specialFiles: readonly (SpecialFile & { readonly layer: number })[];
  readonly symlinks: ReadonlyMap<string, string>;
}

interface Layered<T> {
  readonly layer: number;
  readonly value: T;
}

/** True when `path` or one of its ancestors is in `set` (with `self` false: ancestors only). */
function coveredBy(path: string, set: ReadonlySet<string>, self: boolean): boolean {
  if (set.size === 0) return false;
  if (self && set.has(path)) return true;
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    if (set.has(path.slice(0, i))) return true;
  }
  return set.has('/') && path !== '/';
}

function identity(pkg: CatalogedPackage): string {
  const arch = pkg.metadata && 'architecture' in pkg.metadata ? (pkg.metadata.architecture ?? '') : '';
  return `${pkg.type}|${pkg.name}|${pkg.version}|${arch}|${pkg.purl ?? ''}`;
}

/**
 * Replay layer results bottom-up with overlay semantics: a later file at the same path replaces
 * an earlier one, `.wh.` whiteouts delete paths, opaque directories hide lower contents, and a
 * non-directory entry (file, symlink, link, device) at P replaces a lower directory P together
 * with everything under P/ (as overlayfs and tar extraction do: the directory is gone).
 * Packages live and die with their primary evidence file. Findings are never dropped: a finding
 * in a file a later layer removed is kept and says in which layer it was removed.
 */
export function applyLayers(results: readonly LayerResult[]): MergedLayers {
  const packagesByPath = new Map<string, Layered<LayeredPackage[]>>();
  const ownership = new Map<string, Layered<FileOwnership>>();
  const licenseFacts = new Map<string, Layered<LicenseFact>>();
  const unknowns = new Map<string, Layered<LayerResult['unknowns'][number]>[]>();
  const facts = new Map<string, Layered<PathFact>[]>();
  const special = new Map<string, Layered<SpecialFile>>();
  const symlinks = new Map<string, string>();
  const allRelationships: { from: string; to: string; type: 'depends-on' | 'contains' }[] = [];
  const whiteoutSets = results.map((r) => new Set(r.whiteouts));
  const opaqueSets = results.map((r) => new Set(r.opaqueDirs));

  results.forEach((result, layer) => {
    const whiteouts = whiteoutSets[layer] ?? new Set<string>();
    const opaque = opaqueSets[layer] ?? new Set<string>();
    // Built when first asked: nothing is asked of a layer with nothing below it (the first, often the largest).
    let sets: LayerPathSets | null = null;
    const replaced = (path: string): boolean => {
      if (coveredBy(path, whiteouts, true) || coveredBy(path, opaque, false)) return true;
      sets ??= layerPathSets(result);
      return overwrites(sets, path) || replacesAncestor(sets, path);
    };

    const grouped = new Map<string, (CatalogedPackage & { foundBy: string })[]>();
    for (const pkg of result.packages) {
      const path = pkg.paths[0] ?? '';
      let list = grouped.get(path);
      if (list === undefined) grouped.set(path, (list = []));
      list.push(pkg);
    }
    // Provenance: an equal package in the version of the file this layer replaces was added earlier.
    const earlierByPath = new Map<string, Map<string, number>>();
    for (const path of grouped.keys()) {
      const previous = packagesByPath.get(path);
      if (previous) earlierByPath.set(path, new Map(previous.value.map((p) => [identity(p.pkg), p.introducedIn])));
    }

    for (const map of [packagesByPath, ownership, licenseFacts, unknowns, facts, special, symlinks] as Map<string, unknown>[]) {
      for (const path of [...map.keys()]) if (replaced(path)) map.delete(path);
    }

    for (const [path, pkgs] of grouped) {
      const earlier = earlierByPath.get(path);
      const list = pkgs.map((pkg) => ({
        pkg,
        key: `${layer}/${pkg.foundBy}/${pkg.ref}`,
        evidenceLayer: layer,
        introducedIn: earlier?.get(identity(pkg)) ?? layer,
      }));
      packagesByPath.set(path, { layer, value: list });
    }
    for (const rel of result.relationships) {
      allRelationships.push({ from: `${layer}/${rel.foundBy}/${rel.fromRef}`, to: `${layer}/${rel.foundBy}/${rel.toRef}`, type: rel.type });
    }
    for (const own of result.ownership) ownership.set(own.path, { layer, value: own });
    for (const fact of result.licenseFacts ?? []) licenseFacts.set(fact.path, { layer, value: fact });
    for (const unknown of result.unknowns) {
      const list = unknowns.get(unknown.path) ?? [];
      list.push({ layer, value: unknown });
      unknowns.set(unknown.path, list);
    }
    for (const fact of result.facts) {
      const list = facts.get(fact.path) ?? [];
      list.push({ layer, value: fact });
      facts.set(fact.path, list);
    }
    for (const file of result.specialFiles) special.set(file.path, { layer, value: file });
    for (const [path, target] of result.symlinks) symlinks.set(path, target);
  });

  const packages = [...packagesByPath.values()].flatMap((entry) => entry.value);
  const alive = new Set(packages.map((p) => p.key));
  return {
    packages,
    relationships: allRelationships.filter((r) => alive.has(r.from) && alive.has(r.to)),
    ownership: [...ownership.values()].map((o) => ({ ...o.value, layer: o.layer })),
    licenseFacts: [...licenseFacts.values()].map((f) => ({ ...f.value, layer: f.layer })),
    unknowns: [...unknowns.values()].flat().map((u) => ({ ...u.value, layer: u.layer })),
    findings: layeredFindings(results, whiteoutSets, opaqueSets),
    facts: [...facts.values()].flat().map((f) => ({ ...f.value, layer: f.layer })),
    specialFiles: [...special.values()].map((s) => ({ ...s.value, layer: s.layer })),
    symlinks,
  };
}

function layeredFindings(results: readonly LayerResult[], whiteoutSets: readonly Set<string>[], opaqueSets: readonly Set<string>[]): LayeredFinding[] {
  const pathSets: (LayerPathSets | null)[] = results.map(() => null);
  const out: LayeredFinding[] = [];
  results.forEach((result, layer) => {
    for (const finding of result.findings) {
      let removedInLayer: number | null = null;
      if (!finding.path.startsWith('config:')) {
        for (let later = layer + 1; later < results.length; later += 1) {
          const whiteouts = whiteoutSets[later] ?? new Set<string>();
          const opaque = opaqueSets[later] ?? new Set<string>();
          let sets = pathSets[later] ?? null;
          if (sets === null) pathSets[later] = sets = layerPathSets(results[later] ?? { paths: [], dirPaths: [] });
          if (coveredBy(finding.path, whiteouts, true) || coveredBy(finding.path, opaque, false) || overwrites(sets, finding.path) || replacesAncestor(sets, finding.path)) {
            removedInLayer = later;
            break;
          }
        }
      }
      out.push({ finding, layer, removedInLayer });
    }
  });
  return out;
}

/** Resolve a path through the merged image's symlinks, chroot-style: `..` stops at the root; loops end in null. */
export function resolveInRoot(path: string, symlinks: ReadonlyMap<string, string>, maxHops = 40): string | null {
  let parts = path.split('/').filter((p) => p !== '');
  let hops = 0;
  for (let i = 0; i < parts.length; i += 1) {
    const prefix = '/' + parts.slice(0, i + 1).join('/');
    const target = symlinks.get(prefix);
    if (target === undefined) continue;
    if (++hops > maxHops) return null;
    const base = target.startsWith('/') ? [] : parts.slice(0, i);
    const joined: string[] = [];
    for (const segment of [...base, ...target.split('/'), ...parts.slice(i + 1)]) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') joined.pop();
      else joined.push(segment);
    }
    parts = joined;
    i = -1;
  }
  return '/' + parts.join('/');
}
