import type { Finding } from '@sekisho/model';
import type { EntryHeader } from './entry.js';

/** A fact an analyzer records about a path (e.g. the content of os-release). Later layers overwrite it; whiteouts delete it. */
export interface PathFact {
  readonly analyzer: string;
  readonly path: string;
  readonly value: string;
}

/** A finding before core attaches layer, build step and id. `location.path` must be set via `path`. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A finding before core attaches layer, build step and id; `path` names the file (or `config:…` for image configuration). */
export type AnalyzerFinding = DistributiveOmit<Finding, 'id' | 'location' | 'createdBy' | 'removedInLayer'> & { readonly path: string };

export interface AnalyzerOutput {
  readonly findings: readonly AnalyzerFinding[];
  readonly facts: readonly PathFact[];
  /**
   * What the analyzer could not read (a body cut at `maxBodySize` it needs whole…): each becomes a
   * report unknown, found by the analyzer, and makes the report incomplete. A limit never hides silently.
   */
  readonly unknowns?: readonly { readonly path: string; readonly reason: string }[];
}

export interface AnalyzerContext {
  readonly layerIndex: number | null;
}

/**
 * Sees entries as a layer streams. `selects` is pure and cheap (it runs for every entry).
 * When `wantsBody` is true for a selected regular file, `analyze` receives up to
 * `maxBodySize` bytes of its content (and `truncated` when the file was longer).
 */
export interface LayerAnalyzer {
  readonly id: string;
  readonly version: number;
  readonly maxBodySize: number;
  selects(entry: EntryHeader): boolean;
  wantsBody(entry: EntryHeader): boolean;
  analyze(entry: EntryHeader, body: Buffer | null, truncated: boolean, ctx: AnalyzerContext): AnalyzerOutput | Promise<AnalyzerOutput>;
}

export const NO_OUTPUT: AnalyzerOutput = { findings: [], facts: [] };
