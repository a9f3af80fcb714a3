import { tmpdir } from 'node:os';
import type { Finding, ImageConfigFacts, LayerInfo, Report } from '@sekisho/model';
import { REPORT_SCHEMA, isFileTreeSource, severityRank, compareText } from '@sekisho/model';
import { baseAnalyzerPlugins } from '../analyzers/registry.js';
import type { ImageConfigAnalyzer, ImageConfigStrings } from '../analyzers/plugin.js';
import type { AnalyzerFinding, LayerAnalyzer } from '../layers/layer-analyzer.js';
import { catalogers as defaultCatalogers } from '../catalogers/registry.js';
import type { CatalogContext, Cataloger } from '../catalogers/types.js';
import { detectDistro } from '../inventory/detect-distro.js';
import { buildInventory, location } from '../inventory/finalize.js';
import { openImage } from '../source/registry.js';
import type { ImageConfig } from '../source/schema.js';
import type { RegistryOptions } from '../source/registry/options.js';
import type { DirectoryVisitor, ImageHandle, LayerRef } from '../source/types.js';
import { createTempDir, removeTempDir } from '../util/temp-dirs.js';
import { TOOL_VERSION } from '../version.js';
import { DEFAULT_SCAN_TIMEOUT_MS, checkDeadline, deadlineError, isDeadline, scanDeadline, untilDeadline } from '../util/deadline.js';
import { analyzeLayer } from './analyze-layer.js';
import type { LayerLimits } from './analyze-layer.js';
import { DEFAULT_STREAM_LIMITS } from '../layers/layer-stream.js';
import { applyLayers } from '../overlay/apply-layers.js';
import type { MergedLayers } from '../overlay/apply-layers.js';
import { layerCacheKey } from './layer-cache.js';
import { imageCacheKey, lazyInventory, withReport } from './image-cache.js';
import type { ImageInventory } from './image-cache.js';
import { openScanCache } from './scan-cache.js';
import type { ScanCache } from './scan-cache.js';
import { readUnchanged } from './verified-files.js';
import type { VerifiedBlob, VerifiedFiles } from './verified-files.js';
import { distroSupport } from '../inventory/eol.js';
import type { LayerResult } from '../overlay/layer-result.js';
import { createHash } from 'node:crypto';
import { defaultRedactor, trustRedacted, vouchRedacted } from '../findings/redaction.js';
import type { PathSkip } from '../source/rootfs/path-skip.js';
import { expectLayers, resumeOptimizingTiers } from '../util/optimizing-tiers.js';

export interface ScanLimits extends LayerLimits {
  readonly maxNestedDepth: number;
  readonly maxExpandedBytes: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxEntries: 2_000_000,
  ...DEFAULT_STREAM_LIMITS,
  maxNestedDepth: 4,
  maxExpandedBytes: 1024 ** 3,
};

export type ScanProgress =
  { readonly type: 'image'; readonly layers: number; readonly bytes: number } | { readonly type: 'layer-done'; readonly index: number; readonly bytes: number; readonly cached: boolean };

export interface ScanOptions {
  /** `os/arch[/variant]` for multi-platform indexes. */
  readonly platform?: string;
  /** Layer cache directory; null disables the cache. */
  readonly cacheDir: string | null;
  /** Where the private temporary directory is made (default: the OS temp dir). */
  readonly tempRoot?: string;
  readonly limits?: Partial<ScanLimits>;
  /** Layers analysed at once (default 2). */
  readonly concurrency?: number;
  readonly catalogers?: readonly Cataloger[];
  /**
   * Report lockfile packages needed only for development (`--include-dev-deps`). Off by default:
   * an image runs its production dependencies. Not part of cache keys (catalogers always record them).
   */
  readonly includeDevDeps?: boolean;
  /** Analyzers in addition to the base ones (secrets, malware…). */
  readonly analyzers?: readonly LayerAnalyzer[];
  /** Options that change analyzer output (part of cache keys). */
  readonly analyzerOptions?: Readonly<Record<string, unknown>>;
  /** Analysers of the image configuration (Env, Labels, history): e.g. secrets leaked through build args. */
  readonly configAnalyzers?: readonly ImageConfigAnalyzer[];
  readonly onProgress?: (event: ScanProgress) => void;
  readonly now?: Date;
  /** Credentials, TLS and retry settings for images pulled from registries. */
  readonly registry?: RegistryOptions;
  /**
   * The overall deadline (`--timeout`; default 5 minutes, Trivy's): registry requests, blob reads
   * and layer walks stop with LIMIT_TIMEOUT naming what was being read. 0 disables it.
   */
  readonly timeoutMs?: number;
  /** Stops the scan early (LIMIT_TIMEOUT), e.g. a deadline shared by several scans. */
  readonly signal?: AbortSignal;
  /**
   * Paths the user chose not to scan (`skipGlobs`, a .gitignore): directory sources never read
   * them, and the report lists them under `skipped` (not unknowns: the report stays complete).
   */
  readonly skip?: PathSkip | null;
}

/** Everything a scan learns about an image before vulnerability matching. */
export interface ImageScan {
  readonly report: Report;
  readonly merged: MergedLayers;
}

/**
 * Read an image once and return its inventory as a Report: every digest verified, each layer
 * walked in one streaming pass (or taken from the cache), layers merged with overlay semantics.
 */
export async function scanImage(reference: string, options: ScanOptions): Promise<ImageScan> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  const deadline = timeoutMs > 0 ? scanDeadline(timeoutMs) : null;
  const signals = [deadline?.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  const { maxBytes, maxRatio, ratioFloorBytes } = { ...DEFAULT_LIMITS, ...options.limits };
  // Registered until removed: the CLI removes it on SIGINT/SIGTERM/SIGHUP and on exit too.
  const tempDir = await createTempDir(options.tempRoot ?? tmpdir());
  const work = (async (): Promise<ImageScan> => {
    const handle = await openImage(reference, {
      tempDir,
      limits: { maxBytes, maxRatio, ratioFloorBytes },
      ...(options.platform === undefined ? {} : { platform: options.platform }),
      ...(options.skip == null ? {} : { skip: options.skip }),
      ...(options.registry === undefined && signal === undefined ? {} : { registry: { ...options.registry, ...(signal === undefined ? {} : { signal }) } }),
    });
    try {
      return await scanHandle(handle, { ...options, ...(signal === undefined ? {} : { signal }) });
    } finally {
      await handle.close();
    }
  })();
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  try {
    // Readers stop by themselves when the signal fires; the race makes sure that nothing which
    // ignores it (a stalled local read) holds the scan past its deadline.
    return signal === undefined ? await work : await raceDeadline(work, signal, `scanning ${reference}`);
  } finally {
    deadline?.cancel();
    // After a deadline, give the readers a moment to wind down, not unbounded time.
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await removeTempDir(tempDir);
  }
}

const ABORT_GRACE_MS = 500;

/** `work`, or the deadline error soon after `signal` fires. */
async function raceDeadline<T>(work: Promise<T>, signal: AbortSignal, doing: string): Promise<T> {
  checkDeadline(signal, doing);
  let onAbort = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    // A short grace first: the reader that was stopped usually fails at once, naming the host and
    // the blob it was reading, which says more than this fallback.
    onAbort = () => void (timer = setTimeout(() => reject(deadlineError(signal, doing)), ABORT_GRACE_MS));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } catch (error) {
    if (isDeadline(error)) throw deadlineError(signal, doing);
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

async function scanHandle(handle: ImageHandle, options: ScanOptions): Promise<ImageScan> {
  const limits: ScanLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const catalogers = options.catalogers ?? defaultCatalogers;
  const base = await Promise.all(baseAnalyzerPlugins.map((p) => p.setup({})));
  const analyzers = [...base.flatMap((b) => b.analyzers ?? []), ...(options.analyzers ?? [])];
  const plugins = [...catalogers, ...analyzers].map((p) => ({ id: p.id, version: p.version }));
  const analyzerOptions = options.analyzerOptions ?? {};
  const ctx: CatalogContext = { limits: { maxNestedDepth: limits.maxNestedDepth, maxExpandedBytes: limits.maxExpandedBytes } };
  const cache = options.cacheDir === null ? null : openScanCache(options.cacheDir);
  const totalBytes = handle.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
  const now = options.now ?? new Date();
  const concurrency = options.concurrency ?? 2;
  const guarded = (layer: LayerRef): LayerRef => (options.signal === undefined ? layer : untilSignal(layer, options.signal, handle.reference));
  options.onProgress?.({ type: 'image', layers: handle.layers.length, bytes: totalBytes });
  // Analyzers beyond the inventory (secrets, malware) run byte loops that need optimized code.
  if (options.analyzers !== undefined && options.analyzers.length > 0) resumeOptimizingTiers();
  else expectLayers(handle.layers.map((l) => ({ size: l.walk === undefined ? l.size : null, mediaType: l.mediaType })));
  try {
    const imageKey = cache === null ? null : imageCacheKey(handle, layerInfos(handle), plugins, analyzerOptions, options.includeDevDeps === true);
    let inventory =
      cache === null || imageKey === null ? null : await cachedInventory(handle, cache, imageKey, { now, concurrency, guarded, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    if (inventory === null) {
      const layers = await mapLargestFirst(handle.layers, concurrency, async (found): Promise<VerifiedResult> => {
        const layer = guarded(found);
        // Keyed by the diffID the config claims; the entry is used only if its verified blob is this one.
        const key = layer.diffId === null ? null : layerCacheKey(layer.diffId, plugins, analyzerOptions);
        const entry = key === null ? null : (cache?.layers.get(key) ?? null);
        if (entry !== null && cache !== null && (await holdsVerifiedBlob(layer, entry.blob, cache.files))) {
          options.onProgress?.({ type: 'layer-done', index: layer.index, bytes: layer.size ?? 0, cached: true });
          return { result: entry.result, blob: entry.blob };
        }
        // A miss, or an entry for other bytes: read and verify the layer as if there were no cache.
        const { value: analyzed, range } = await readUnchanged(layer, () => analyzeLayer(layer, { catalogers, analyzers }, limits, ctx, handle.reference));
        const { result, blob } = analyzed;
        const verified = blob !== null && blob.diffId === layer.diffId ? { digest: blob.digest, size: blob.size } : null;
        if (key !== null && verified !== null) {
          cache?.layers.put(key, result, verified);
          if (range !== null) cache?.files.record(range, verified);
        }
        options.onProgress?.({ type: 'layer-done', index: layer.index, bytes: layer.size ?? 0, cached: false });
        return { result, blob: verified };
      });
      inventory = buildInventoryReport(
        handle,
        layers.map((l) => l.result),
        now,
        options.includeDevDeps === true,
      );
      const blobs = layers.map((l) => l.blob);
      if (imageKey !== null && cache !== null && blobs.every((b): b is VerifiedBlob => b !== null)) {
        // Asked now, of the packages and relationships the output will hold: the answer spares this
        // run's output and every warm rescan's a walk of their strings (they hold nothing from the config).
        const redactedBy = { packages: vouchRedacted(defaultRedactor(), inventory.report.packages), relationships: vouchRedacted(defaultRedactor(), inventory.report.relationships) };
        cache.images.put(imageKey, blobs, withReport(inventory, withoutConfig(inventory.report)), redactedBy);
      }
    }
    const scan = withConfigFindings(inventory, configFindings(handle.config, options.configAnalyzers ?? []));
    const skip = options.skip;
    if (skip == null) return scan;
    const skipped = { patterns: skip.patterns, count: skip.skippedPaths.length, paths: [...skip.skippedPaths].sort().slice(0, 100) };
    return withReport(scan, { ...scan.report, skipped });
  } finally {
    cache?.close();
  }
}

/** A layer's result with the blob shown in this run to hold its content (null: nothing to vouch for). */
interface VerifiedResult {
  readonly result: LayerResult;
  readonly blob: VerifiedBlob | null;
}

/**
 * The image's inventory from the image cache, when every layer at hand is shown to be the blob
 * recorded with the entry (as for a layer entry: holdsVerifiedBlob); else null and the layers are
 * read one by one. The report's target and distro support status are this run's.
 */
async function cachedInventory(
  handle: ImageHandle,
  cache: ScanCache,
  key: string,
  run: { readonly now: Date; readonly concurrency: number; readonly guarded: (layer: LayerRef) => LayerRef; readonly onProgress?: (event: ScanProgress) => void },
): Promise<ImageInventory | null> {
  const entry = cache.images.get(key, handle.layers.length);
  if (entry === null) return null;
  const held = await mapLargestFirst(handle.layers, run.concurrency, async (layer) => {
    const blob = entry.blobs[layer.index];
    return blob !== undefined && (await holdsVerifiedBlob(run.guarded(layer), blob, cache.files));
  });
  if (!held.every(Boolean)) return null;
  if (entry.redactedBy.packages !== null) trustRedacted(entry.report.packages, entry.redactedBy.packages);
  if (entry.redactedBy.relationships !== null) trustRedacted(entry.report.relationships, entry.redactedBy.relationships);
  for (const layer of handle.layers) run.onProgress?.({ type: 'layer-done', index: layer.index, bytes: layer.size ?? 0, cached: true });
  const report = withConfig(entry.report, handle);
  const distro = report.distro === null ? null : { ...report.distro, eol: distroSupport(report.distro.id, report.distro.versionId, run.now) };
  return lazyInventory({ ...report, target: targetOf(handle), distro }, entry);
}

/**
 * What the image cache keeps of a report: nothing taken from the image configuration. Its
 * environment, labels and build steps may hold secrets in full, and the cache is not an output
 * that redacts them; the entry's key binds the verified config, which gives them again
 * (withConfig). Keys stay where they are, so a warm report prints byte for byte as the cold one.
 */
function withoutConfig(report: Report): Report {
  return { ...report, image: null, findings: report.findings.map((f) => (f.createdBy === null ? f : { ...f, createdBy: null })) };
}

function withConfig(report: Report, handle: ImageHandle): Report {
  const layers = layerInfos(handle);
  const createdBy = (f: Finding): string | null => (f.location?.layerIndex == null ? null : (layers[f.location.layerIndex]?.createdBy ?? null));
  const findings = report.findings.map((f) => {
    const step = createdBy(f);
    return step === null ? f : { ...f, createdBy: step };
  });
  return { ...report, image: imageInfo(handle, layers), findings };
}

function imageInfo(handle: ImageHandle, layers: LayerInfo[]): Report['image'] {
  return isFileTreeSource(handle.sourceType) ? null : { layers, config: configFacts(handle.config), size: layers.reduce((s, l) => s + (l.size ?? 0), 0) };
}

/** A layer whose reads (blob chunks or walked entries) stop with the deadline error once `signal` fires. */
function untilSignal(layer: LayerRef, signal: AbortSignal, image: string): LayerRef {
  const doing = `reading layer ${layer.digest ?? layer.diffId ?? `#${layer.index}`} of ${image}`;
  checkDeadline(signal, doing);
  const { openBlob, hashBlob, walk } = layer;
  return {
    ...layer,
    ...(openBlob === undefined ? {} : { openBlob: () => untilDeadline(openBlob.call(layer), signal, doing) }),
    ...(hashBlob === undefined ? {} : { hashBlob: (maxBytes: number) => hashBlob.call(layer, maxBytes, () => checkDeadline(signal, doing)) }),
    ...(walk === undefined
      ? {}
      : {
          walk: (visitor: DirectoryVisitor) =>
            walk.call(layer, {
              bodyBytes: (header) => {
                checkDeadline(signal, doing);
                return visitor.bodyBytes(header);
              },
              entry: (header, body, truncated) => visitor.entry(header, body, truncated),
              unknown: (path, reason) => visitor.unknown(path, reason),
            }),
        }),
  };
}

/**
 * May the result cached for `blob` stand for `layer`? The entry's blob was verified against the
 * diffID it is keyed by when it was written; what remains is to show that `layer` is that blob.
 * A registry layer is (its digest is bound by the verified manifest and checked if ever read);
 * a local blob is, when its file is provably unchanged since its bytes hashed to that digest
 * (verified-files.ts); else it is hashed here, one sequential read (~1.8 GB/s), never
 * decompressed. Any failure to read it is a miss: the layer is then analysed and fails exactly
 * as it would with no cache.
 */
async function holdsVerifiedBlob(layer: LayerRef, blob: VerifiedBlob, files: VerifiedFiles): Promise<boolean> {
  if (layer.digest !== null && layer.digest.startsWith('sha256:') && layer.digest !== blob.digest) return false;
  if (layer.size !== null && layer.size !== blob.size) return false;
  if (layer.digestBound === true && layer.digest === blob.digest) return true;
  const range = (await layer.locateBlob?.().catch(() => null)) ?? null;
  const known = range === null ? null : files.lookup(range);
  if (known !== null) return known.digest === blob.digest && known.size === blob.size;
  const { value: measured, range: hashed } = await readUnchanged(layer, () => measureBlob(layer, blob.size));
  if (measured === null) return false;
  if (hashed !== null) files.record(hashed, measured);
  return measured.size === blob.size && measured.digest === blob.digest;
}

/** sha256 and size of the layer's stored bytes (reading at most `maxBytes` + 1), or null when they cannot be read or are larger. */
async function measureBlob(layer: LayerRef, maxBytes: number): Promise<VerifiedBlob | null> {
  if (layer.hashBlob !== undefined) {
    try {
      return await layer.hashBlob(maxBytes);
    } catch {
      return null;
    }
  }
  if (layer.openBlob === undefined) return null;
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of layer.openBlob()) {
      size += chunk.length;
      if (size > maxBytes) return null;
      hash.update(chunk);
    }
  } catch {
    return null;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Run `work` over layers, at most `concurrency` at once, starting with the largest (it bounds the total time). */
async function mapLargestFirst<T>(layers: readonly LayerRef[], concurrency: number, work: (layer: LayerRef) => Promise<T>): Promise<T[]> {
  const order = [...layers].sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  const results: T[] = new Array<T>(layers.length);
  let next = 0;
  let failure: unknown = null;
  async function worker(): Promise<void> {
    while (failure === null) {
      const layer = order[next++];
      if (layer === undefined) return;
      try {
        results[layer.index] = await work(layer);
      } catch (error) {
        failure ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, order.length)) }, worker));
  // the first worker's error, rethrown as it was caught (SekishoError or not)
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure !== null) throw failure;
  return results;
}

function configFindings(config: ImageConfig | null, analyzers: readonly ImageConfigAnalyzer[]): AnalyzerFinding[] {
  if (config === null || analyzers.length === 0) return [];
  const strings: ImageConfigStrings = {
    env: config.config?.Env ?? [],
    labels: config.config?.Labels ?? {},
    history: (config.history ?? []).map((h) => h.created_by ?? ''),
  };
  return analyzers.flatMap((analyze) => analyze(strings));
}

function configFacts(config: ImageConfig | null): ImageConfigFacts {
  const c = config?.config;
  return {
    user: c?.User ?? null,
    env: c?.Env ?? [],
    entrypoint: c?.Entrypoint ?? [],
    cmd: c?.Cmd ?? [],
    workingDir: c?.WorkingDir ?? null,
    exposedPorts: Object.keys(c?.ExposedPorts ?? {}).sort(),
    labels: c?.Labels ?? {},
    healthcheck: c?.Healthcheck?.Test ?? null,
    created: config?.created ?? null,
  };
}

function layerInfos(handle: ImageHandle): LayerInfo[] {
  return handle.layers.map((l) => ({ index: l.index, digest: l.digest, diffId: l.diffId, mediaType: l.mediaType, size: l.size, createdBy: l.createdBy }));
}

function targetOf(handle: ImageHandle): Report['target'] {
  return {
    reference: handle.reference,
    sourceType: handle.sourceType,
    manifestDigest: handle.manifestDigest,
    configDigest: handle.configDigest,
    platform: handle.platform,
    repoTags: handle.repoTags,
  };
}

/** The one order of findings in a report: most severe first, then rule, path, id. */
function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId) || compareText(a.location?.path ?? '', b.location?.path ?? '') || compareText(a.id, b.id);
}

/** The report of what the layers hold (overlay replay, distro, inventory, layer findings): what the image cache keeps. */
function buildInventoryReport(handle: ImageHandle, results: readonly LayerResult[], now: Date, includeDevDeps: boolean): ImageInventory {
  const layers = layerInfos(handle);
  const merged = applyLayers(results);
  const releaseFiles = new Map(merged.facts.filter((f) => f.analyzer === 'os-release-analyzer').map((f) => [f.path, f.value]));
  const evidence = new Set(merged.packages.map((p) => p.pkg.paths[0] ?? ''));
  const distroless = !evidence.has('/var/lib/dpkg/status') && [...evidence].some((p) => p.startsWith('/var/lib/dpkg/status.d/'));
  const distro = detectDistro({ files: releaseFiles, distroless, today: now });
  const inventory = buildInventory(merged, distro, isFileTreeSource(handle.sourceType) ? [] : layers, { includeDevDeps });
  const findings: Finding[] = merged.findings.map(({ finding, layer, removedInLayer }) => {
    const { path, ...rest } = finding;
    const loc = location(path, handle.layers.length > 1 || !isFileTreeSource(handle.sourceType) ? layer : null, layers);
    return {
      ...rest,
      id: createHash('sha256')
        .update([rest.kind, rest.ruleId, path, String(layer), rest.title].join('\0'))
        .digest('hex')
        .slice(0, 16),
      location: loc,
      createdBy: layers[layer]?.createdBy ?? null,
      removedInLayer,
    };
  });
  findings.sort(compareFindings);
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: TOOL_VERSION },
    target: targetOf(handle),
    image: imageInfo(handle, layers),
    distro,
    packages: inventory.packages,
    relationships: inventory.relationships,
    findings,
    unknowns: inventory.unknowns,
    notChecked: [],
  };
  return { report, merged };
}

/** The inventory with findings from the image configuration (Env, labels, history) added, in report order. */
function withConfigFindings(inventory: ImageInventory, fromConfig: readonly AnalyzerFinding[]): ImageScan {
  if (fromConfig.length === 0) return inventory;
  const findings = [...inventory.report.findings];
  for (const finding of fromConfig) {
    const { path, ...rest } = finding;
    findings.push({
      ...rest,
      id: createHash('sha256').update([rest.kind, rest.ruleId, path, rest.title].join('\0')).digest('hex').slice(0, 16),
      location: { path, layerDigest: null, diffId: null, layerIndex: null },
      createdBy: null,
      removedInLayer: null,
    });
  }
  // Stable: layer findings that compare equal keep the order the inventory gave them, before config findings.
  findings.sort(compareFindings);
  return withReport(inventory, { ...inventory.report, findings });
}
