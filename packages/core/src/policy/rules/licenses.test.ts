import type { Package, Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { normalizeLicenses } from '../../licenses/normalize.js';
import { licensesRule } from './licenses.js';

const pkg = (name: string, statements: string[], debian = false): Package => ({
  id: name.padStart(16, '0'),
  name,
  version: '1',
  type: debian ? 'deb' : 'npm',
  purl: '',
  cpes: [],
  licenses: normalizeLicenses(statements, { debian }),
  locations: [],
  foundBy: 'test',
  evidence: 'installed',
  source: null,
  metadata: null,
});
const report = (packages: Package[]): Report => ({
  schema: 'sekisho.report/v1',
  tool: { name: 'sekisho', version: '0' },
  target: { reference: 'x', sourceType: 'oci-layout', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages,
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
});
const judge = (params: unknown, packages: Package[]) =>
  licensesRule.evaluate(licensesRule.params.parse(params), { report: report(packages), now: new Date(0), excepted: () => false, firstSeen: () => null });

describe('the licenses rule on normalised statements', () => {
  it('judges Debian and free-text statements once they are SPDX expressions', () => {
    const packages = [
      pkg('bash', ['GPL-3+'], true),
      pkg('readline', ['GPL-3+ with autoconf exception'], true),
      pkg('perl', ['Perl'], true),
      pkg('left-pad', ['MIT License']),
      pkg('dual', ['GPLv2+ or MIT']),
    ];
    const verdict = judge({ deny: ['GPL-3.0*'] }, packages);
    expect(verdict.evidence.map((e) => e.text)).toEqual(['bash 1 (deb) licensed GPL-3.0-or-later', 'readline 1 (deb) licensed GPL-3.0-or-later WITH Autoconf-exception-3.0']);
    // `Perl` offers Artistic-1.0-Perl OR GPL-1.0-or-later: allowed when either side is.
    expect(judge({ allow: ['MIT', 'Artistic-*'] }, packages).evidence.map((e) => e.text.split(' ')[0])).toEqual(['bash', 'readline']);
  });
});
