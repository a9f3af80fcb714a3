import { describe, expect, it } from 'vitest';
import { normalizeLicense, normalizeLicenses } from './normalize.js';

describe('normalizeLicense', () => {
  it.each([
    ['MIT', 'MIT'],
    ['Apache-2.0 OR MIT', 'Apache-2.0 OR MIT'],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', '(MIT OR Apache-2.0) AND BSD-3-Clause'],
    ['GPL-2.0+', 'GPL-2.0-or-later'],
    ['GPL-2.0', 'GPL-2.0-only'],
    ['LGPL-2.1-or-later', 'LGPL-2.1-or-later'],
    ['mit', 'MIT'],
    ['Apache 2.0', 'Apache-2.0'],
    ['The Apache Software License, Version 2.0', 'Apache-2.0'],
    ['http://www.apache.org/licenses/LICENSE-2.0.txt', 'Apache-2.0'],
    ['Apache Software License', 'Apache-2.0'],
    ['GNU General Public License v2 or later (GPLv2+)', 'GPL-2.0-or-later'],
    ['MIT License', 'MIT'],
    ['MIT or Apache 2.0', 'MIT OR Apache-2.0'],
    ['GPLv2+', 'GPL-2.0-or-later'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    // rpm (Fedora's old names), apk, Maven POM names and URLs, gemspec/composer ids, Python trove classifiers.
    ['GPLv2+ and LGPLv2+', 'GPL-2.0-or-later AND LGPL-2.0-or-later'],
    ['GPL-2.0-or-later AND LGPL-2.1-or-later', 'GPL-2.0-or-later AND LGPL-2.1-or-later'],
    ['MIT AND BSD-2-Clause', 'MIT AND BSD-2-Clause'],
    ['Eclipse Public License - v 1.0', 'EPL-1.0'],
    ['https://opensource.org/licenses/MIT', 'MIT'],
    ['Mozilla Public License 2.0 (MPL 2.0)', 'MPL-2.0'],
    ['Python Software Foundation License', 'PSF-2.0'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeLicense(input)).toBe(expected);
  });

  it('keeps text that names no licence exactly (a bare family name is not guessed)', () => {
    expect(normalizeLicense('BSD')).toBe('BSD');
    expect(normalizeLicense('LGPL')).toBe('LGPL');
    expect(normalizeLicense('Proprietary, all rights reserved')).toBe('Proprietary, all rights reserved');
    expect(normalizeLicense('  two\n lines ')).toBe('two lines');
  });

  it('drops placeholders', () => {
    expect(normalizeLicense('UNKNOWN')).toBeNull();
    expect(normalizeLicense('NOASSERTION')).toBeNull();
    expect(normalizeLicenses(['MIT', 'mit', '', 'UNKNOWN', 'ISC'])).toEqual(['MIT', 'ISC']);
  });
});

describe('Debian DEP-5 short names', () => {
  it.each([
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2', 'GPL-2.0-only'],
    ['GPL-3+', 'GPL-3.0-or-later'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['LGPL-2', 'LGPL-2.0-only'],
    ['GPL', 'GPL-1.0-or-later'],
    ['Expat', 'MIT'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['BSD-4-clause-UC', 'BSD-4-Clause-UC'],
    ['Artistic', 'Artistic-1.0-Perl'],
    ['Artistic-2.0', 'Artistic-2.0'],
    ['Apache-2', 'Apache-2.0'],
    ['CC-BY-SA-3', 'CC-BY-SA-3.0'],
    ['GFDL-1.3+', 'GFDL-1.3-or-later'],
    ['GFDL-NIV-1.2+', 'GFDL-1.2-no-invariants-or-later'],
    ['MPL-1.1', 'MPL-1.1'],
    ['Zlib', 'Zlib'],
    ['public-domain', 'LicenseRef-Debian-public-domain'],
    ['Perl', 'Artistic-1.0-Perl OR GPL-1.0-or-later'],
    ['GPL-2+ or Artistic', 'GPL-2.0-or-later OR Artistic-1.0-Perl'],
    ['GPL-1+ or Artistic', 'GPL-1.0-or-later OR Artistic-1.0-Perl'],
    ['GPL-3+ with autoconf exception', 'GPL-3.0-or-later WITH Autoconf-exception-3.0'],
    ['GPL-3+ with GCC-exception-3.1', 'GPL-3.0-or-later WITH GCC-exception-3.1'],
    ['LGPL-2.1+ and BSD-3-clause', 'LGPL-2.1-or-later AND BSD-3-Clause'],
    ['GPL-2+ or LGPL-2.1+, and Expat', '(GPL-2.0-or-later OR LGPL-2.1-or-later) AND MIT'],
    ['GPL-2+, BSD-3-clause', 'GPL-2.0-or-later AND BSD-3-Clause'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeLicense(input, { debian: true })).toBe(expected);
  });

  it('keeps an exception SPDX does not list as text', () => {
    expect(normalizeLicense('GPL-2+ with OpenSSL exception', { debian: true })).toBe('GPL-2+ with OpenSSL exception');
  });
});
