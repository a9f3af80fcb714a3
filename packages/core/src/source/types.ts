import type { PathSkip } from './rootfs/path-skip.js';
import type { Platform, SourceType } from '@sekisho/model';
import type { LayerStreamLimits } from '../layers/layer-stream.js';
import type { TarEntryVisitor, TarWalkStats } from '../layers/tar-walker.js';
import type { StoredRange } from './blob-store.js';
import type { RegistryOptions } from './registry/options.js';
import type { ImageConfig } from './schema.js';

/** A layer of an image: its digests as the manifest/config state them, and how to read it. */
export interface LayerRef {
  readonly index: number;
  /** Digest of the stored blob, as the manifest states it (null when the source has none, e.g. legacy docker-archive). */
  readonly digest: string | null;
  /** The uncompressed digest the config states for this layer (`rootfs.diff_ids`). */
  readonly diffId: string | null;
  readonly mediaType: string | null;
  readonly size: number | null;
  readonly createdBy: string | null;
  /**
   * The source itself guarantees that `openBlob` yields exactly the bytes of `digest` (a registry
   * blob fetched by digest, named by a manifest whose digest was verified, and checked again as it
   * streams). Only then may a cache entry recorded for that blob be used without reading it; blobs
   * of local archives and layouts are hashed before a cache entry is trusted.
   */
  readonly digestBound?: boolean;
  /**
   * Stored bytes of the blob, in lent chunks: each stays valid until the consumer asks for the
   * second chunk after it (local files are read through three reused buffers, BlobStore.open);
   * a consumer that keeps bytes longer copies them.
   */
  openBlob?(): AsyncIterable<Buffer>;
  /**
   * sha256 and size of the stored bytes without handing them out (local files: a faster read
   * than `openBlob`), reading at most `maxBytes` + 1 bytes; `check` runs before each chunk.
   */
  hashBlob?(maxBytes: number, check?: () => void): Promise<{ readonly digest: string; readonly size: number }>;
  /** Where the stored bytes lie in a local file, and that file's state now (BlobStore.locate). */
  locateBlob?(): Promise<StoredRange | null>;
  /** Directory sources: visit entries directly (no tar stream). */
  walk?(visitor: DirectoryVisitor): Promise<TarWalkStats>;
}

/** A visitor of a directory walk: entries as from a tar walk, plus what could not be read. */
export interface DirectoryVisitor extends TarEntryVisitor {
  /**
   * `path` (image path) could not be listed, stat'ed or read — the reason names the cause
   * (permission denied, changed during the scan, too deep). Called before `entry` for that path
   * when the entry itself was listed. Becomes an unknown: the report is incomplete.
   */
  unknown(path: string, reason: string): void;
}

export interface ImageHandle {
  readonly reference: string;
  readonly sourceType: SourceType;
  readonly manifestDigest: string | null;
  readonly configDigest: string | null;
  readonly platform: Platform | null;
  readonly repoTags: readonly string[];
  readonly config: ImageConfig | null;
  readonly layers: readonly LayerRef[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `os/arch[/variant]` to pick from a multi-platform index. */
  readonly platform?: string;
  /** Private temporary directory for sources that must unpack (gzip-compressed archives). */
  readonly tempDir: string;
  /** Bounds on unpacking a compressed archive (default: the layer defaults, DEFAULT_STREAM_LIMITS). */
  readonly limits?: LayerStreamLimits;
  /** Credentials, TLS and retry settings for images pulled from registries. */
  readonly registry?: RegistryOptions;
  /** Paths the user chose not to scan; honoured by directory sources (`dir:`), which never read them. */
  readonly skip?: PathSkip | null;
}

export interface ParsedReference {
  readonly scheme: 'oci' | 'oci-archive' | 'docker-archive' | 'dir' | 'zip' | 'auto';
  readonly path: string;
  /** Tag (or `repo:tag`) or digest selecting an image inside a layout or archive. */
  readonly selector: string | null;
}

export interface ImageSource {
  readonly id: SourceType;
  /** Cheap sniff of a reference whose scheme is `auto`. */
  canOpen(reference: ParsedReference): Promise<boolean>;
  open(reference: ParsedReference, options: OpenOptions): Promise<ImageHandle>;
}
