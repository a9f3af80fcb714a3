import type { AnalyzerFinding, LayerAnalyzer, PathFact } from '../layers/layer-analyzer.js';
import type { CatalogContext, CatalogFile, CatalogOutput, Cataloger } from '../catalogers/types.js';
import { mergeOutputs } from '../catalogers/types.js';
import { SekishoError } from '../errors.js';
import type { EntryHeader } from '../layers/entry.js';
import { SETGID, SETUID } from '../layers/entry.js';
import { openLayerStream } from '../layers/layer-stream.js';
import { hashLayerAside } from './hash-aside.js';
import { withReadRings } from '../source/read-rings.js';
import type { LayerStreamLimits } from '../layers/layer-stream.js';
import { baseName, parentDir } from '../layers/normalize-path.js';
import { walkTar } from '../layers/tar-walker.js';
import { countEntry } from '../util/optimizing-tiers.js';
import type { TarLimits } from '../layers/tar-walker.js';
import type { DirectoryVisitor, LayerRef } from '../source/types.js';
import { SelectorIndex } from '../util/file-selector.js';
import { LAYER_RESULT_SCHEMA } from '../overlay/layer-result.js';
import type { LayerResult, SpecialFile } from '../overlay/layer-result.js';

export interface LayerLimits extends TarLimits, LayerStreamLimits {}

export interface LayerPlugins {
  readonly catalogers: readonly Cataloger[];
  readonly analyzers: readonly LayerAnalyzer[];
}

const WHITEOUT = '.wh.';
const EMPTY_BODY = Buffer.alloc(0);
const OPAQUE = '.wh..wh..opq';
/** Symlinks kept per layer (path resolution); past it, one unknown names how many were not kept. */
const MAX_SYMLINKS = 500_000;
/** foundBy of unknowns a directory walk reports (files it could not read). */
const ROOTFS_WALK_ID = 'rootfs-source';
/**
 * Special files kept per layer, per kind: padding with one kind (world-writable directories) can
 * never push another kind (a setuid-root binary) out. Past a kind's limit, one unknown names the count.
 */
const MAX_SPECIAL_PER_KIND = 100_000;
const SPECIAL_KINDS = ['setuid/setgid files', 'world-writable entries', 'device nodes'] as const;
type SpecialKind = (typeof SPECIAL_KINDS)[number];
const LAYER_ANALYSIS = 'layer-analysis';
const NO_CATALOGERS: readonly Cataloger[] = Object.freeze([]);
const NO_ANALYZERS: readonly LayerAnalyzer[] = Object.freeze([]);

/** The dispatch index of a cataloger list, compiled once per list rather than once per layer. */
const dispatchIndexes = new WeakMap<readonly Cataloger[], SelectorIndex<Cataloger>>();
function dispatchIndex(catalogers: readonly Cataloger[]): SelectorIndex<Cataloger> {
  let index = dispatchIndexes.get(catalogers);
  if (index === undefined) {
    index = new SelectorIndex(catalogers.map((cataloger) => ({ selector: cataloger.selector, plugin: cataloger })));
    dispatchIndexes.set(catalogers, index);
  }
  return index;
}

export interface AnalyzedLayer {
  readonly result: LayerResult;
  /**
   * The stored blob as measured in this pass, once its digest, size and diffID were checked against
   * the manifest and config; null for directory sources (nothing stored to verify).
   */
  readonly blob: { readonly digest: string; readonly size: number; readonly diffId: string } | null;
}

/**
 * Analyse one layer in a single streaming pass: verify its digests, record whiteouts and links,
 * hand selected files to catalogers and analyzers, and return a cacheable result. Nothing is
 * applied across layers here.
 */
export interface AnalyzeOptions {
  /** Stored bytes from this size up are hashed on another thread (scan/hash-aside.ts; default HASH_ASIDE_MIN_BYTES). */
  readonly hashAsideMinBytes?: number;
}

export async function analyzeLayer(layer: LayerRef, plugins: LayerPlugins, limits: LayerLimits, ctx: CatalogContext, image: string, options: AnalyzeOptions = {}): Promise<AnalyzedLayer> {
  const dispatch = dispatchIndex(plugins.catalogers);
  const outputs = new Map<Cataloger, CatalogOutput[]>();
  const findings: AnalyzerFinding[] = [];
  const facts: PathFact[] = [];
  const analyzerUnknowns: { path: string; foundBy: string; reason: string }[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const symlinks: [string, string][] = [];
  const special: SpecialFile[] = [];
  const specialCounts = new Map<SpecialKind, number>();
  const specialOverflow = new Map<SpecialKind, { count: number; first: string }>();
  let symlinkOverflow: { count: number; first: string } | null = null;
  // Exact entry paths for overlay replay (the strings are the headers' own, not copies).
  const paths: string[] = [];
  const dirPaths: string[] = [];
  const layerIndex = layer.index;

  // Selections computed in bodyBytes, used again in entry, by the entry's header: a directory walk
  // asks bodyBytes for entries ahead of handing them over, and a source may hand over an entry it
  // never asked about (a ZIP's directories), which then interests no plugin.
  type Selection = { readonly catalogers: readonly Cataloger[]; readonly analyzers: readonly LayerAnalyzer[] };
  const selections = new Map<EntryHeader, Selection>();
  // Files and directories a directory walk could not read, with the walk's reason.
  const walkUnknowns: { path: string; foundBy: string; reason: string }[] = [];
  let unreadable: string | null = null;

  const visitor: DirectoryVisitor = {
    unknown(path, reason) {
      walkUnknowns.push({ path, foundBy: ROOTFS_WALK_ID, reason });
      unreadable = path;
    },
    bodyBytes(header) {
      const name = baseName(header.path);
      if (name.startsWith(WHITEOUT)) return 0;
      let want = 0;
      const catalogers = header.kind === 'file' ? dispatch.select(header.path) : NO_CATALOGERS;
      // Indexed loops here and below: this runs for every entry, often before V8 optimizes it,
      // and an iterator over an array is an object per loop and per step in the interpreter.
      for (let i = 0; i < catalogers.length; i += 1) {
        const cataloger = catalogers[i] as Cataloger;
        if (!(cataloger.readsContent?.(header.path) ?? true)) continue;
        if (header.size <= cataloger.maxFileSize) want = Math.max(want, header.size, 1);
        else if (cataloger.readsPrefix !== undefined) want = Math.max(want, Math.min(header.size, cataloger.readsPrefix), 1);
      }
      // Made only for an entry some analyzer selects: this runs for every entry of every layer.
      let analyzers: LayerAnalyzer[] | null = null;
      for (let i = 0; i < plugins.analyzers.length; i += 1) {
        const analyzer = plugins.analyzers[i] as LayerAnalyzer;
        if (!analyzer.selects(header)) continue;
        (analyzers ??= []).push(analyzer);
        if (header.kind === 'file' && analyzer.wantsBody(header)) want = Math.max(want, Math.min(header.size, analyzer.maxBodySize), 1);
      }
      if (catalogers.length > 0 || analyzers !== null) selections.set(header, { catalogers, analyzers: analyzers ?? NO_ANALYZERS });
      return want;
    },
    entry(header, body, truncated) {
      const selected = selections.get(header);
      countEntry(header.size, selected !== undefined);
      if (selected !== undefined) selections.delete(header);
      const name = baseName(header.path);
      if (name.startsWith(WHITEOUT)) {
        if (name === OPAQUE) opaqueDirs.push(parentDir(header.path));
        else whiteouts.push(`${parentDir(header.path) === '/' ? '' : parentDir(header.path)}/${name.slice(WHITEOUT.length)}`);
        return;
      }
      paths.push(header.path);
      if (header.kind === 'dir') dirPaths.push(header.path);
      recordSpecial(header);
      if (header.kind === 'symlink' && header.linkTarget !== null) {
        if (symlinks.length < MAX_SYMLINKS) symlinks.push([header.path, header.linkTarget]);
        else if (symlinkOverflow === null) symlinkOverflow = { count: 1, first: header.path };
        else symlinkOverflow.count += 1;
      }
      // An entry the walk could not read already has its unknown with the real reason: plugins
      // would only add a wrong one ("exceeds the size limit").
      const unread = unreadable === header.path;
      unreadable = null;
      // Most entries interest no plugin: stay synchronous for them (no promise per entry).
      if (unread || selected === undefined) return;
      return dispatchEntry(header, body, truncated, selected.catalogers, selected.analyzers);
    },
  };

  async function parseSelected(cataloger: Cataloger, file: CatalogFile): Promise<CatalogOutput> {
    try {
      return await cataloger.parse(file, ctx);
    } catch (error) {
      if (error instanceof SekishoError && error.code.startsWith('LIMIT_')) throw error.withWhere({ image, layer: layer.digest ?? undefined, path: file.path });
      return { packages: [], relationships: [], ownership: [], unknowns: [{ path: file.path, reason: `${cataloger.id} failed: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }

  async function dispatchEntry(header: EntryHeader, body: Buffer | null, truncated: boolean, catalogers: readonly Cataloger[], analyzersForEntry: readonly LayerAnalyzer[]): Promise<void> {
    const { path, mode, size } = header;
    for (const cataloger of catalogers) {
      let list = outputs.get(cataloger);
      if (list === undefined) outputs.set(cataloger, (list = []));
      if (cataloger.readsContent?.(path) === false) {
        list.push(await parseSelected(cataloger, { path, content: EMPTY_BODY, mode, layerIndex }));
      } else if (body !== null && size <= cataloger.maxFileSize && body.length >= size) {
        list.push(await parseSelected(cataloger, { path, content: body.length > size ? body.subarray(0, size) : body, mode, layerIndex }));
      } else if (body !== null && size > cataloger.maxFileSize && cataloger.readsPrefix !== undefined && body.length >= Math.min(size, cataloger.readsPrefix)) {
        list.push(await parseSelected(cataloger, { path, content: body.subarray(0, Math.min(size, cataloger.readsPrefix)), mode, layerIndex, size }));
      } else {
        list.push({ packages: [], relationships: [], ownership: [], unknowns: [{ path, reason: `file of ${size} bytes exceeds the ${cataloger.maxFileSize}-byte limit of ${cataloger.id}` }] });
      }
    }
    for (const analyzer of analyzersForEntry) {
      const input = header.kind === 'file' && analyzer.wantsBody(header) ? body : null;
      const out = await analyzer.analyze(header, input, truncated, { layerIndex });
      findings.push(...out.findings);
      facts.push(...out.facts);
      for (const u of out.unknowns ?? []) analyzerUnknowns.push({ path: u.path, foundBy: analyzer.id, reason: u.reason });
    }
  }

  // Called for every entry, and nearly every entry is none of these: nothing is allocated for one
  // that is not (a list of [kind, flag] pairs per entry was 13 MB of garbage on debian-node).
  function recordSpecial(header: EntryHeader): void {
    const setid = header.kind === 'file' && (header.mode & (SETUID | SETGID)) !== 0;
    const worldWritable = (header.kind === 'file' || header.kind === 'dir') && (header.mode & 0o002) !== 0;
    const device = header.kind === 'char-device' || header.kind === 'block-device';
    if (!setid && !worldWritable && !device) return;
    let keep = false;
    if (setid) keep = countSpecial(SPECIAL_KINDS[0], header.path) || keep;
    if (worldWritable) keep = countSpecial(SPECIAL_KINDS[1], header.path) || keep;
    if (device) keep = countSpecial(SPECIAL_KINDS[2], header.path) || keep;
    if (keep) special.push({ path: header.path, kind: header.kind, mode: header.mode, uid: header.uid, gid: header.gid });
  }

  /** Counts one entry of `kind`: true while under the per-layer limit (record it), else counted as left out. */
  function countSpecial(kind: SpecialKind, path: string): boolean {
    const n = specialCounts.get(kind) ?? 0;
    if (n < MAX_SPECIAL_PER_KIND) {
      specialCounts.set(kind, n + 1);
      return true;
    }
    const over = specialOverflow.get(kind);
    if (over === undefined) specialOverflow.set(kind, { count: 1, first: path });
    else over.count += 1;
    return false;
  }

  /** What the per-layer limits left out, as unknowns (on the first path left out): never silent. */
  function limitUnknowns(): LayerResult['unknowns'] {
    const out: { path: string; foundBy: string; reason: string }[] = [];
    for (const [kind, over] of specialOverflow) {
      out.push({
        path: over.first,
        foundBy: LAYER_ANALYSIS,
        reason: `${over.count} ${kind} past the limit of ${MAX_SPECIAL_PER_KIND} per layer were not recorded; image hardening checks did not see them`,
      });
    }
    if (symlinkOverflow !== null) {
      out.push({
        path: symlinkOverflow.first,
        foundBy: LAYER_ANALYSIS,
        reason: `${symlinkOverflow.count} symlinks past the limit of ${MAX_SYMLINKS} per layer were not recorded; paths through them were not resolved`,
      });
    }
    return out;
  }

  const where = { image, layer: layer.digest ?? layer.diffId ?? `#${layer.index}` };
  let stats;
  let blob: AnalyzedLayer['blob'] = null;
  try {
    if (layer.walk) {
      stats = await layer.walk(visitor);
    } else if (layer.openBlob) {
      const aside = layer.digestBound === true ? null : await hashLayerAside(layer, options.hashAsideMinBytes);
      const openBlob = layer.openBlob.bind(layer);
      try {
        // Read buffers go back for the next layer only once this one was read to its end.
        ({ stats, blob } = await withReadRings(async () => {
          const stream = openLayerStream(openBlob(), limits, layer.digest, { sourceChecksDigest: layer.digestBound === true, ...(aside === null ? {} : { storedDigest: aside.digest }) });
          const walked = await walkTar(stream.chunks, visitor, limits);
          await aside?.checkUnchanged();
          const digests = stream.digests();
          verifyLayerDigests(layer, digests, where);
          return { stats: walked, blob: { digest: digests.digest, size: digests.compressedBytes, diffId: digests.diffId } };
        }));
      } finally {
        aside?.cancel();
      }
    } else {
      throw new SekishoError('INTERNAL', 'layer has no content reader');
    }
  } catch (error) {
    if (error instanceof SekishoError) throw error.withWhere(where);
    throw error;
  }

  const catalogOutputs: CatalogOutput[] = [];
  for (const cataloger of plugins.catalogers) {
    const list = outputs.get(cataloger);
    if (list === undefined) continue;
    const joined = cataloger.finish ? cataloger.finish(list, ctx) : mergeOutputs(list);
    catalogOutputs.push(tag(joined, cataloger.id));
  }
  const all = mergeOutputs(catalogOutputs);
  const result: LayerResult = {
    schema: LAYER_RESULT_SCHEMA,
    entries: stats.entries,
    bytes: stats.bytes,
    whiteouts,
    opaqueDirs,
    symlinks,
    paths: sortedUnique(paths),
    dirPaths: sortedUnique(dirPaths),
    packages: all.packages as LayerResult['packages'],
    relationships: all.relationships as LayerResult['relationships'],
    ownership: all.ownership,
    licenseFacts: all.licenseFacts ?? [],
    unknowns: [...(all.unknowns as LayerResult['unknowns']), ...analyzerUnknowns, ...limitUnknowns(), ...walkUnknowns],
    findings,
    facts,
    specialFiles: special,
  };
  return { result, blob };
}

/** Sorted (by UTF-16 code units, deterministic) without duplicates; sorts in place. */
function sortedUnique(list: string[]): string[] {
  list.sort();
  let n = 0;
  for (let i = 0; i < list.length; i += 1) {
    const value = list[i] as string;
    if (n === 0 || list[n - 1] !== value) list[n++] = value;
  }
  list.length = n;
  return list;
}

function tag(output: CatalogOutput, foundBy: string): CatalogOutput {
  return {
    packages: output.packages.map((p) => ({ ...p, foundBy })),
    relationships: output.relationships.map((r) => ({ ...r, foundBy })),
    ownership: output.ownership,
    unknowns: output.unknowns.map((u) => ({ ...u, foundBy })),
    licenseFacts: output.licenseFacts ?? [],
  };
}

function verifyLayerDigests(layer: LayerRef, actual: { digest: string; diffId: string; compressedBytes: number }, where: { image: string; layer: string }): void {
  if (layer.digest !== null && layer.digest.startsWith('sha256:') && layer.digest !== actual.digest) {
    throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `layer blob digest mismatch: expected ${layer.digest}, got ${actual.digest}`, { where });
  }
  if (layer.size !== null && layer.size !== actual.compressedBytes) {
    throw new SekishoError('INTEGRITY_SIZE_MISMATCH', `layer blob is ${actual.compressedBytes} bytes, the manifest says ${layer.size}`, { where });
  }
  if (layer.diffId !== null && layer.diffId !== actual.diffId) {
    throw new SekishoError('INTEGRITY_DIFFID_MISMATCH', `layer diffID mismatch: the config says ${layer.diffId}, the content hashes to ${actual.diffId}`, { where });
  }
}
