import { TarBlobStore } from '../blob-store.js';
import { openOciStore } from '../oci-layout/index.js';
import type { ImageSource } from '../types.js';
import { isTarWith } from '../sniff.js';

/** `oci-archive:FILE[:TAG]`: a tar (optionally gzip/zstd) of an OCI image layout. */
export const ociArchiveSource: ImageSource = {
  id: 'oci-archive',
  async canOpen(reference) {
    return (await isTarWith(reference.path, 'oci-layout')) && !(await isTarWith(reference.path, 'manifest.json'));
  },
  async open(reference, options) {
    const store = await TarBlobStore.open(reference.path, options.tempDir, options.limits);
    return openOciStore(store, reference, options, 'oci-archive');
  },
};
