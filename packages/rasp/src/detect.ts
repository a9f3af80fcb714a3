import { isIP } from 'node:net';
import { isAbsolute, posix, relative, resolve } from 'node:path';
import type { RequestValue } from './context.js';

/** What a request value did at a sink: which value, and why it is an attack rather than data. */
export interface Detection {
  readonly value: RequestValue;
  readonly reason: string;
}

const SHELL_META = /[;&|`$<>\n\r]|\$\(/;
const CODE_SYNTAX = /[()`;={}[\]+]|\b(require|process|import|constructor)\b/;
const SQL_SYNTAX = /['"`;\\]|--|\/\*|#|\b(or|and|union|select|insert|update|delete|drop|sleep|benchmark|waitfor)\b\s/i;

/** The first request value (at least `min` characters) found inside `text` that `dangerous` accepts. */
export function findTainting(text: string, values: readonly RequestValue[], min: number, dangerous: (v: string) => boolean): RequestValue | null {
  for (const v of values) {
    if (v.value.length >= min && dangerous(v.value) && text.includes(v.value)) return v;
  }
  return null;
}

export function detectCommandInjection(command: string, values: readonly RequestValue[], min: number): Detection | null {
  const v = findTainting(command, values, min, (s) => SHELL_META.test(s));
  return v === null ? null : { value: v, reason: `request data with shell syntax reaches a shell command` };
}

export function detectCodeInjection(code: string, values: readonly RequestValue[], min: number): Detection | null {
  const v = findTainting(code, values, min, (s) => CODE_SYNTAX.test(s));
  return v === null ? null : { value: v, reason: 'request data with code syntax reaches dynamic code evaluation' };
}

export function detectSqlInjection(sql: string, values: readonly RequestValue[], min: number): Detection | null {
  const v = findTainting(sql, values, min, (s) => SQL_SYNTAX.test(s));
  return v === null ? null : { value: v, reason: 'request data with SQL syntax is part of the query text (not a bound parameter)' };
}

/**
 * Whether a file path carries a climbing or absolute request value, also after `path.join`/`resolve`
 * normalized it away: a value `../../etc/passwd` that climbs above where it starts is found as the
 * path's tail (`/etc/passwd`); an absolute value `/etc/passwd` only when the path is that file (or
 * below it), since `join(base, '/etc/passwd')` stays inside `base`.
 */
function carriesTraversal(path: string, value: string): boolean {
  const v = value.replace(/\\/g, '/');
  const target = posix.normalize(path.replace(/\\/g, '/'));
  if (v.startsWith('/') || /^[A-Za-z]:\//.test(v)) {
    const absolute = posix.normalize(v);
    return absolute !== '/' && (target === absolute || target.startsWith(`${absolute}/`));
  }
  const normalized = posix.normalize(v);
  if (!normalized.startsWith('../') && normalized !== '..') return false;
  if (path.includes(value)) return true;
  const tail = normalized.replace(/^(\.\.\/)+/, '').replace(/^\.\.$/, '');
  return tail !== '' && (target.endsWith(`/${tail}`) || target === tail);
}

/**
 * A file path built from request data that climbs with `..` or is absolute; with configured roots,
 * only when the resolved path also leaves every root.
 */
export function detectPathTraversal(path: string, values: readonly RequestValue[], min: number, roots: readonly string[]): Detection | null {
  const v = values.find((x) => x.value.length >= Math.min(min, 2) && carriesTraversal(path, x.value)) ?? null;
  if (v === null) return null;
  if (roots.length > 0) {
    const target = resolve(path);
    if (roots.some((root) => !relative(root, target).startsWith('..') && !isAbsolute(relative(root, target)))) return null;
  }
  return {
    value: v,
    reason: roots.length > 0 ? `request data leads a file path out of the allowed roots (${roots.join(', ')})` : 'request data with ../ or an absolute path reaches a file operation',
  };
}

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

function ipv4Parts(host: string): number[] | null {
  if (isIP(host) !== 4) return null;
  return host.split('.').map(Number);
}

/** The IPv4 address of an IPv4-mapped IPv6 address in hex form (`::ffff:a9fe:a9fe`, as the URL parser writes it). */
function mappedHex(rest: string): number[] | null {
  const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (m === null) return null;
  const hi = parseInt(m[1] ?? '0', 16);
  const lo = parseInt(m[2] ?? '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255];
}

/** `link-local`/`metadata` are never a legitimate target of request data; `private` is, where the configuration allows it. */
export function classifyHost(hostname: string): 'metadata' | 'link-local' | 'private' | 'public' {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (METADATA_HOSTS.has(host) || host === '169.254.169.254' || host === 'fd00:ec2::254' || host === '100.100.100.200') return 'metadata';
  const v4 = ipv4Parts(host) ?? (host.startsWith('::ffff:') ? (ipv4Parts(host.slice(7)) ?? mappedHex(host.slice(7))) : null);
  if (v4 !== null) {
    const [a = 0, b = 0] = v4;
    if (a === 169 && b === 254) return 'link-local';
    if (a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    return 'public';
  }
  if (isIP(host) === 6) {
    if (/^fe[89ab]/.test(host)) return 'link-local';
    if (host === '::1' || host === '::' || /^f[cd]/.test(host)) return 'private';
    return 'public';
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return 'private';
  return 'public';
}

/** The host a request value names, when it is a URL or a bare host (normalized as the URL parser does: `2852039166` is 169.254.169.254). */
function hostOf(value: string): string | null {
  for (const candidate of [value, `http://${value}`]) {
    try {
      const url = new URL(candidate);
      if (url.hostname !== '') return url.hostname.toLowerCase();
    } catch {
      // not a URL
    }
  }
  return null;
}

/**
 * An outbound request to metadata, link-local or (unless allowed) private addresses whose host the
 * client chose: a request value names that host (in any spelling the URL parser normalizes).
 * Requests the application makes on its own (an SDK fetching credentials) are not request data.
 */
export function detectSsrf(url: URL, values: readonly RequestValue[], min: number, allowPrivate: boolean): Detection | null {
  const kind = classifyHost(url.hostname);
  if (kind === 'public' || (kind === 'private' && allowPrivate)) return null;
  const host = url.hostname.toLowerCase();
  const v = values.find((x) => x.value.length >= min && (x.value.toLowerCase().includes(host) || decodeSafe(x.value).toLowerCase().includes(host) || hostOf(x.value.trim()) === host)) ?? null;
  return v === null
    ? null
    : {
        value: v,
        reason: `request data sends an outbound request to a ${kind === 'metadata' ? 'cloud metadata endpoint' : kind === 'link-local' ? 'link-local address' : 'private address'} (${url.hostname})`,
      };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A parsed JSON body that sets `__proto__`, or `constructor.prototype`, on some object. */
export function pollutingKey(value: unknown, depth = 0): string | null {
  if (depth > 32 || typeof value !== 'object' || value === null) return null;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return '__proto__';
    const child = (value as Record<string, unknown>)[key];
    if (key === 'constructor' && typeof child === 'object' && child !== null && Object.prototype.hasOwnProperty.call(child, 'prototype')) return 'constructor.prototype';
    const found = pollutingKey(child, depth + 1);
    if (found !== null) return `${key}.${found}`;
  }
  return null;
}
