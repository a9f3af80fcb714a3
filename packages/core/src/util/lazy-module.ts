import { createRequire } from 'node:module';

const requireFromCore = createRequire(import.meta.url);

/**
 * A third-party package loaded on its first use rather than with the core: `import` would load
 * sigstore, node-forge, CycloneDX… on the start-up of every command, though most never call
 * them. Loading is synchronous (`require`, and Node's require(esm) for ESM-only packages), so
 * sync APIs stay sync. Only for packages in node_modules: the core's own modules are imported.
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromCore(specifier) as T);
}
