import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFingerprint } from './build-fingerprint.js';
import { layerCacheKey } from './scan/layer-cache.js';

const DIST = join(import.meta.dirname, '..', 'dist');

describe('the build fingerprint in cache keys', () => {
  it('run from sources: one value per process, and it is part of the layer key', () => {
    expect(buildFingerprint()).toMatch(/^unbuilt-/);
    expect(buildFingerprint()).toBe(buildFingerprint());
    const key = layerCacheKey('sha256:' + 'a'.repeat(64), [{ id: 'x', version: 1 }], {});
    expect(key).toBe(layerCacheKey('sha256:' + 'a'.repeat(64), [{ id: 'x', version: 1 }], {}));
  });

  it.skipIf(!existsSync(join(DIST, 'build-fingerprint.js')))('the build writes the hash of its code, and the built module reads it', async () => {
    const stored = JSON.parse(readFileSync(join(DIST, 'build-fingerprint.json'), 'utf8')) as { fingerprint: string; files: number };
    expect(stored.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.files).toBeGreaterThan(100);
    const built = (await import(join(DIST, 'build-fingerprint.js'))) as { buildFingerprint: () => string };
    expect(built.buildFingerprint()).toBe(stored.fingerprint);
  });
});
