import type { PackageEvidence, PackageMetadata, PackageType, SourcePackage } from '@sekisho/model';
import type { FileSelector } from '../util/file-selector.js';

/** A file a cataloger selected, with its content (bounded by the cataloger's `maxFileSize`). */
export interface CatalogFile {
  /** Absolute, normalized path inside the image root. */
  readonly path: string;
  /** Content; valid only for the duration of the `parse` call (copy what you keep). */
  readonly content: Buffer;
  readonly mode: number;
  /** Layer index in the image, or null for a root-fs directory. */
  readonly layerIndex: number | null;
  /** Set when `content` is only the start of the file (a cataloger's `readsPrefix`): the file's whole size. */
  readonly size?: number;
}

/** A package as a parser sees it. Core turns it into a model `Package` (id, locations, OS purl qualifiers) after the layers are merged. */
export interface CatalogedPackage {
  /** Unique within one cataloger's output for one layer; relationships refer to it. */
  readonly ref: string;
  readonly name: string;
  readonly version: string;
  readonly type: PackageType;
  /**
   * The purl for language packages (build it with packageurl-js). OS packages (deb/apk/rpm/alpm) leave it
   * null: core adds the distro qualifier once the OS is known. An OS package whose purl does not
   * depend on the image's OS (a snap's Ubuntu packages, a document's own purl) states it here.
   */
  readonly purl: string | null;
  readonly cpes?: readonly string[];
  readonly licenses: readonly string[];
  readonly evidence: PackageEvidence;
  readonly source: SourcePackage | null;
  readonly metadata: PackageMetadata | null;
  /** Evidence paths; the first is the primary one (whiteouts of it delete the package). */
  readonly paths: readonly string[];
  /** Files the package installed (OS packages, Python RECORD), absolute paths. */
  readonly files?: readonly string[];
  /**
   * Needed only for development: a lockfile's dev dependency. Catalogers always report these;
   * the scan keeps them only with `includeDevDeps` (so layer cache entries do not depend on it).
   */
  readonly dev?: boolean;
}

export interface CatalogedRelationship {
  readonly fromRef: string;
  readonly toRef: string;
  readonly type: 'depends-on' | 'contains';
}

/** Files listed as belonging to a package by a file other than the package's evidence (dpkg `info/<pkg>.list`). */
export interface FileOwnership {
  /** The file that lists them; whiteouts of it drop the ownership. */
  readonly path: string;
  readonly packageType: PackageType;
  /** Name (and for dpkg `name:arch` where the list file says so) the files belong to. */
  readonly packageName: string;
  readonly files: readonly string[];
}

/**
 * Licences a file states for a package apart from the package's own record (Debian's
 * `/usr/share/doc/<name>/copyright`); core attaches them by name after the layers are merged.
 */
export interface LicenseFact {
  /** The file that states them; whiteouts of it drop the fact. */
  readonly path: string;
  readonly packageType: PackageType;
  readonly packageName: string;
  readonly licenses: readonly string[];
}

export interface CatalogUnknown {
  readonly path: string;
  readonly reason: string;
}

export interface CatalogOutput {
  readonly packages: readonly CatalogedPackage[];
  readonly relationships: readonly CatalogedRelationship[];
  readonly ownership: readonly FileOwnership[];
  readonly unknowns: readonly CatalogUnknown[];
  /** Optional: only catalogers that read licence files apart from package records emit them. */
  readonly licenseFacts?: readonly LicenseFact[];
}

export interface CatalogContext {
  /** Bound for nested work (archives in archives, decompression) per file. */
  readonly limits: {
    readonly maxNestedDepth: number;
    readonly maxExpandedBytes: number;
  };
}

/**
 * A cataloger declares the files it reads (pure, no IO: the walker dispatches in one pass),
 * parses each selected file as the layer streams, and optionally joins the per-file outputs of
 * one layer in `finish` (e.g. Python METADATA + RECORD of the same dist-info folder).
 */
export interface Cataloger {
  /** `<ecosystem>-<source>-cataloger`, e.g. `dpkg-db-cataloger`, `npm-lock-cataloger`. */
  readonly id: string;
  /** Bump when output changes: part of layer cache keys. */
  readonly version: number;
  readonly packageTypes: readonly PackageType[];
  readonly selector: FileSelector;
  /** Files larger than this are not parsed; they become unknowns. */
  readonly maxFileSize: number;
  /**
   * Whether the cataloger reads a selected file's content (default: always). A cataloger that
   * needs only some files' paths and modes (Nix store paths are named by their folders) answers
   * false for those: their content is never read, `content` is empty and `maxFileSize` does not apply.
   */
  readonly readsContent?: (path: string) => boolean;
  /**
   * Files larger than `maxFileSize` are then read from their start, this many bytes, instead of
   * becoming unknowns (a model file's header, gigabytes before its end); `size` says the whole size.
   */
  readonly readsPrefix?: number;
  parse(file: CatalogFile, ctx: CatalogContext): CatalogOutput | Promise<CatalogOutput>;
  finish?(outputs: readonly CatalogOutput[], ctx: CatalogContext): CatalogOutput;
}

export const EMPTY_OUTPUT: CatalogOutput = { packages: [], relationships: [], ownership: [], unknowns: [] };

/** Concatenate outputs (the default `finish`). */
export function mergeOutputs(outputs: readonly CatalogOutput[]): CatalogOutput {
  return {
    packages: outputs.flatMap((o) => o.packages),
    relationships: outputs.flatMap((o) => o.relationships),
    ownership: outputs.flatMap((o) => o.ownership),
    unknowns: outputs.flatMap((o) => o.unknowns),
    licenseFacts: outputs.flatMap((o) => o.licenseFacts ?? []),
  };
}
