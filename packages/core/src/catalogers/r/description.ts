import { parseControlStanzas } from '../control-stanzas.js';
import { guarded, languagePackage, MiB, output, purl } from '../lang-common/output.js';
import { decodeText } from '../lang-common/parse.js';
import type { CatalogFile, CatalogOutput, Cataloger } from '../types.js';

/** A field's value on one line: DCF continuation lines joined. */
const oneLine = (value: string | undefined): string | null => {
  const text = value?.replace(/\s*\n\s*/g, ' ').trim();
  return text === undefined || text === '' ? null : text;
};

/**
 * An R package's `DESCRIPTION` (Debian-control-style fields): installed packages keep one in
 * their library folder (`/usr/local/lib/R/site-library/<pkg>/DESCRIPTION`, `/usr/lib/R/library/…`),
 * with a `Built:` field; a source package has one too. Type `R-package`, purl `pkg:cran/name@v`.
 * Other files named DESCRIPTION (the name is common) that state no `Package` and `Version` yield
 * nothing and no unknown.
 */
export function parseRDescription(path: string, content: Buffer): CatalogOutput {
  const { stanzas } = parseControlStanzas(decodeText(content), { maxStanzas: 1 });
  const fields = stanzas[0];
  const name = oneLine(fields?.get('package'));
  const version = oneLine(fields?.get('version'));
  if (fields === undefined || name === null || version === null || !/^[A-Za-z][A-Za-z0-9.]*$/.test(name)) return output([]);
  const license = oneLine(fields.get('license'));
  const built = oneLine(fields.get('built'));
  return output([
    languagePackage({
      ref: `${path}#${name}@${version}`,
      name,
      version,
      type: 'R-package',
      purl: purl('cran', null, name, version),
      licenses: license === null ? [] : [license],
      evidence: built === null ? 'declared' : 'installed',
      source: 'DESCRIPTION',
      fields: {
        title: oneLine(fields.get('title')),
        author: oneLine(fields.get('author')),
        maintainer: oneLine(fields.get('maintainer')),
        url: oneLine(fields.get('url')),
        repository: oneLine(fields.get('repository')),
        built,
        needsCompilation: oneLine(fields.get('needscompilation')),
        imports: oneLine(fields.get('imports')),
        depends: oneLine(fields.get('depends')),
      },
      paths: [path],
    }),
  ]);
}

export const rPackageCataloger: Cataloger = {
  id: 'r-package-cataloger',
  version: 1,
  packageTypes: ['R-package'],
  selector: { basenames: ['DESCRIPTION'] },
  maxFileSize: 1 * MiB,
  parse: (file: CatalogFile) => guarded(file.path, () => parseRDescription(file.path, file.content)),
};
