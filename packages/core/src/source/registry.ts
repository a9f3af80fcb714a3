import { existsSync, statSync } from 'node:fs';
import { SekishoError } from '../errors.js';
import { TarBlobStore } from './blob-store.js';
import { dockerArchiveSource, openDockerArchiveStore } from './docker-archive/index.js';
import { ociArchiveSource } from './oci-archive/index.js';
import { ociLayoutSource, openOciStore } from './oci-layout/index.js';
import { parseReference } from './reference.js';
import { registryReferenceOf } from './registry/reference.js';
import { rootfsSource } from './rootfs/index.js';
import { zipSource } from './zip/index.js';
import type { ImageHandle, ImageSource, OpenOptions } from './types.js';

/** Every image source, in sniffing order. */
export const imageSources: readonly ImageSource[] = [ociLayoutSource, dockerArchiveSource, ociArchiveSource, rootfsSource, zipSource];

const BY_SCHEME = {
  oci: ociLayoutSource,
  'oci-archive': ociArchiveSource,
  'docker-archive': dockerArchiveSource,
  dir: rootfsSource,
  zip: zipSource,
} as const;

/**
 * Open an image from a reference: `oci:DIR[:TAG|@DIGEST]`, `oci-archive:FILE[:TAG]`,
 * `docker-archive:FILE[:REPO:TAG]`, `dir:PATH`, `zip:FILE`, or a plain path whose kind is sniffed
 * (an OCI layout directory, another directory as a root fs, or an archive: docker-save or OCI,
 * optionally gzip/zstd compressed). Anything else that is a valid image reference
 * (`nginx`, `ghcr.io/o/app:1`, `host:5000/app@sha256:…`, or forced with `registry:`/`docker://`)
 * is pulled from its registry.
 */
export async function openImage(text: string, options: OpenOptions): Promise<ImageHandle> {
  // `registry:`/`docker://` prefixes, or an image reference that names no local path.
  const remote = registryReferenceOf(text, existsSync);
  if (remote !== null) {
    // The registry client (HTTP, auth, TLS) loads only for remote references: most scans read local files.
    const { openRegistryImage } = await import('./registry/source.js');
    return openRegistryImage(remote, options);
  }
  const reference = parseReference(text, existsSync);
  if (!existsSync(reference.path)) {
    // Name the path looked for (oci:DIR:TAG names DIR), not the reference with its tag.
    throw new SekishoError('SOURCE_NOT_FOUND', `no such file or directory: ${reference.path}`, { where: { path: reference.path } });
  }
  if (reference.scheme !== 'auto') return BY_SCHEME[reference.scheme].open(reference, options);
  if (statSync(reference.path).isDirectory()) {
    return ((await ociLayoutSource.canOpen(reference)) ? ociLayoutSource : rootfsSource).open(reference, options);
  }
  // A ZIP archive (a function package) is told by its first bytes; anything else is indexed as a tar.
  if (await zipSource.canOpen(reference)) return zipSource.open(reference, options);
  // A file: index it once, then decide by what it holds.
  const store = await TarBlobStore.open(reference.path, options.tempDir, options.limits);
  if (await store.has('manifest.json')) return openDockerArchiveStore(store, reference, options);
  if (await store.has('oci-layout')) return openOciStore(store, reference, options, 'oci-archive');
  throw new SekishoError('SOURCE_UNSUPPORTED', 'not a docker-archive or OCI archive (no manifest.json or oci-layout inside)', {
    where: { image: text },
  });
}
