/**
 * A hash of core's built code, written beside it by the build (scripts/copy-assets.mjs). Cache keys
 * carry it, so a layer or image result computed by other code is never read back — plugin and
 * schema versions alone depend on every change remembering to bump them. Run from sources (tests),
 * there is no file: each process gets a value of its own, so caches are still used within it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

let fingerprint: string | undefined;

export function buildFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  try {
    const stored = (JSON.parse(readFileSync(new URL('./build-fingerprint.json', import.meta.url), 'utf8')) as { fingerprint?: unknown }).fingerprint;
    if (typeof stored === 'string' && /^[0-9a-f]{64}$/.test(stored)) return (fingerprint = stored);
  } catch {
    // not built: below
  }
  return (fingerprint = `unbuilt-${randomUUID()}`);
}
