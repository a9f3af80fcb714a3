import { TEST_CATALOG_CONTEXT } from '../../testing/catalog-tester.js';
import { compileSelector } from '../../util/file-selector.js';
import { mergeOutputs } from '../types.js';
import type { CatalogedPackage, CatalogOutput, Cataloger } from '../types.js';

/** Run a cataloger over in-memory files of one layer (selector applied, then `finish`). */
export async function catalogFiles(cataloger: Cataloger, files: Readonly<Record<string, string>>): Promise<CatalogOutput> {
  const selects = compileSelector(cataloger.selector);
  const outputs: CatalogOutput[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (!selects(path)) continue;
    outputs.push(await cataloger.parse({ path, content: Buffer.from(text), mode: 0o644, layerIndex: 0 }, TEST_CATALOG_CONTEXT));
  }
  return cataloger.finish ? cataloger.finish(outputs, TEST_CATALOG_CONTEXT) : mergeOutputs(outputs);
}

/** `name@version` of each package, sorted. */
/** The packages a default scan reports (dev-only ones are dropped there), as `name@version`, sorted. */
export function ids(out: CatalogOutput): string[] {
  return out.packages
    .filter((p) => p.dev !== true)
    .map((p) => `${p.name}@${p.version}`)
    .sort();
}

/** The packages marked as needed only for development, as `name@version`, sorted. */
export function devIds(out: CatalogOutput): string[] {
  return out.packages
    .filter((p) => p.dev === true)
    .map((p) => `${p.name}@${p.version}`)
    .sort();
}

/** Relationships as `from-name -> to-name`, sorted. */
export function edges(out: CatalogOutput): string[] {
  const byRef = new Map<string, CatalogedPackage>(out.packages.map((p) => [p.ref, p]));
  return out.relationships.map((r) => `${byRef.get(r.fromRef)?.name ?? r.fromRef} -> ${byRef.get(r.toRef)?.name ?? r.toRef}`).sort();
}
