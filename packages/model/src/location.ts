/** Where something was found inside an image: a path, and the layer that put it there. */
export interface Location {
  /** Absolute path inside the image root, e.g. `/var/lib/dpkg/status`. */
  readonly path: string;
  /** Compressed digest of the layer blob, or null for a root-fs directory source. */
  readonly layerDigest: string | null;
  /** Uncompressed digest (diffID) of the layer, or null for a root-fs directory source. */
  readonly diffId: string | null;
  /** Zero-based index of the layer in the image, or null for a root-fs directory source. */
  readonly layerIndex: number | null;
}

/** A layer as reported: digests, size and the build step (history `created_by`) that made it. */
export interface LayerInfo {
  readonly index: number;
  readonly digest: string | null;
  readonly diffId: string | null;
  readonly mediaType: string | null;
  readonly size: number | null;
  /** The Dockerfile instruction or build step that produced the layer, when history says. */
  readonly createdBy: string | null;
}
