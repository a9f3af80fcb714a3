import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScanners, SCANNERS } from '../scan/scanners.js';
import { analyzerPlugins, baseAnalyzerPlugins } from './registry.js';

const HERE = import.meta.dirname;

function isAnalyzerPlugin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'scanner' in value && typeof (value as { setup?: unknown }).setup === 'function';
}

describe('analyzer registry', () => {
  it('registers the plugin of every analyzer folder, and every folder documents itself', async () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.length).toBeGreaterThanOrEqual(4);
    const registered = new Set<unknown>(analyzerPlugins);
    const fromFolders = new Set<unknown>();
    for (const folder of folders) {
      expect(existsSync(join(HERE, folder, 'readme.md')), `${folder}/readme.md`).toBe(true);
      const exports = (await import(/* @vite-ignore */ pathToFileURL(join(HERE, folder, 'index.ts')).href)) as Record<string, unknown>;
      const plugins = Object.entries(exports).filter(([, value]) => isAnalyzerPlugin(value));
      expect(plugins.length, `${folder}/index.ts exports no AnalyzerPlugin`).toBe(1);
      for (const [name, plugin] of plugins) {
        expect(registered.has(plugin), `${folder}: ${name} is not in registry.ts`).toBe(true);
        fromFolders.add(plugin);
      }
    }
    expect(analyzerPlugins.filter((p) => !fromFolders.has(p)).map((p) => p.scanner)).toEqual([]);
  });

  it('gives every switchable analyzer a unique --scanners name that parseScanners accepts', () => {
    const names = analyzerPlugins.flatMap((p) => (p.scanner === null ? [] : [p.scanner]));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(SCANNERS).toContain(name);
      expect([...parseScanners(name)]).toEqual([name]);
    }
    expect(() => parseScanners('no-such-analyzer')).toThrow(/unknown scanner no-such-analyzer/);
  });

  it('always-on analyzers only stream layers (scanImage runs nothing else of theirs)', async () => {
    for (const plugin of baseAnalyzerPlugins) {
      const setup = await plugin.setup({});
      expect(setup.analyzers?.length).toBeGreaterThan(0);
      expect(setup.configAnalyzers ?? []).toEqual([]);
      expect(setup.postScan ?? []).toEqual([]);
      expect(setup.analyzerOptions ?? {}).toEqual({});
    }
  });
});
