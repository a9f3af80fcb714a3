import { asArray, asRecord, isRecord, nonEmpty, parseJson } from '../lang-common/parse.js';
import { dedupePackages, dependsOnEdges, EntryBudget, guarded, languagePackage, MiB, output, purl, unknownOutput } from '../lang-common/output.js';
import type { CatalogedPackage, CatalogFile, CatalogOutput, Cataloger } from '../types.js';

const MAX_ENTRIES = 100_000;

/** Platform requirements (`php`, `ext-json`, `lib-icu`, `composer-plugin-api`) are not packages. */
function isPlatformRequirement(name: string): boolean {
  return !name.includes('/') || /^(php|hhvm|ext-|lib-|composer)(-|$)/.test(name);
}

/** `pkg:composer/vendor/name@1.0.0`: the vendor is the purl namespace. */
export function composerPurl(name: string, version: string): string | null {
  const slash = name.indexOf('/');
  return slash > 0 ? purl('composer', name.slice(0, slash), name.slice(slash + 1), version) : purl('composer', null, name, version);
}

function composerPackages(path: string, source: string, evidence: 'installed' | 'declared', entries: readonly unknown[], dev: ReadonlySet<string> = new Set()): CatalogOutput {
  const packages: CatalogedPackage[] = [];
  const requires = new Map<string, string[]>();
  const budget = new EntryBudget(MAX_ENTRIES, 'package(s)');
  for (const value of entries) {
    const entry = asRecord(value);
    const name = nonEmpty(entry['name']);
    const version = nonEmpty(entry['version']);
    if (name === null || version === null || !budget.take()) continue;
    const ref = `${path}#${name}@${version}`;
    const license = entry['license'];
    packages.push(
      languagePackage({
        ref,
        name,
        version,
        type: 'composer',
        purl: composerPurl(name, version),
        licenses: (Array.isArray(license) ? license : [license]).filter((l): l is string => typeof l === 'string'),
        evidence,
        source,
        fields: {
          sourceUrl: nonEmpty(asRecord(entry['source'])['url']),
          sourceReference: nonEmpty(asRecord(entry['source'])['reference']),
          distUrl: nonEmpty(asRecord(entry['dist'])['url']),
          homepage: nonEmpty(entry['homepage']),
          dev: dev.has(name) ? 'true' : null,
        },
        paths: [path],
      }),
    );
    requires.set(
      ref,
      Object.keys(asRecord(entry['require'])).filter((r) => !isPlatformRequirement(r)),
    );
  }
  const deduped = dedupePackages(
    packages,
    dependsOnEdges(packages, requires, (name) => name.toLowerCase()),
  );
  return output(deduped.packages, deduped.relationships, budget.unknowns(path));
}

/** composer.lock (https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control): `packages`; `packages-dev` is skipped, as Syft does. */
export function parseComposerLock(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  if (!isRecord(parsed.value) || !Array.isArray(parsed.value['packages'])) return unknownOutput(path, 'composer.lock has no packages list');
  return composerPackages(path, 'composer.lock', 'declared', parsed.value['packages']);
}

/**
 * vendor/composer/installed.json: Composer 1 writes an array of packages, Composer 2 an object
 * `{packages: [...], dev-package-names: [...]}`. Every listed package is on disk (dev packages are
 * only listed when they were installed); they are reported, dev ones marked `dev`. Any other JSON
 * named installed.json (not under a `composer` folder and not shaped like Composer's) is ignored.
 */
export function parseInstalledJson(path: string, content: Buffer): CatalogOutput {
  const parsed = parseJson(content);
  if (!parsed.ok) return unknownOutput(path, parsed.reason);
  const doc = parsed.value;
  const strict = path.endsWith('/composer/installed.json');
  const list = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc['packages']) ? doc['packages'] : null;
  if (list === null) return strict ? unknownOutput(path, 'installed.json has no packages list') : output([]);
  if (!strict && !list.every((p) => isRecord(p) && typeof p['name'] === 'string' && p['name'].includes('/'))) return output([]);
  const dev = new Set(asArray(isRecord(doc) ? doc['dev-package-names'] : []).filter((n): n is string => typeof n === 'string'));
  return composerPackages(path, 'installed.json', 'installed', list, dev);
}

export const phpComposerLockCataloger: Cataloger = {
  id: 'php-composer-lock-cataloger',
  version: 2,
  packageTypes: ['composer'],
  selector: { basenames: ['composer.lock'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseComposerLock(file.path, file.content)),
};

export const phpComposerInstalledCataloger: Cataloger = {
  id: 'php-composer-installed-cataloger',
  version: 2,
  packageTypes: ['composer'],
  selector: { basenames: ['installed.json'] },
  maxFileSize: 32 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseInstalledJson(file.path, file.content)),
};
