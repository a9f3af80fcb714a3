import type { Report, VulnerabilityFinding } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { getScanReporter } from '../registry.js';
import { toCsv } from './index.js';

const BASE: Report = {
  schema: REPORT_SCHEMA,
  tool: { name: 'sekisho', version: '0.1.0' },
  target: { reference: 'app.tar', sourceType: 'docker-archive', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
  image: null,
  distro: null,
  packages: [],
  relationships: [],
  findings: [],
  unknowns: [],
  notChecked: [],
};

const VULN: VulnerabilityFinding = {
  kind: 'vulnerability',
  id: 'f1',
  ruleId: 'CVE-2024-0001',
  title: 'overflow, "quoted"\nsecond line',
  severity: 'high',
  description: '',
  location: { path: '/app/node_modules/=cmd/package.json', layerDigest: null, diffId: null, layerIndex: 2 },
  createdBy: null,
  removedInLayer: null,
  foundBy: 'npm-matcher',
  fix: 'upgrade to 1.2.4',
  references: [],
  vulnerabilityId: 'CVE-2024-0001',
  aliases: [],
  packageId: 'p1',
  packageName: '=HYPERLINK("http://x")',
  installedVersion: '1.2.3',
  fixedVersions: ['1.2.4', '2.0.0'],
  status: 'fixed',
};

describe('csv reporter', () => {
  it('writes a header, the status row first, then one row per finding', () => {
    const lines = toCsv({ ...BASE, findings: [VULN] }).split('\n');
    expect(lines[0]).toBe('record,severity,id,kind,package,installed_version,fixed_versions,status,path,layer,title,fix');
    expect(lines[1]).toBe('status,,,,,,,complete,,,,');
    expect(lines[2]).toMatch(/^finding,high,CVE-2024-0001,vulnerability,/);
    expect(lines[2]).toContain(',1.2.3,1.2.4 2.0.0,fixed,');
  });

  it('quotes commas, quotes and newlines (RFC 4180) and defuses spreadsheet formulas from image content', () => {
    const text = toCsv({ ...BASE, findings: [VULN] });
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).toContain('"overflow, ""quoted""\nsecond line"');
    expect(text).not.toMatch(/(^|,)=/m);
  });

  it('says why the report is incomplete: a not-checked row per scanner with its fix, a not-read row per file', () => {
    const text = toCsv({
      ...BASE,
      notChecked: [{ scanner: 'vuln', reason: 'no advisory database', fix: 'sekisho db update' }],
      unknowns: [{ location: { path: '/var/lib/dpkg/status', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 'dpkg-db-cataloger', reason: 'truncated' }],
    });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^status,,,,,,,incomplete,,,vuln not checked: no advisory database; 1 file\(s\)/);
    expect(lines[2]).toBe('not-checked,,vuln,,,,,not checked,,,no advisory database,sekisho db update');
    expect(lines[3]).toBe('not-read,,dpkg-db-cataloger,,,,,,/var/lib/dpkg/status,0,truncated,');
  });

  it('is offered for scans only, as `--format csv`', () => {
    expect(getScanReporter('csv')?.mediaType).toBe('text/csv');
  });
});
