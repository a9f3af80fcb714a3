import { pathToFileURL } from 'node:url';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogers } from './registry.js';

const HERE = import.meta.dirname;
/** Folders that hold shared code, not catalogers. */
const NOT_PLUGINS = new Set(['lang-common', '__fixtures__']);

function isCataloger(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'id' in value && 'selector' in value && typeof (value as { parse?: unknown }).parse === 'function';
}

describe('cataloger registry', () => {
  it('registers every cataloger that a plugin folder exports, and every folder documents itself', async () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !NOT_PLUGINS.has(d.name))
      .map((d) => d.name);
    expect(folders.length).toBeGreaterThanOrEqual(12);
    const registered = new Set<unknown>(catalogers);
    for (const folder of folders) {
      expect(existsSync(join(HERE, folder, 'readme.md')), `${folder}/readme.md`).toBe(true);
      const exports = (await import(/* @vite-ignore */ pathToFileURL(join(HERE, folder, 'index.ts')).href)) as Record<string, unknown>;
      const exported = Object.entries(exports).filter(([, value]) => isCataloger(value));
      expect(exported.length, `${folder} exports no cataloger`).toBeGreaterThan(0);
      for (const [name, cataloger] of exported) expect(registered.has(cataloger), `${folder}: ${name} is not in registry.ts`).toBe(true);
    }
  });

  it('has unique ids, positive versions and a size cap on every cataloger', () => {
    const ids = catalogers.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of catalogers) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-cataloger$/);
      expect(c.version).toBeGreaterThan(0);
      expect(c.maxFileSize).toBeGreaterThan(0);
    }
  });
});
