import { describe, expect, it } from 'vitest';
import { catalogFile } from '../../testing/catalog-tester.js';
import { rPackageCataloger } from './index.js';

const INSTALLED = `Package: stringr
Title: Simple, Consistent Wrappers for Common String Operations
Version: 1.5.1
Authors@R: c(person("Hadley", "Wickham", role = c("aut", "cre")))
Description: A consistent, simple and easy to use set of wrappers around
    the fantastic 'stringi' package.
License: MIT + file LICENSE
URL: https://stringr.tidyverse.org,
    https://github.com/tidyverse/stringr
Imports: cli, glue (>= 1.6.1), lifecycle (>= 1.0.3)
NeedsCompilation: no
Repository: CRAN
Built: R 4.3.2; ; 2023-11-15 10:00:00 UTC; unix
`;

describe('r-package-cataloger', () => {
  it('reads an installed package: name, version, licence, a cran purl, continuation lines joined', async () => {
    const out = await catalogFile(rPackageCataloger, '/usr/local/lib/R/site-library/stringr/DESCRIPTION', INSTALLED);
    expect(out.unknowns).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.type, p.purl, p.licenses, p.evidence])).toEqual([
      ['stringr', '1.5.1', 'R-package', 'pkg:cran/stringr@1.5.1', ['MIT + file LICENSE'], 'installed'],
    ]);
    expect(out.packages[0]?.metadata).toMatchObject({ fields: { url: 'https://stringr.tidyverse.org, https://github.com/tidyverse/stringr', repository: 'CRAN' } });
  });

  it('a source package (no Built field) is declared', async () => {
    const out = await catalogFile(rPackageCataloger, '/src/mypkg/DESCRIPTION', 'Package: mypkg\nVersion: 0.1.0-2\n');
    expect(out.packages.map((p) => [p.version, p.evidence])).toEqual([['0.1.0-2', 'declared']]);
  });

  it.each([
    ['no version', 'Package: foo\n'],
    ['no name', 'Version: 1.2.3\nDescription: a package with no name\n'],
    ['not DCF', 'MissingColon\nWhitespace:    \nKey:\n'],
    ['a file of another kind named DESCRIPTION', 'This directory holds the build scripts.\n'],
    ['a name R would not accept', 'Package: ../../etc\nVersion: 1\n'],
  ])('%s: nothing, and no unknown', async (_name, content) => {
    expect(await catalogFile(rPackageCataloger, '/x/DESCRIPTION', content)).toMatchObject({ packages: [], unknowns: [] });
  });
});
