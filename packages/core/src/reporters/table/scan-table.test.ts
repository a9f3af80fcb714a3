import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Report } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { distro, pkg, report } from '../../matchers/__fixtures__/inventory.js';
import { boxTableLines, wrapText } from './box-table.js';
import { advisoryStoreFromYaml } from '../../testing/advisory-store.js';
import { matchVulnerabilities } from '../../findings/match-report.js';
import { getScanReporter } from '../registry.js';

const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '../../matchers/__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');
const base = pkg('deb', 'libexample1', '1.2.3-1', {
  id: 'lib',
  purl: 'pkg:deb/debian/libexample1@1.2.3-1?arch=amd64&distro=debian-12',
  source: { name: 'example-src', version: '1.2.3-1' },
  locations: [{ path: '/var/lib/dpkg/status', layerDigest: 'sha256:l0', diffId: 'sha256:d0', layerIndex: 0 }],
});
const py = pkg('pypi', 'urllib3', '1.26.12', { id: 'py-u3', purl: 'pkg:pypi/urllib3@1.26.12' });
const inventory = report([base, py], distro('debian', '12'));
const LONG = `${'A very long advisory title that explains the whole problem in detail '.repeat(3)}END-OF-TITLE`;
const matched = matchVulnerabilities(inventory, store, {}).findings.map((f, i): Finding => (i === 0 ? { ...f, title: LONG } : f));
const secret: Finding = { ...matched[0]!, kind: 'secret', ruleId: 'github-pat', severity: 'critical', title: 'GitHub token' } as unknown as Finding;
const scanned: Report = { ...inventory, findings: [...matched, secret] };
const opts = { now: new Date('2025-01-01T00:00:00Z'), color: false };
const render = (r: Report, listAllPkgs = false, color = false): string => getScanReporter('table', { listAllPkgs })!.render(r, { ...opts, color });

describe('the scan table', () => {
  it('puts the per-target summary first, vulnerabilities before the other findings and the packages, the status last', () => {
    const text = render(scanned);
    const at = (needle: string): number => text.indexOf(needle);
    expect(matched.length).toBeGreaterThan(0);
    expect(at('Summary: ')).toBeGreaterThan(at('OS:'));
    expect(at('Summary: ')).toBeLessThan(at('Vulnerabilities: '));
    expect(at('Vulnerabilities: ')).toBeLessThan(at('Findings: 1'));
    expect(at('Findings: 1')).toBeLessThan(at('Packages: 2 (deb 1, pypi 1)'));
    expect(text).toMatch(/│ TARGET +│ TYPE +│ PACKAGES +│ CRITICAL +│ HIGH +│ MEDIUM +│ LOW +│ NEGLIGIBLE +│ UNKNOWN +│/);
    expect(text).toMatch(/│ debian 12 +│ deb +│ 1 +│/);
    expect(text).toMatch(/│ secrets \(every layer, config\) +│ secret +│ +│ 1 +│ 0 +│/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Status: complete');
  });

  it('lists every package only with listAllPkgs (--list-all-pkgs)', () => {
    expect(render(scanned)).not.toMatch(/│ NAME +│ VERSION/);
    expect(render(scanned)).toContain('add --list-all-pkgs');
    const all = render(scanned, true);
    expect(all).toMatch(/│ NAME +│ VERSION +│ TYPE +│ LAYER +│ BUILD STEP +│/);
    expect(all).toMatch(/│ urllib3 +│ 1\.26\.12 +│ pypi/);
    expect(all.indexOf('Vulnerabilities: ')).toBeLessThan(all.indexOf('│ NAME '));
  });

  it('wraps long titles within 160 columns instead of cutting them', () => {
    const lines = render(scanned).trimEnd().split('\n');
    for (const line of lines) expect(Array.from(line).length, line).toBeLessThanOrEqual(160);
    const text = lines.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain(LONG);
    expect(text).toContain('END-OF-TITLE');
  });

  it('colours severities only when asked (RenderOptions.color), and the layout is the same either way', () => {
    const plain = render(scanned);
    const coloured = render(scanned, false, true);
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[1;31mCRITICAL\u001b[0m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('says in the summary when vulnerabilities were not checked', () => {
    const text = render({ ...inventory, notChecked: [{ scanner: 'vuln', reason: 'no advisory database at /x', fix: 'sekisho db update' }] });
    expect(text).toMatch(/│ debian 12 +│ deb +│ 1 +│ - +│ - +│/);
    expect(text).toContain('Vulnerabilities: NOT CHECKED');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Status: INCOMPLETE — vuln NOT CHECKED/);
  });
});

describe('box tables', () => {
  it('wrap on spaces and split a word longer than the column, losing nothing', () => {
    expect(wrapText('abc defgh ij', 5)).toEqual(['abc', 'defgh', 'ij']);
    expect(wrapText('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
    const lines = Array.from(boxTableLines([['/a/very/long/path/without/spaces']], { head: ['WHERE'], widths: [12] }));
    expect(
      lines
        .slice(3, -1)
        .map((l) => l.slice(2, 12).trimEnd())
        .join(''),
    ).toBe('/a/very/long/path/without/spaces');
  });
});
