import type { Advisory, CveFacts } from '../types.js';

/** One input file of a build, decompressed when its name ends in `.gz`. */
export interface FeedFile {
  /** Path on disk. */
  readonly path: string;
  /** Path relative to the `--from` root it was found under (for messages and layout checks), `/`-separated. */
  readonly relative: string;
  /** Size on disk (compressed size for `.gz`). */
  readonly size: number;
  /** The first bytes of the (decompressed) content, for sniffing. */
  readonly head: string;
  /** The (decompressed) content as a stream of chunks. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The whole (decompressed) content, refused above `limit` bytes. */
  text(limit: number): Promise<string>;
}

/** Facts about one CVE from one source; absent fields leave what other sources said. */
export interface CveFactsUpdate {
  readonly cve: string;
  readonly epss?: CveFacts['epss'];
  readonly kev?: CveFacts['kev'];
  readonly nvd?: CveFacts['nvd'];
}

export type FeedItem = { readonly kind: 'advisory'; readonly advisory: Advisory } | { readonly kind: 'cve'; readonly source: string; readonly facts: CveFactsUpdate };

export interface FeedContext {
  /** A record that could not be read: counted against `source` and reported with its file/record name. */
  skip(source: string, record: string, reason: string): void;
  /** Anything else worth telling (not counted). */
  warn(message: string): void;
}

/**
 * A feed importer: recognizes its files by layout, name and content (`detect`, cheap: head only),
 * and turns one file into normalized advisories or CVE facts. Fetching is separate (db update).
 */
export interface FeedImporter {
  readonly id: string;
  /** Bump when the output for the same input changes. */
  readonly version: number;
  detect(file: FeedFile): boolean;
  parse(file: FeedFile, context: FeedContext): AsyncIterable<FeedItem>;
}

export const advisoryItem = (advisory: Advisory): FeedItem => ({ kind: 'advisory', advisory });

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
