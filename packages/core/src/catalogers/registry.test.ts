import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogers } from './registry.js';

const HERE = import.meta.dirname;
/** Folders that hold shared code, not catalogers. */
const NOT_PLUGINS = new Set(['lang-common', '__fixtures__']);

describe('cataloger registry', () => {
  it('registers every cataloger folder, and every folder documents itself', () => {
    const folders = readdirSync(HERE, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !NOT_PLUGINS.has(d.name))
      .map((d) => d.name);
    const registeredFolders = new Set<string>();
    for (const folder of folders) {
      expect(existsSync(join(HERE, folder, 'readme.md')), `${folder}/readme.md`).toBe(true);
      registeredFolders.add(folder);
    }
    expect(folders.length).toBeGreaterThanOrEqual(12);
    expect(registeredFolders.size).toBe(folders.length);
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
