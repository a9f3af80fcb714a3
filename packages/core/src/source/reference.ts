import type { ParsedReference } from './types.js';

const SCHEMES = ['oci', 'oci-archive', 'docker-archive', 'dir', 'zip'] as const;

/**
 * `scheme:PATH[:SELECTOR]` or a plain path. The selector (tag, `repo:tag` or `@digest`) follows
 * the path; a colon inside a path segment is not a selector when the whole string names a file.
 */
export function parseReference(text: string, exists: (path: string) => boolean): ParsedReference {
  let scheme: ParsedReference['scheme'] = 'auto';
  let rest = text;
  for (const candidate of SCHEMES) {
    if (text.startsWith(`${candidate}:`)) {
      scheme = candidate;
      rest = text.slice(candidate.length + 1);
      break;
    }
  }
  if (scheme === 'dir' || scheme === 'zip' || exists(rest)) return { scheme, path: rest, selector: null };
  const at = rest.indexOf('@');
  if (at > 0 && exists(rest.slice(0, at))) return { scheme, path: rest.slice(0, at), selector: rest.slice(at + 1) };
  // The selector starts at the first colon after which the prefix names an existing path.
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    if (exists(rest.slice(0, i))) return { scheme, path: rest.slice(0, i), selector: rest.slice(i + 1) };
  }
  // Nothing exists: with an explicit scheme, `DIR:TAG` or `FILE@DIGEST` still names DIR or FILE,
  // so the error says which path is missing (not `DIR:TAG`).
  if (scheme !== 'auto') {
    const cut = [rest.indexOf(':'), rest.indexOf('@')].filter((i) => i > 0).sort((a, b) => a - b)[0];
    if (cut !== undefined && !rest.slice(cut + 1).startsWith('/')) return { scheme, path: rest.slice(0, cut), selector: rest.slice(cut + 1) };
  }
  return { scheme, path: rest, selector: null };
}
