import type { Report, Severity } from '@sekisho/model';
import type { MergedLayers } from '../../../overlay/apply-layers.js';
import type { ImageHardeningCheckId } from './catalog.js';

export interface ImageHardeningOptions {
  /** Flag images whose config `created` is older than this many days (default 365). */
  readonly maxAgeDays?: number;
  /**
   * Whether the image is an application image, for database ports (5432, 3306, 6379, 27017):
   * true flags them always, false never; unset decides per port from the image's own evidence
   * (a database server package, command or image name means a database image).
   */
  readonly appImage?: boolean;
}

export interface ImageHardeningInput {
  readonly report: Report;
  readonly merged: MergedLayers;
  readonly now: Date;
  readonly options?: ImageHardeningOptions;
}

/** What a check says before it becomes a HardeningFinding. */
export interface CheckHit {
  readonly check: ImageHardeningCheckId;
  /** What exactly: paths, modes, the build step, counts. */
  readonly evidence: string;
  /** File the hit is about (becomes `location.path`). */
  readonly path?: string;
  /** Layer that holds the file or the build step. */
  readonly layer?: number;
  readonly severity?: Severity;
  /** A fix specific to this hit; the check's fix otherwise. */
  readonly fix?: string;
  /** Distinguishes hits of one check without a path (e.g. the port), for stable ids. */
  readonly key?: string;
}

export const CHECKER_ID = 'image-hardening';

/** Caps hits per check so one pathological image cannot produce millions of findings. */
export const MAX_HITS_PER_CHECK = 50;
/** Caps paths listed inside one evidence string. */
export const MAX_LISTED = 30;

export function listed(items: readonly string[], max = MAX_LISTED): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function mode(m: number): string {
  return (m & 0o7777).toString(8).padStart(4, '0');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}
