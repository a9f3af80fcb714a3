import type { FileSelector } from '../../util/file-selector.js';

/**
 * Where compiled executables live in images. Selectors are path-based (the walker decides before
 * reading), so executables are chosen by place, then confirmed by magic number in `parse`:
 * the usual bin directories in full, and extension-less files under application roots
 * (`/app`, `/opt`, `/srv`, the image root itself, ko's `/ko-app`), which keeps large
 * `node_modules` or Python trees under `/app` out of the buffer.
 * A mode-aware selector (exec bits) would be tighter; see the readme.
 */
export const EXECUTABLE_SELECTOR: FileSelector = {
  globs: [
    '/{bin,sbin}/**',
    '/usr/{bin,sbin,libexec}/**',
    '/usr/local/{bin,sbin,libexec}/**',
    '/usr/lib/go{,-*}/bin/**',
    '/usr/local/go/bin/**',
    '/go/bin/**',
    '/root/go/bin/**',
    '/home/*/go/bin/**',
    '/home/*/.cargo/bin/**',
    '/root/.cargo/bin/**',
    '/usr/local/cargo/bin/**',
    '/ko-app/**',
    '/!(*.*)',
    '/{app,opt,srv,workspace,usr/share}/**/bin/**',
    '/{app,opt,srv,workspace}/**/!(*.*)',
    '/**/*.exe',
  ],
};
