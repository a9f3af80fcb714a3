import { SekishoError } from '../errors.js';

/**
 * Normalize a tar entry name to an absolute path inside the image root. Leading `./` is
 * dropped; `.` segments vanish; `..` may step back only inside the root. A name that is
 * absolute, or whose `..` would leave the root, cannot come from a legitimate layer and aborts
 * the scan (LAYER_PATH_ESCAPE) — containerd refuses such entries too.
 */
/** Names that need no rewriting: no leading `/` or `./`, no `.`/`..`/empty segments, no NUL. */
const CLEAN = /^(?!\.{1,2}(?:\/|$))(?:[^/\0]+\/)*[^/\0]*$/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)|\/\//;

export function normalizeEntryPath(name: string, code: 'LAYER_PATH_ESCAPE' | 'LAYER_LINK_ESCAPE' = 'LAYER_PATH_ESCAPE'): string {
  // Fast path for the common case (most entries of real layers): already clean.
  if (name !== '' && CLEAN.test(name) && !DOT_SEGMENT.test(name)) return `/${name.endsWith('/') ? name.slice(0, -1) : name}`;
  if (name.startsWith('/')) {
    throw new SekishoError(code, `tar entry ${describeName(name)} is an absolute path`, { where: { path: name } });
  }
  const out: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) {
        throw new SekishoError(code, `tar entry ${describeName(name)} points outside the image root`, { where: { path: name } });
      }
      out.pop();
      continue;
    }
    if (segment.includes('\0')) {
      throw new SekishoError('LAYER_CORRUPT', 'tar entry name contains a NUL byte', { where: { path: name } });
    }
    out.push(segment);
  }
  return '/' + out.join('/');
}

function describeName(name: string): string {
  return JSON.stringify(name.length > 200 ? name.slice(0, 200) + '…' : name);
}

/** Parent directory of an absolute normalized path (`/` for top-level entries). */
export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** Base name of an absolute normalized path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
