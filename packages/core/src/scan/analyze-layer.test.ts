import { describe, expect, it } from 'vitest';
import type { LayerAnalyzer } from '../layers/layer-analyzer.js';
import { setidChecks, worldWritableChecks } from '../analyzers/hardening/image/file-checks.js';
import type { EntryHeader } from '../layers/entry.js';
import type { LayerRef } from '../source/types.js';
import { analyzeLayer } from './analyze-layer.js';
import { applyLayers } from '../overlay/apply-layers.js';
import { DEFAULT_LIMITS } from './scan-image.js';

const header = (path: string, kind: EntryHeader['kind'], mode: number, linkTarget: string | null = null): EntryHeader => ({ path, kind, mode, uid: 0, gid: 0, size: 0, linkTarget, mtime: 0 });

/** A layer fed straight from a list of headers (a directory source's `walk`), no tar needed. */
function layerOf(headers: () => Iterable<EntryHeader>): LayerRef {
  return {
    index: 0,
    digest: null,
    diffId: null,
    mediaType: null,
    size: null,
    createdBy: null,
    async walk(visitor) {
      let entries = 0;
      for (const h of headers()) {
        visitor.bodyBytes(h);
        await visitor.entry(h, null, false);
        entries += 1;
      }
      return { entries, bytes: 0 };
    },
  };
}

const analyze = async (layer: LayerRef) =>
  (await analyzeLayer(layer, { catalogers: [], analyzers: [] }, DEFAULT_LIMITS, { limits: { maxNestedDepth: 4, maxExpandedBytes: 1024 } }, 'test-image')).result;

describe('analyzeLayer limits', () => {
  it('padding with world-writable directories never hides a setuid-root binary; the overflow becomes an unknown', async () => {
    const result = await analyze(
      layerOf(function* () {
        for (let i = 0; i < 100_005; i++) yield header(`/pad/d${i}`, 'dir', 0o777);
        yield header('/usr/local/bin/evil', 'file', 0o4755);
      }),
    );
    const merged = applyLayers([result]);
    expect(setidChecks(merged).map((h) => h.path)).toContain('/usr/local/bin/evil');
    expect(worldWritableChecks(merged).length).toBeGreaterThan(0);
    expect(result.unknowns).toEqual([expect.objectContaining({ reason: expect.stringMatching(/5 world-writable entries past the limit of 100000/) })]);
  });

  it('symlinks past the limit become an unknown naming the count', async () => {
    const result = await analyze(
      layerOf(function* () {
        for (let i = 0; i < 500_002; i++) yield header(`/l/s${i}`, 'symlink', 0o777, 'target');
      }),
    );
    expect(result.symlinks).toHaveLength(500_000);
    expect(result.unknowns).toEqual([expect.objectContaining({ reason: expect.stringMatching(/2 symlinks past the limit of 500000/) })]);
  });

  it('unknowns an analyzer returns become layer unknowns, with the analyzer as foundBy', async () => {
    const analyzer: LayerAnalyzer = {
      id: 'test-analyzer',
      version: 1,
      maxBodySize: 0,
      selects: (entry) => entry.path === '/etc/x',
      wantsBody: () => false,
      analyze: (entry) => ({ findings: [], facts: [], unknowns: [{ path: entry.path, reason: 'could not read all of it' }] }),
    };
    const { result } = await analyzeLayer(
      layerOf(() => [header('/etc/x', 'file', 0o644)]),
      { catalogers: [], analyzers: [analyzer] },
      DEFAULT_LIMITS,
      { limits: { maxNestedDepth: 4, maxExpandedBytes: 1024 } },
      'test-image',
    );
    expect(result.unknowns).toEqual([{ path: '/etc/x', foundBy: 'test-analyzer', reason: 'could not read all of it' }]);
  });
});
