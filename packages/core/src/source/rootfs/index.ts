import { stat } from 'node:fs/promises';
import { SekishoError } from '../../errors.js';
import type { ImageSource } from '../types.js';
import { walkDirectory } from './walk-directory.js';

/**
 * `dir:PATH`: an unpacked root file system, seen as a single layer. Nothing is followed: symlinks
 * are reported as links (resolved later inside the root), and only regular files are read, with
 * checks against the tree changing during the scan (walk-directory.ts, read-listed-file.ts).
 * What cannot be read becomes an unknown with the reason, so the report says it is incomplete.
 */
export const rootfsSource: ImageSource = {
  id: 'rootfs',
  async canOpen(reference) {
    try {
      return (await stat(reference.path)).isDirectory();
    } catch {
      return false;
    }
  },
  async open(reference, options) {
    const root = reference.path;
    let info;
    try {
      info = await stat(root);
    } catch (error) {
      throw new SekishoError('SOURCE_NOT_FOUND', `no such directory ${root}`, { where: { image: root }, cause: error });
    }
    if (!info.isDirectory()) throw new SekishoError('SOURCE_INVALID', `${root} is not a directory`, { where: { image: root } });
    return {
      reference: root,
      sourceType: 'rootfs',
      manifestDigest: null,
      configDigest: null,
      platform: null,
      repoTags: [],
      config: null,
      layers: [
        {
          index: 0,
          digest: null,
          diffId: null,
          mediaType: null,
          size: null,
          createdBy: null,
          walk: (visitor) => walkDirectory(root, visitor, { skip: options.skip ?? null }),
        },
      ],
      close: async () => {},
    };
  },
};
