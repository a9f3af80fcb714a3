import type { Package, Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { getScanReporter } from '../registry.js';

const pkg = (name: string, licenses: string[]): Package => ({
  id: name.padStart(16, '0'),
  name,
  version: '1.0',
  type: 'deb',
  purl: `pkg:deb/debian/${name}@1.0`,
  cpes: [],
  licenses,
  locations: [],
  foundBy: 'dpkg-db-cataloger',
  evidence: 'installed',
  source: null,
  metadata: null,
});
const REPORT: Report = {
  schema: 'sekisho.report/v1',
  tool: { name: 'sekisho', version: '0.1.0' },
  target: { reference: 'x', sourceType: 'oci-layout', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: [pkg('bash', ['GPL-3.0-or-later']), pkg('coreutils', ['GPL-3.0-or-later', 'BSD-4-Clause']), pkg('mystery', [])],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};
const options = { now: new Date('2026-01-01T00:00:00Z'), color: false };

describe('the licence section of the table (--scanners license)', () => {
  it('summarises licences by count and lists each package, without findings', () => {
    const text = getScanReporter('table', { licenses: true })?.render(REPORT, options) ?? '';
    expect(text).toContain('Licences: 2 of 3 packages state one (1 state none)');
    expect(text).toMatch(/GPL-3\.0-or-later\s*│\s*2\s*│/);
    expect(text).toMatch(/BSD-4-Clause\s*│\s*1\s*│/);
    expect(text).toMatch(/coreutils\s*│\s*1\.0\s*│\s*deb\s*│\s*GPL-3\.0-or-later; BSD-4-Clause/);
    expect(text).toMatch(/mystery\s*│.*\(none stated\)/);
  });

  it('is absent unless asked for', () => {
    expect(getScanReporter('table')?.render(REPORT, options)).not.toContain('Licences:');
  });
});
