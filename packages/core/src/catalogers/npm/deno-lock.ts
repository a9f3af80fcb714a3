import { asRecord, isRecord, parseJson } from '../lang-common/parse.js';
import { dedupePackages, EntryBudget, languagePackage, output, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogOutput } from '../types.js';
import { npmPurl, splitNameAt } from './npm-names.js';

const MAX_ENTRIES = 200_000;

function denoPackage(path: string, name: string, version: string, registry: string | null, integrity: string | null): CatalogedPackage {
  return languagePackage({
    ref: `${path}#${registry ?? 'npm'}:${name}@${version}`,
    name,
    version,
    type: 'npm',
    purl: npmPurl(name, version, registry ? { repository_url: registry } : undefined),
    evidence: 'declared',
    source: 'deno.lock',
    fields: { integrity, registry },
    paths: [path],
  });
}

/**
 * deno.lock v2–v5: `npm` and `jsr` package maps (v4+ at the top level, v2/v3 under `packages`)
 * and `remote` module URLs (`https://deno.land/std@0.140.0/...` → `deno.land/std` 0.140.0). Syft
 * reports all three as npm packages, with a `repository_url` qualifier for jsr.io and deno.land.
 */
export function parseDenoLock(path: string, content: Buffer, maxEntries = MAX_ENTRIES): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value)) return unknownOutput(path, 'deno.lock is not a JSON object');
  const doc = parsed.value;
  const maps = isRecord(doc['packages']) ? asRecord(doc['packages']) : doc;
  const packages: CatalogedPackage[] = [];
  const budget = new EntryBudget(maxEntries, 'package(s)');
  for (const [section, registry] of [
    ['jsr', 'https://jsr.io'],
    ['npm', null],
  ] as const) {
    for (const [key, value] of Object.entries(asRecord(maps[section]))) {
      const split = splitNameAt(key);
      if (!split) continue;
      const version = split.spec.split('_', 1)[0] ?? '';
      if (version === '' || !budget.take()) continue;
      const integrity = asRecord(value)['integrity'];
      packages.push(denoPackage(path, split.name, version, registry, typeof integrity === 'string' ? integrity : null));
    }
  }
  for (const url of Object.keys(asRecord(doc['remote']))) {
    const match = /^https:\/\/(deno\.land)\/((?:x\/)?[A-Za-z0-9_.-]+)@([^/]+)\//.exec(url.slice(0, 2048));
    if (match && budget.take()) packages.push(denoPackage(path, `${match[1]}/${match[2]}`, match[3]!, `https://${match[1]}`, null));
  }
  const deduped = dedupePackages(packages, []);
  return output(deduped.packages, [], budget.unknowns(path));
}
