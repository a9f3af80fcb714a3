import { createRequire } from 'node:module';
import { detectSsrf } from '../detect.js';
import type { Guard } from '../guard.js';

const require = createRequire(import.meta.url);

type Fn = (...args: unknown[]) => unknown;

/** The URL an `http.request`/`get` call targets: a URL or string, or options with host/hostname/port/path. */
function targetOf(args: readonly unknown[], protocol: string): URL | null {
  const first = args[0];
  try {
    if (typeof first === 'string') return new URL(first);
    if (first instanceof URL) return first;
    if (first !== null && typeof first === 'object') {
      const o = first as { hostname?: unknown; host?: unknown; port?: unknown; path?: unknown };
      // The host is what SSRF is about: a port Node takes as the default (null) or would refuse leaves it out, never the check.
      const port = typeof o.port === 'number' || (typeof o.port === 'string' && o.port !== '') ? `:${o.port}` : '';
      const host = typeof o.hostname === 'string' ? o.hostname : typeof o.host === 'string' ? o.host : 'localhost';
      const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      return new URL(`${protocol}//${bracketed}${port}${typeof o.path === 'string' ? o.path : '/'}`);
    }
  } catch {
    return null;
  }
  return null;
}

export function hookOutboundHttp(guard: Guard): void {
  for (const [moduleName, protocol] of [
    ['node:http', 'http:'],
    ['node:https', 'https:'],
  ] as const) {
    const mod = require(moduleName) as Record<string, Fn>;
    for (const name of ['request', 'get']) {
      const original = mod[name];
      if (typeof original !== 'function') continue;
      mod[name] = function (this: unknown, ...args: unknown[]) {
        const context = guard.current();
        if (context !== null) {
          const url = targetOf(args, protocol);
          if (url !== null) guard.decide('ssrf', `${moduleName.slice(5)}.${name}`, context, detectSsrf(url, guard.values(context), guard.config.minValueLength, guard.config.allowPrivateNetworks));
        }
        return guard.nested(() => original.apply(this, args));
      };
    }
  }
  const originalFetch = globalThis.fetch;
  if (typeof originalFetch === 'function') {
    globalThis.fetch = function (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) {
      const context = guard.current();
      if (context !== null) {
        let url: URL | null;
        try {
          url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
        } catch {
          url = null;
        }
        if (url !== null) guard.decide('ssrf', 'fetch', context, detectSsrf(url, guard.values(context), guard.config.minValueLength, guard.config.allowPrivateNetworks));
      }
      return guard.nested(() => originalFetch(input, init));
    };
  }
}
