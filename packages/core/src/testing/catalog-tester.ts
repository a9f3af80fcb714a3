import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { compileSelector } from '../util/file-selector.js';
import { mergeOutputs } from '../catalogers/types.js';
import type { CatalogContext, CatalogFile, CatalogOutput, Cataloger } from '../catalogers/types.js';

export const TEST_CATALOG_CONTEXT: CatalogContext = {
  limits: { maxNestedDepth: 4, maxExpandedBytes: 512 * 1024 * 1024 },
};

/** Files of `dir` as image paths (`/` + path relative to dir); symlinks are not followed. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(full);
    }
  }
  await walk(dir);
  return out.sort();
}

export interface CatalogDirectoryResult extends CatalogOutput {
  /** Image paths the cataloger selected (what it asked to read). */
  readonly selectedPaths: readonly string[];
}

/**
 * Run one cataloger over a fixture directory the way the layer walker would over one layer:
 * select by the cataloger's selector, skip files over its size cap, parse each, then `finish`.
 */
export async function catalogDirectory(cataloger: Cataloger, dir: string, ctx: CatalogContext = TEST_CATALOG_CONTEXT): Promise<CatalogDirectoryResult> {
  const selects = compileSelector(cataloger.selector);
  const outputs: CatalogOutput[] = [];
  const selectedPaths: string[] = [];
  for (const full of await listFiles(dir)) {
    const path = '/' + relative(dir, full).split(sep).join(posix.sep);
    if (!selects(path)) continue;
    selectedPaths.push(path);
    const info = await lstat(full);
    if (cataloger.readsContent?.(path) === false) {
      outputs.push(await cataloger.parse({ path, content: Buffer.alloc(0), mode: info.mode & 0o7777, layerIndex: 0 }, ctx));
      continue;
    }
    if (info.size > cataloger.maxFileSize && cataloger.readsPrefix !== undefined) {
      const content = (await readFile(full)).subarray(0, cataloger.readsPrefix);
      outputs.push(await cataloger.parse({ path, content, mode: info.mode & 0o7777, layerIndex: 0, size: info.size }, ctx));
      continue;
    }
    if (info.size > cataloger.maxFileSize) {
      outputs.push({ packages: [], relationships: [], ownership: [], unknowns: [{ path, reason: `file larger than ${cataloger.maxFileSize} bytes` }] });
      continue;
    }
    const file: CatalogFile = { path, content: await readFile(full), mode: info.mode & 0o7777, layerIndex: 0 };
    outputs.push(await cataloger.parse(file, ctx));
  }
  const joined = cataloger.finish ? cataloger.finish(outputs, ctx) : mergeOutputs(outputs);
  return { ...joined, selectedPaths };
}

/** Run one cataloger's `parse` on a single in-memory file (for parser unit tests). */
export async function catalogFile(cataloger: Cataloger, path: string, content: string | Buffer, ctx: CatalogContext = TEST_CATALOG_CONTEXT): Promise<CatalogOutput> {
  const file: CatalogFile = { path, content: typeof content === 'string' ? Buffer.from(content) : content, mode: 0o644, layerIndex: 0 };
  const out = await cataloger.parse(file, ctx);
  return cataloger.finish ? cataloger.finish([out], ctx) : out;
}
