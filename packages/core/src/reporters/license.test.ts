import { readFileSync } from 'node:fs';
import type { Package, Report } from '@sekisho/model';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { reportFromSbom } from '../sbom-input/sbom-input.js';
import { getReporter } from './registry.js';

const options = { now: new Date('2026-01-02T03:04:05Z'), color: false };
const pkg = (name: string, licenses: string[], i: number): Package => ({
  id: `${'0'.repeat(15)}${i.toString(16)}`,
  name,
  version: '1.0.0',
  type: 'npm',
  purl: `pkg:npm/${name}@1.0.0`,
  cpes: [],
  licenses,
  locations: [],
  foundBy: 'javascript-package-cataloger',
  evidence: 'installed',
  source: null,
  metadata: null,
});
const LICENCES: Record<string, string[]> = {
  none: [],
  one: ['MIT'],
  ids: ['MIT', 'ISC'],
  compound: ['GPL-2.0-or-later WITH Autoconf-exception-2.0'],
  compounds: ['MIT OR Apache-2.0', 'BSD-3-Clause'],
  ref: ['LicenseRef-Debian-public-domain'],
  text: ['Proprietary, see EULA'],
  mixed: ['MIT OR Apache-2.0', 'Some Custom License'],
};
const REPORT: Report = {
  schema: 'sekisho.report/v1',
  tool: { name: 'sekisho', version: '0.1.0' },
  target: { reference: 'app.tar', sourceType: 'docker-archive', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: Object.entries(LICENCES).map(([name, licenses], i) => pkg(name, licenses, i)),
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};

describe('licences in SBOMs', () => {
  it('CycloneDX 1.6: license.id for ids, one expression for compound expressions, license.name for text; valid; read back by sbom-scan', async () => {
    const text = getReporter('cyclonedx-json')?.render(REPORT, options) ?? '';
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text) as { components: { name: string; licenses?: unknown[] }[] };
    const of = (name: string) => bom.components.find((c) => c.name === name)?.licenses;
    expect(of('none')).toBeUndefined();
    expect(of('ids')).toEqual([{ license: { id: 'ISC' } }, { license: { id: 'MIT' } }]);
    expect(of('compound')).toEqual([{ expression: 'GPL-2.0-or-later WITH Autoconf-exception-2.0' }]);
    expect(of('compounds')).toEqual([{ expression: '(MIT OR Apache-2.0) AND BSD-3-Clause' }]);
    expect(of('ref')).toEqual([{ expression: 'LicenseRef-Debian-public-domain' }]);
    expect(of('text')).toEqual([{ license: { name: 'Proprietary, see EULA' } }]);
    const back = reportFromSbom(text, 'bom.json').report.packages;
    const read = Object.fromEntries(back.map((p) => [p.name, [...p.licenses].sort()]));
    expect(read).toEqual({
      none: [],
      one: ['MIT'],
      ids: ['ISC', 'MIT'],
      compound: ['GPL-2.0-or-later WITH Autoconf-exception-2.0'],
      compounds: ['(MIT OR Apache-2.0) AND BSD-3-Clause'],
      ref: ['LicenseRef-Debian-public-domain'],
      text: ['Proprietary, see EULA'],
      mixed: ['MIT OR Apache-2.0', 'Some Custom License'],
    });
  });

  it('SPDX 2.3: licenseDeclared (NOASSERTION when none), text as an extracted LicenseRef; valid; read back by sbom-scan', () => {
    const schema = JSON.parse(readFileSync(new URL('./spdx-json/__fixtures__/spdx-schema-2.3.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const text = getReporter('spdx-json')?.render(REPORT, options) ?? '';
    const doc = JSON.parse(text) as { packages: { name: string; licenseDeclared: string; licenseConcluded: string }[]; hasExtractedLicensingInfos: { licenseId: string; name: string }[] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const declared = Object.fromEntries(doc.packages.map((p) => [p.name, p.licenseDeclared]));
    expect(declared['none']).toBe('NOASSERTION');
    expect(declared['ids']).toBe('MIT AND ISC');
    expect(declared['compounds']).toBe('(MIT OR Apache-2.0) AND BSD-3-Clause');
    expect(declared['text']).toMatch(/^LicenseRef-sekisho-Proprietary-see-EULA-[0-9a-f]{8}$/);
    expect(declared['mixed']).toMatch(/^\(MIT OR Apache-2\.0\) AND LicenseRef-sekisho-Some-Custom-License-[0-9a-f]{8}$/);
    expect(doc.packages.every((p) => p.licenseConcluded === 'NOASSERTION')).toBe(true);
    // Every LicenseRef used is defined.
    const defined = new Set(doc.hasExtractedLicensingInfos.map((e) => e.licenseId));
    for (const d of Object.values(declared)) for (const ref of d.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) expect(defined.has(ref), ref).toBe(true);
    const back = Object.fromEntries(reportFromSbom(text, 'doc.spdx.json').report.packages.map((p) => [p.name, p.licenses]));
    expect(back['none']).toEqual([]);
    expect(back['one']).toEqual(['MIT']);
    expect(back['text']).toEqual(['Proprietary, see EULA']);
    expect(back['ref']).toEqual(['LicenseRef-Debian-public-domain']);
    expect(back['compounds']).toEqual(['(MIT OR Apache-2.0) AND BSD-3-Clause']);
  });
});
