import { purl } from '../lang-common/output.js';

/** `pkg:npm/%40scope/name@1.0.0`: the scope is the purl namespace (purl-spec, npm type). */
export function npmPurl(name: string, version: string, qualifiers?: Readonly<Record<string, string>>): string | null {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash > 1) return purl('npm', name.slice(0, slash), name.slice(slash + 1), version, qualifiers);
  }
  return purl('npm', null, name, version, qualifiers);
}

/** Split `name@spec` (`@scope/name@spec` aware). Returns null when there is no `@` after the name. */
export function splitNameAt(value: string): { name: string; spec: string } | null {
  const at = value.indexOf('@', value.startsWith('@') ? 1 : 0);
  if (at <= 0) return null;
  return { name: value.slice(0, at), spec: value.slice(at + 1) };
}

/** An npm alias spec `npm:real-name@version` → its parts. */
export function parseNpmAlias(spec: string): { name: string; version: string } | null {
  if (!spec.startsWith('npm:')) return null;
  const parts = splitNameAt(spec.slice(4));
  return parts && parts.spec !== '' ? { name: parts.name, version: parts.spec } : null;
}

/**
 * The package name in a registry tarball URL: `https://registry.yarnpkg.com/@scope/name/-/name-1.0.0.tgz`
 * → `@scope/name`. Null for git and other non-registry URLs.
 */
export function nameFromRegistryUrl(url: string): string | null {
  const marker = url.indexOf('/-/');
  if (marker === -1 || !/^https?:\/\//.test(url)) return null;
  const hostEnd = url.indexOf('/', url.indexOf('//') + 2);
  if (hostEnd === -1 || hostEnd >= marker) return null;
  const segments = url
    .slice(hostEnd + 1, marker)
    .split('/')
    .map((s) => decodeURIComponent(s));
  const last = segments.at(-1);
  if (!last) return null;
  const prev = segments.at(-2);
  return prev?.startsWith('@') ? `${prev}/${last}` : last;
}

/** Licenses from package.json / lockfile fields: `"MIT"`, `{type}`, `["MIT", {type}]`, legacy `licenses`. */
export function npmLicenses(license: unknown, licenses?: unknown): string[] {
  const out: string[] = [];
  const add = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const type = (value as Record<string, unknown>)['type'];
      if (typeof type === 'string') out.push(type);
    }
  };
  for (const value of [license, licenses]) {
    // Every entry: the manifest is bounded by size, and a cut list could hide a license from a policy.
    if (Array.isArray(value)) for (const item of value) add(item);
    else add(value);
  }
  return out;
}

/** `Name <email> (url)` or `{name, email, url}` → display text. */
export function personText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const parts = [record['name'], record['email'] ? `<${String(record['email'])}>` : null, record['url'] ? `(${String(record['url'])})` : null];
    const text = parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
    return text === '' ? null : text;
  }
  return null;
}

/** Names of the dependencies a manifest declares in one of its dependency maps. */
export function dependencyNames(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value);
}
