import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { getVersionScheme, versionSchemes } from './registry.js';
import { VERSION_SCHEME_IDS } from './types.js';
import type { VersionScheme } from './types.js';

const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** A folder's entry module (its index.ts, which the source condition resolves to). */
async function loadFolder(folder: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path.join(import.meta.dirname, folder, 'index.ts')).href;
  return (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
}

function isScheme(value: unknown): value is VersionScheme {
  return typeof value === 'object' && value !== null && 'id' in value && 'compare' in value && 'isValid' in value;
}

describe('version scheme registry (contract)', () => {
  it('registers every id exactly once', () => {
    const ids = versionSchemes.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...VERSION_SCHEME_IDS].sort());
  });

  it.each(folders)('folder %s has a readme and only registered schemes', async (folder) => {
    expect(existsSync(path.join(import.meta.dirname, folder, 'readme.md'))).toBe(true);
    const mod = await loadFolder(folder);
    const exported = Object.values(mod).filter(isScheme);
    expect(exported.length).toBeGreaterThan(0);
    for (const scheme of exported) expect(versionSchemes).toContain(scheme);
  });

  it('every registered scheme comes from a folder', async () => {
    const fromFolders = new Set<unknown>();
    for (const folder of folders) {
      const mod = await loadFolder(folder);
      for (const value of Object.values(mod)) if (isScheme(value)) fromFolders.add(value);
    }
    for (const scheme of versionSchemes) expect(fromFolders.has(scheme), scheme.id).toBe(true);
  });

  it('declares a version and a reference for every scheme', () => {
    for (const scheme of versionSchemes) {
      expect(Number.isInteger(scheme.version) && scheme.version > 0, scheme.id).toBe(true);
      expect(scheme.reference.length, scheme.id).toBeGreaterThan(10);
      expect(typeof scheme.satisfies === typeof scheme.isValidConstraint, scheme.id).toBe(true);
    }
  });

  it('looks schemes up by id and refuses unknown ids with USAGE_INVALID', () => {
    expect(getVersionScheme('deb').id).toBe('deb');
    let caught: unknown;
    try {
      getVersionScheme('no-such-scheme');
    } catch (error) {
      caught = error;
    }
    expect(isSekishoError(caught) && caught.code).toBe('USAGE_INVALID');
  });
});
