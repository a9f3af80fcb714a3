import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildFingerprint } from './build-fingerprint.js';

const DIST = join(import.meta.dirname, '..', 'dist');

describe('the build fingerprint in cache keys', () => {
  it('run from sources: one value per process', () => {
    expect(buildFingerprint()).toMatch(/^unbuilt-/);
    expect(buildFingerprint()).toBe(buildFingerprint());
  });

  it('another build gives other layer keys for the same content, plugins and options', async () => {
    const keyWith = async (fingerprint: string): Promise<string> => {
      vi.resetModules();
      vi.doMock('./build-fingerprint.js', () => ({ buildFingerprint: () => fingerprint }));
      const { layerCacheKey: key } = await import('./scan/layer-cache.js');
      return key(`sha256:${'a'.repeat(64)}`, [{ id: 'x', version: 1 }], {});
    };
    try {
      const a = await keyWith('a'.repeat(64));
      expect(await keyWith('a'.repeat(64))).toBe(a);
      expect(await keyWith('b'.repeat(64))).not.toBe(a);
    } finally {
      vi.doUnmock('./build-fingerprint.js');
      vi.resetModules();
    }
  });

  it.skipIf(!existsSync(join(DIST, 'build-fingerprint.js')))('the build writes the hash of its code, and the built module reads it', async () => {
    const stored = JSON.parse(readFileSync(join(DIST, 'build-fingerprint.json'), 'utf8')) as { fingerprint: string; files: number };
    expect(stored.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.files).toBeGreaterThan(100);
    const built = (await import(join(DIST, 'build-fingerprint.js'))) as { buildFingerprint: () => string };
    expect(built.buildFingerprint()).toBe(stored.fingerprint);
  });
});
