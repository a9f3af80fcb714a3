import type { PackageURL } from 'packageurl-js';
import { parsePackageUrl } from '../util/package-url.js';
import { normalizePypiName } from '../matchers/namespace.js';

const MAX_PURL = 2048;

export function parsePurl(text: string): PackageURL | null {
  if (!text.startsWith('pkg:') || text.length > MAX_PURL) return null;
  try {
    return parsePackageUrl(text);
  } catch {
    return null;
  }
}

function nameKey(p: PackageURL): string {
  const name = p.type === 'pypi' ? normalizePypiName(p.name) : p.name;
  const ns = p.namespace ?? '';
  // purl-spec: type, and for most types namespace and name, are case-insensitive; Go module paths and Maven coordinates are not.
  const caseSensitive = p.type === 'golang' || p.type === 'maven';
  return caseSensitive ? `${p.type}/${ns}/${name}` : `${p.type}/${ns}/${name}`.toLowerCase();
}

/**
 * Whether a purl given as a scope (VEX product, exception, baseline) names the package purl:
 * type, namespace and name must agree; a version in the scope must equal the package's; qualifiers
 * in the scope (arch, distro…) must be equal when the package states them too.
 */
export function purlMatches(scope: string, packagePurl: string): boolean {
  const a = parsePurl(scope);
  const b = parsePurl(packagePurl);
  if (a === null || b === null) return false;
  if (nameKey(a) !== nameKey(b)) return false;
  if (a.version !== undefined && a.version !== '' && a.version !== b.version) return false;
  const qa = a.qualifiers ?? {};
  const qb = b.qualifiers ?? {};
  for (const [k, v] of Object.entries(qa)) {
    const other = (qb as Record<string, string | undefined>)[k];
    if (other !== undefined && other !== v) return false;
  }
  return true;
}

/** type/namespace/name of a purl, without version and qualifiers: identity of a package across upgrades. */
export function purlIdentity(text: string): string | null {
  const p = parsePurl(text);
  return p === null ? null : nameKey(p);
}
