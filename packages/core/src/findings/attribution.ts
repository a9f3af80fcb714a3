import type { Report } from '@sekisho/model';

/** One image history entry (config `history[]`), for the history-based heuristic. */
export interface HistoryEntry {
  readonly createdBy: string | null;
  readonly emptyLayer: boolean;
}

export interface AttributionOptions {
  /** `--base-layers N`: the first N layers are the base image. Wins over every heuristic. */
  readonly baseLayers?: number | null;
  /** The image config's full history (empty-layer entries included), when the caller has it. */
  readonly history?: readonly HistoryEntry[] | null;
}

export interface LayerAttribution {
  /** Number of leading layers that came from the base image; null when it cannot be told. */
  readonly baseLayerCount: number | null;
  /** How it was decided, for the report: `--base-layers`, `history CMD boundary`, `root file system layer`. */
  readonly method: string | null;
}

// A base image's root file system: docker's `ADD file:<hash> in /`, buildkit's rootfs tarballs, mmdebstrap/debuerreotype.
const ROOTFS_STEP = /^(\/bin\/sh -c )?(#\(nop\) )?(ADD|COPY) (file:[0-9a-f]{16,}|rootfs\.tar\S*|\S*minirootfs\S*) |mmdebstrap|debuerreotype|debian\.sh --arch|^\/bin\/sh -c #\(nop\) ADD file:/;
const ENDS_IMAGE = /(^|\s|#\(nop\)\s*)(CMD|ENTRYPOINT)\s/;

/**
 * Which layers come from the base image (Trivy#1198). In order:
 * 1. `--base-layers N`, when given;
 * 2. with the config history: a base image's history ends with its `CMD`/`ENTRYPOINT` (an
 *    empty-layer entry that official base images all have); the last such entry that is followed
 *    by a layer-creating entry marks the boundary, and the layers before it are the base
 *    (the nearest base: for `FROM python:3.12`, python's layers, Debian's included);
 * 3. from layer build steps alone: the leading layers that import a root file system
 *    (`ADD file:… in /`, `ADD rootfs.tar`, mmdebstrap), when more layers follow;
 * 4. otherwise unknown: no attribution is shown rather than a guess.
 */
export function attributeLayers(report: Pick<Report, 'image'>, options: AttributionOptions = {}): LayerAttribution {
  const layers = report.image?.layers ?? [];
  if (options.baseLayers != null && Number.isInteger(options.baseLayers) && options.baseLayers >= 0) {
    return { baseLayerCount: Math.min(options.baseLayers, layers.length), method: '--base-layers' };
  }
  const history = options.history ?? null;
  if (history !== null && history.length > 0) {
    let nonEmpty = 0;
    let boundary: number | null = null;
    let pending: number | null = null;
    for (const entry of history) {
      if (entry.emptyLayer) {
        if (ENDS_IMAGE.test(entry.createdBy ?? '') && nonEmpty > 0) pending = nonEmpty;
      } else {
        if (pending !== null) boundary = pending;
        pending = null;
        nonEmpty++;
      }
    }
    if (boundary !== null && boundary <= layers.length) return { baseLayerCount: boundary, method: 'history CMD boundary' };
  }
  let n = 0;
  while (n < layers.length && ROOTFS_STEP.test(layers[n]?.createdBy ?? '')) n++;
  if (n > 0 && n < layers.length) return { baseLayerCount: n, method: 'root file system layer' };
  return { baseLayerCount: null, method: null };
}

export function layerOrigin(layerIndex: number | null | undefined, attribution: LayerAttribution): 'base' | 'own' | null {
  if (layerIndex == null || attribution.baseLayerCount === null) return null;
  return layerIndex < attribution.baseLayerCount ? 'base' : 'own';
}
