import type { Report } from '@sekisho/model';

export interface RenderOptions {
  /** Creation time where a format requires one (SPDX `created`); from SOURCE_DATE_EPOCH when set, for reproducible output. */
  readonly now: Date;
  /** ANSI colours in tables. */
  readonly color: boolean;
}

/** Turns a Report into one output format. Output is deterministic: same report, same bytes. */
export interface Reporter {
  readonly id: string;
  readonly mediaType: string;
  readonly specVersions: readonly string[];
  render(report: Report, options: RenderOptions): string;
  /**
   * The same bytes as render, in chunks written one after another: for large reports, so the
   * output is never one giant string (optional; callers use reporterChunks()).
   */
  renderChunks?(report: Report, options: RenderOptions): Iterable<string>;
}
