import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOciLayout } from '@sekisho/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as TiersModule from './optimizing-tiers.js';

type Tiers = typeof TiersModule;

// Deferring is once per process: every test takes a fresh copy of the module, and turns V8's
// compilers back on when it is done.
let tiers: Tiers | null = null;
async function fresh(): Promise<Tiers> {
  vi.resetModules();
  tiers = await import('./optimizing-tiers.js');
  return tiers;
}
afterEach(() => {
  tiers?.resumeOptimizingTiers();
  tiers = null;
});

const MiB = 1024 * 1024;

describe('optimizing tiers', () => {
  it('stay off for layers that inflate to less than the threshold, compressed ones counted thrice', async () => {
    const t = await fresh();
    t.deferOptimizingTiers();
    t.expectLayers([
      { size: 60 * MiB, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      { size: 10 * MiB, mediaType: null },
    ]);
    expect(t.optimizingTiersDeferred()).toBe(true);
    t.expectLayers([
      { size: 60 * MiB, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      { size: 20 * MiB, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
    ]);
    expect(t.optimizingTiersDeferred()).toBe(false);
  });

  it('come on for a layer of unknown size (a directory)', async () => {
    const t = await fresh();
    t.deferOptimizingTiers();
    t.expectLayers([
      { size: 1, mediaType: null },
      { size: null, mediaType: null },
    ]);
    expect(t.optimizingTiersDeferred()).toBe(false);
  });

  it('come on once the walk has seen enough entries, or a large file that is read', async () => {
    const t = await fresh();
    t.deferOptimizingTiers();
    const entries = Math.floor(t.OPTIMIZE_PAST_WORK / t.ENTRY_WORK);
    for (let i = 0; i < entries; i += 1) t.countEntry(1 << 30, false);
    expect(t.optimizingTiersDeferred()).toBe(true);
    t.countEntry(0, false);
    expect(t.optimizingTiersDeferred()).toBe(false);

    const u = await fresh();
    u.deferOptimizingTiers();
    u.countEntry(u.OPTIMIZE_PAST_WORK, true);
    expect(u.optimizingTiersDeferred()).toBe(false);
  });

  it('come on after the time limit whatever the work', async () => {
    const t = await fresh();
    t.deferOptimizingTiers(20);
    expect(t.optimizingTiersDeferred()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(t.optimizingTiersDeferred()).toBe(false);
  });

  it('are left alone where nobody deferred them', async () => {
    const t = await fresh();
    t.expectLayers([{ size: 1, mediaType: null }]);
    t.countEntry(0, false);
    expect(t.optimizingTiersDeferred()).toBe(false);
  });

  it('are off in V8 while deferred and on again once resumed', () => {
    // --trace-opt names each function V8 optimizes; the marks say which phase it was in.
    const moduleUrl = new URL('./optimizing-tiers.ts', import.meta.url).href;
    const script = `
      const t = await import(${JSON.stringify(moduleUrl)});
      function hot(bytes) { let sum = 0; for (let i = 0; i < bytes.length; i++) sum += bytes[i]; return sum; }
      const bytes = new Uint8Array(4096).fill(7);
      t.deferOptimizingTiers(60000);
      console.log('MARK deferred');
      for (let i = 0; i < 3000; i++) hot(bytes);
      console.log('MARK resumed');
      t.resumeOptimizingTiers();
      for (let i = 0; i < 3000; i++) hot(bytes);
      console.log('MARK end');`;
    const run = spawnSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [, deferred = '', resumed = ''] = run.stdout.split(/^MARK \w+$/m);
    expect(deferred).not.toMatch(/optimizing.*<JSFunction hot /);
    expect(resumed).toMatch(/completed optimizing.*<JSFunction hot /);
  });

  it('stay off through a scan of a small image, and come on for one that runs more than the inventory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sekisho-tiers-'));
    try {
      await writeOciLayout(join(dir, 'oci'), { layers: [{ compression: 'gzip', entries: [{ name: 'etc/hostname', content: 'box\n' }] }] });
      const t = await fresh();
      const { scanImage } = await import('../scan/scan-image.js');
      const { setupScanners } = await import('../scan/scanners.js');
      t.deferOptimizingTiers();
      await scanImage(`oci:${join(dir, 'oci')}`, { cacheDir: null });
      expect(t.optimizingTiersDeferred()).toBe(true);
      const scanners = await setupScanners(new Set(['secret'] as const));
      await scanImage(`oci:${join(dir, 'oci')}`, { cacheDir: null, analyzers: scanners.analyzers });
      expect(t.optimizingTiersDeferred()).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
