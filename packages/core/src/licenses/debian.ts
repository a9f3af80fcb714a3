import licenseIds from 'spdx-license-ids/index.json' with { type: 'json' };
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };

/**
 * Debian's DEP-5 short licence names → SPDX ids.
 *
 * Source: the "License specification" table of the machine-readable copyright format 1.0
 * (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/#license-specification), whose
 * names are `<family>[-<version>][+]`. The family decides the SPDX id, the version is written the
 * SPDX way (`GPL-2` → `GPL-2.0`, `CC-BY-SA-3` → `CC-BY-SA-3.0`), and `+` means "or any later
 * version" (`GPL-2+` → `GPL-2.0-or-later`; without it `GPL-2.0-only`).
 *
 * | DEP-5 | SPDX |
 * | --- | --- |
 * | `Expat`, `MIT` | `MIT` |
 * | `GPL-N[+]`, `LGPL-N[+]`, `AGPL-N[+]` | `GPL-N.0-only`/`-or-later`, … (`LGPL-2.1` keeps its minor) |
 * | `GPL` (no version: any version) | `GPL-1.0-or-later`; `LGPL` → `LGPL-2.0-or-later` |
 * | `GFDL-N[+]`, `GFDL-NIV-N[+]` | `GFDL-N-only`/`-or-later`, `GFDL-N-no-invariants-only`/`-or-later` |
 * | `Apache-N`, `MPL-N`, `CC-BY[-SA/-ND/-NC…]-N`, `CDDL-N`, `EPL-N`, `CPL-N`, `EFL-N`, `LPPL-N`, `OFL-N` | the same family, version `N.0` when N has no minor |
 * | `Artistic` (Debian's common-licenses text: Perl's) | `Artistic-1.0-Perl`; `Artistic-2.0` stays |
 * | `Perl` ("same terms as Perl") | `Artistic-1.0-Perl OR GPL-1.0-or-later` |
 * | `BSD-2-clause`, `BSD-3-clause`, `BSD-4-clause`, `ISC`, `Zlib`, `W3C`, `CC0-1.0` | their SPDX id (case corrected) |
 * | `Python-2.0`, `PSF-2`, `Zope-2.1` | `Python-2.0`, `PSF-2.0`, `ZPL-2.1` |
 * | any other name (`public-domain`, `permissive`, `other`, names a file defines itself) | `LicenseRef-Debian-<name>` (see `copyright.ts`) |
 */
const IDS: ReadonlyMap<string, string> = new Map([...licenseIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id]));

const FAMILIES: Readonly<Record<string, string>> = {
  gpl: 'GPL',
  lgpl: 'LGPL',
  agpl: 'AGPL',
  gfdl: 'GFDL',
  apache: 'Apache',
  artistic: 'Artistic',
  mpl: 'MPL',
  'cc-by': 'CC-BY',
  'cc-by-sa': 'CC-BY-SA',
  'cc-by-nd': 'CC-BY-ND',
  'cc-by-nc': 'CC-BY-NC',
  'cc-by-nc-sa': 'CC-BY-NC-SA',
  'cc-by-nc-nd': 'CC-BY-NC-ND',
  cc0: 'CC0',
  cddl: 'CDDL',
  cpl: 'CPL',
  epl: 'EPL',
  efl: 'EFL',
  lppl: 'LPPL',
  ofl: 'OFL',
  'sil-ofl': 'OFL',
  python: 'Python',
  psf: 'PSF',
  zope: 'ZPL',
  zpl: 'ZPL',
};

/** Versionless names: the licence Debian means by them, and whether "or later" is implied. */
const VERSIONLESS: Readonly<Record<string, { readonly id: string; readonly plus: boolean }>> = {
  expat: { id: 'MIT', plus: false },
  mit: { id: 'MIT', plus: false },
  gpl: { id: 'GPL-1.0', plus: true },
  lgpl: { id: 'LGPL-2.0', plus: true },
  artistic: { id: 'Artistic-1.0-Perl', plus: false },
  cc0: { id: 'CC0-1.0', plus: false },
  zlib: { id: 'Zlib', plus: false },
  isc: { id: 'ISC', plus: false },
  w3c: { id: 'W3C', plus: false },
  python: { id: 'Python-2.0', plus: false },
  psf: { id: 'PSF-2.0', plus: false },
  'public-domain-cc0': { id: 'CC0-1.0', plus: false },
};

/** A DEP-5 `Perl` statement, which is two licences. */
export const DEBIAN_PERL = 'Artistic-1.0-Perl OR GPL-1.0-or-later';

/** Exceptions as Debian writes them (`GPL-3+ with autoconf exception`) per GPL major version ('' = any). */
export const DEBIAN_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  autoconf: { '2': 'Autoconf-exception-2.0', '3': 'Autoconf-exception-3.0' },
  libtool: { '': 'Libtool-exception' },
  gcc: { '2': 'GCC-exception-2.0', '3': 'GCC-exception-3.1' },
  'gcc-3.1': { '': 'GCC-exception-3.1' },
  'gcc-runtime-3.1': { '': 'GCC-exception-3.1' },
  'bison-2.2': { '': 'Bison-exception-2.2' },
  bison: { '': 'Bison-exception-2.2' },
  classpath: { '': 'Classpath-exception-2.0' },
  font: { '': 'Font-exception-2.0' },
};

/**
 * One DEP-5 short name (without its `+`) → an SPDX id, with `plus` telling whether "or later"
 * applies; null when the name is no DEP-5 name for an SPDX licence.
 */
export function debianShortName(name: string, plus: boolean): { readonly id: string; readonly plus: boolean } | null {
  const lower = name.trim().toLowerCase();
  if (lower === 'perl') return { id: DEBIAN_PERL, plus: false };
  const fixed = VERSIONLESS[lower];
  if (fixed !== undefined) return { id: fixed.id, plus: fixed.plus || plus };
  const exact = IDS.get(lower);
  if (exact !== undefined) return { id: exact, plus };
  const match = /^([a-z0-9-]*?[a-z0-9])-?v?(\d+(?:\.\d+)*[a-z]?)$/.exec(lower);
  if (match === null) return null;
  const [, familyName = '', version = ''] = match;
  const niv = familyName === 'gfdl-niv';
  const family = niv ? 'GFDL' : FAMILIES[familyName];
  if (family === undefined) return null;
  const suffix = niv ? '-no-invariants' : '';
  for (const v of /\./.test(version) ? [version] : [`${version}.0`, version, `${version}.0.0`]) {
    const candidate = `${family}-${v}${suffix}`;
    for (const id of [candidate, `${candidate}-only`]) {
      const found = IDS.get(id.toLowerCase());
      if (found !== undefined) return { id: found.replace(/-only$/, ''), plus };
    }
  }
  return null;
}
