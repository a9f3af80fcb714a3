import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, imageRegistryHandler, noiseBytes, writeDockerArchive, writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../scan/scan-image.js';
import { RING_BUFFER_BYTES, idleRingCount, takeRing, withReadRings } from './read-rings.js';
import { fakeServer } from './registry/test-registry.js';

/** Take every idle ring, so that a test starts from none. */
function drain(): void {
  while (idleRingCount() > 0) takeRing(RING_BUFFER_BYTES);
}

describe('read rings', () => {
  it('a ring taken by work that returned serves the next read; one of work that failed does not', async () => {
    drain();
    const kept = await withReadRings(() => Promise.resolve(takeRing(RING_BUFFER_BYTES)));
    expect(idleRingCount()).toBe(1);
    expect(takeRing(RING_BUFFER_BYTES)).toBe(kept);
    await expect(
      withReadRings(() => {
        takeRing(RING_BUFFER_BYTES);
        return Promise.reject(new Error('the walk failed'));
      }),
    ).rejects.toThrow('the walk failed');
    expect(idleRingCount()).toBe(0);
  });

  it('keeps no ring taken outside such work, none of another size, and at most three', async () => {
    drain();
    takeRing(RING_BUFFER_BYTES);
    await withReadRings(() => Promise.resolve(takeRing(4096)));
    expect(idleRingCount()).toBe(0);
    // Rings of five layers read side by side, each in work of its own.
    await Promise.all([1, 2, 3, 4, 5].map(() => withReadRings(() => Promise.resolve(takeRing(RING_BUFFER_BYTES)))));
    expect(idleRingCount()).toBe(3);
    drain();
  });
});

describe('layers read through rings given back by the layers before them', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-rings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Six layers of 3-4 MB (several full chunks each), gzip and uncompressed, each with a package of
  // its own: a ring handed on too early would mix one layer's bytes into another's, and the digests
  // or the packages would show it.
  const spec: ImageSpec = {
    layers: Array.from({ length: 6 }, (_, k) => ({
      compression: k % 2 === 0 ? ('gzip' as const) : ('none' as const),
      entries: [
        { name: `data/layer${k}.bin`, content: noiseBytes(3_000_000 + k * 150_000, k + 7) },
        { name: `app/node_modules/pkg${k}/package.json`, content: JSON.stringify({ name: `pkg${k}`, version: `1.0.${k}` }) },
        ...(k === 0 ? [{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }] : []),
      ],
    })),
  };

  it('give every layer its own bytes, scan after scan, from a layout and from an archive', async () => {
    await writeOciLayout(join(dir, 'layout'), spec, { tag: 'v1' });
    await writeDockerArchive(join(dir, 'image.tar'), spec);
    const expected = Array.from({ length: 6 }, (_, k) => `pkg:npm/pkg${k}@1.0.${k}`);
    const expectedDiffIds = buildImage(spec).layers.map((l) => l.diffId);
    for (const target of [`oci:${join(dir, 'layout')}:v1`, `docker-archive:${join(dir, 'image.tar')}`, `oci:${join(dir, 'layout')}:v1`]) {
      const { report } = await scanImage(target, { cacheDir: null });
      expect(report.packages.map((p) => p.purl).sort(), target).toEqual(expected);
      expect(
        report.image?.layers.map((l) => l.diffId),
        target,
      ).toEqual(expectedDiffIds);
    }
    expect(idleRingCount()).toBeGreaterThan(0);
  }, 60_000);

  it('and from a registry, whose blobs are gathered into two buffers of a ring', async () => {
    const image = buildImage(spec);
    const fake = await fakeServer();
    fake.handle = imageRegistryHandler(image);
    try {
      const registry = { insecureRegistries: [fake.host], dockerConfig: null, env: {} };
      for (let pass = 0; pass < 2; pass++) {
        const { report } = await scanImage(`${fake.host}/app:1`, { cacheDir: null, registry });
        expect(report.packages.map((p) => p.purl).sort()).toEqual(Array.from({ length: 6 }, (_, k) => `pkg:npm/pkg${k}@1.0.${k}`));
        expect(report.image?.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
      }
    } finally {
      await fake.close();
    }
  }, 60_000);
});
