import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SekishoError } from '../../errors.js';
import { DirectoryBlobStore } from '../blob-store.js';
import type { BlobStore } from '../blob-store.js';
import { resolveImage } from '../resolve-image.js';
import { configPlatform } from '../platform.js';
import type { ImageHandle, ImageSource, OpenOptions, ParsedReference } from '../types.js';

/** `oci:DIR[:TAG|@DIGEST]`: an OCI image layout directory (image-layout spec v1). */
export const ociLayoutSource: ImageSource = {
  id: 'oci-layout',
  async canOpen(reference) {
    try {
      return (await stat(join(reference.path, 'oci-layout'))).isFile();
    } catch {
      return false;
    }
  },
  async open(reference, options) {
    const store = new DirectoryBlobStore(reference.path);
    return openOciStore(store, reference, options, 'oci-layout');
  },
};

export async function openOciStore(
  store: BlobStore,
  reference: ParsedReference,
  options: OpenOptions,
  sourceType: 'oci-layout' | 'oci-archive' | 'docker-archive',
  repoTags: readonly string[] = [],
): Promise<ImageHandle> {
  if (!(await store.has('oci-layout'))) {
    throw new SekishoError('SOURCE_INVALID', 'not an OCI image layout: the oci-layout file is missing', { where: { image: store.description } });
  }
  const resolved = await resolveImage(store, reference.selector, options.platform);
  return {
    reference: reference.path,
    sourceType,
    manifestDigest: resolved.manifestDigest,
    configDigest: resolved.configDigest,
    platform: resolved.platform ?? configPlatform(resolved.config),
    repoTags: repoTags.length > 0 ? repoTags : resolved.refNames,
    config: resolved.config,
    layers: resolved.layers,
    close: () => store.close(),
  };
}
