import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReporter, reportFormats, reporterPlugins } from './registry.js';

const HERE = import.meta.dirname;

function isReporterPlugin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'id' in value && 'views' in value && typeof (value as { create?: unknown }).create === 'function';
}

describe('reporter registry', () => {
  it('registers the plugin of every format folder, and every registered plugin comes from a folder', async () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== '__fixtures__')
      .map((d) => d.name);
    expect(folders.length).toBeGreaterThanOrEqual(8);
    const registered = new Set<unknown>(reporterPlugins);
    const fromFolders = new Set<unknown>();
    for (const folder of folders) {
      const exports = (await import(/* @vite-ignore */ pathToFileURL(join(HERE, folder, 'index.ts')).href)) as Record<string, unknown>;
      const plugins = Object.entries(exports).filter(([, value]) => isReporterPlugin(value));
      expect(plugins.length, `${folder}/index.ts exports no ReporterPlugin`).toBe(1);
      for (const [name, plugin] of plugins) {
        expect(registered.has(plugin), `${folder}: ${name} is not in registry.ts`).toBe(true);
        expect((plugin as { id: string }).id, `${folder}: the folder is named after the format id`).toBe(folder);
        fromFolders.add(plugin);
      }
    }
    expect(reporterPlugins.filter((p) => !fromFolders.has(p)).map((p) => p.id)).toEqual([]);
  });

  it('has unique ids, and every format a view offers makes a reporter with that id', () => {
    const ids = reporterPlugins.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const view of ['inventory', 'scan'] as const) {
      for (const id of reportFormats(view)) {
        const reporter = createReporter(id, { view, template: '{{status}}' });
        expect(reporter?.id, `${view}/${id}`).toBe(id);
      }
    }
    expect(createReporter('junit', { view: 'inventory' })).toBeUndefined();
    expect(createReporter('template', { view: 'scan' })).toBeUndefined();
  });
});
