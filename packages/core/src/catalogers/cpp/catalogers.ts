import { basename, guarded, MiB } from '../lang-common/output.js';
import type { CatalogFile, Cataloger } from '../types.js';
import { parseConanLock } from './conan-lock.js';
import { parseConanfile } from './conanfile.js';
import { parseConaninfo } from './conaninfo.js';

/** Syft's `conan-cataloger`: a project's `conanfile.txt` and `conan.lock`. */
export const conanCataloger: Cataloger = {
  id: 'conan-cataloger',
  version: 1,
  packageTypes: ['conan'],
  selector: { basenames: ['conan.lock', 'conanfile.txt'] },
  maxFileSize: 16 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => (basename(file.path) === 'conan.lock' ? parseConanLock(file.path, file.content) : parseConanfile(file.path, file.content))),
};

/** Syft's `conan-info-cataloger`: `conaninfo.txt` of packages in the Conan cache. */
export const conanInfoCataloger: Cataloger = {
  id: 'conan-info-cataloger',
  version: 1,
  packageTypes: ['conan'],
  selector: { basenames: ['conaninfo.txt'] },
  maxFileSize: 4 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseConaninfo(file.path, file.content)),
};
