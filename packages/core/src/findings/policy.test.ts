import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Report, VulnerabilityFinding } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { distro, pkg, report } from '../matchers/__fixtures__/inventory.js';
import { advisoryStoreFromYaml } from '../testing/advisory-store.js';
import { parseIgnoreFile } from './exceptions.js';
import { matchVulnerabilities } from './match-report.js';
import { applyPolicyInputs } from './policy.js';
import { parseVex } from './vex/parse.js';
import { toOpenVex } from './write-openvex.js';

const store = advisoryStoreFromYaml(readFileSync(path.join(import.meta.dirname, '../matchers/__fixtures__/advisories.yaml'), 'utf8'), 'advisories.yaml');
const lib = pkg('deb', 'libexample1', '1.2.3-1', { id: 'lib', purl: 'pkg:deb/debian/libexample1@1.2.3-1?arch=amd64&distro=debian-12', source: { name: 'example-src', version: '1.2.3-1' } });
const urllib3 = pkg('pypi', 'urllib3', '1.26.12', { id: 'u3', purl: 'pkg:pypi/urllib3@1.26.12' });
const inventory = report([lib, urllib3], distro('debian', '12'));
const scanned: Report = { ...inventory, findings: matchVulnerabilities(inventory, store).findings };
const ids = (r: Report): string[] => r.findings.map((f) => `${(f as VulnerabilityFinding).packageName}:${f.ruleId}`).sort();
const now = new Date('2025-06-15T12:00:00Z');

describe('baseline fixture', () => {
  it('has the findings these tests rely on', () => {
    expect(ids(scanned)).toEqual(['libexample1:CVE-2024-1000', 'libexample1:CVE-2024-1001', 'libexample1:CVE-2024-1003', 'libexample1:CVE-2024-1005', 'urllib3:CVE-2023-43804']);
  });
});

describe('VEX', () => {
  it('OpenVEX: not_affected for a package purl suppresses by alias, with the justification recorded', () => {
    const doc = parseVex(
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/1',
        author: 'sec@example.com',
        timestamp: '2025-01-01T00:00:00Z',
        version: 1,
        statements: [
          { vulnerability: { name: 'GHSA-v845-jxx5-vc9f' }, products: [{ '@id': 'pkg:pypi/urllib3' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
          { vulnerability: { name: 'CVE-2024-1001' }, products: [{ '@id': 'pkg:oci/example@sha256:m1', subcomponents: [{ '@id': 'pkg:deb/debian/libexample1' }] }], status: 'fixed' },
          {
            vulnerability: { name: 'CVE-2024-1003' },
            products: [{ '@id': 'pkg:oci/example@sha256:other', subcomponents: [{ '@id': 'pkg:deb/debian/libexample1' }] }],
            status: 'not_affected',
            justification: 'component_not_present',
          },
          { vulnerability: { name: 'CVE-2024-1005' }, products: [{ '@id': 'pkg:deb/debian/libexample1@9.9-1' }], status: 'not_affected', justification: 'component_not_present' },
          { status: 'not_affected' },
        ],
      }),
      'a.openvex.json',
    );
    expect(doc.skipped).toHaveLength(1);
    const result = applyPolicyInputs(scanned, { vex: [doc.document], now });
    // the other image's digest and another version do not apply
    expect(ids(result.report)).toEqual(['libexample1:CVE-2024-1000', 'libexample1:CVE-2024-1003', 'libexample1:CVE-2024-1005']);
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.by, s.status, s.justification, s.source])).toEqual([
      ['CVE-2024-1001', 'vex', 'fixed', null, 'a.openvex.json'],
      ['CVE-2023-43804', 'vex', 'not_affected', 'vulnerable_code_not_in_execute_path', 'a.openvex.json'],
    ]);
  });

  it('OpenVEX: the latest statement wins (affected after not_affected un-suppresses)', () => {
    const statements = [
      {
        vulnerability: { name: 'CVE-2024-1000' },
        products: [{ '@id': 'pkg:deb/debian/libexample1' }],
        status: 'not_affected',
        justification: 'component_not_present',
        timestamp: '2025-01-01T00:00:00Z',
      },
      { vulnerability: { name: 'CVE-2024-1000' }, products: [{ '@id': 'pkg:deb/debian/libexample1' }], status: 'affected', timestamp: '2025-03-01T00:00:00Z' },
    ];
    const doc = parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements }), 'b.json');
    expect(applyPolicyInputs(scanned, { vex: [doc.document], now }).suppressed).toEqual([]);
    const reversed = parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [statements[1], { ...statements[0], timestamp: '2025-04-01T00:00:00Z' }] }), 'c.json');
    expect(applyPolicyInputs(scanned, { vex: [reversed.document], now }).suppressed.map((s) => s.finding.ruleId)).toEqual(['CVE-2024-1000']);
  });

  it('CycloneDX VEX: analysis states by bom-ref, purl and BOM-Link', () => {
    const doc = parseVex(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ 'bom-ref': 'c1', type: 'library', name: 'urllib3', purl: 'pkg:pypi/urllib3@1.26.12' }],
        vulnerabilities: [
          { id: 'PYSEC-2023-192', analysis: { state: 'false_positive', detail: 'we pin redirects off' }, affects: [{ ref: 'c1' }] },
          { id: 'CVE-2024-1000', analysis: { state: 'resolved', detail: 'patched in our build' }, affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib' }] },
          { id: 'CVE-2024-1001', analysis: { state: 'exploitable' }, affects: [{ ref: 'pkg:deb/debian/libexample1' }] },
          { id: 'CVE-2024-1003', affects: [{ ref: 'lib' }] },
        ],
      }),
      'cdx.json',
    );
    expect(doc.skipped).toEqual(['vulnerability 3: no id or no analysis state']);
    const result = applyPolicyInputs(scanned, { vex: [doc.document], now });
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.status, s.detail])).toEqual([
      ['CVE-2024-1000', 'fixed', 'patched in our build'],
      ['CVE-2023-43804', 'not_affected', 'we pin redirects off'],
    ]);
  });

  it('CSAF VEX: product statuses through the product tree and relationships, flags as justification', () => {
    const doc = parseVex(
      JSON.stringify({
        document: { category: 'csaf_vex', csaf_version: '2.0', tracking: { current_release_date: '2025-02-01T00:00:00Z' } },
        product_tree: {
          branches: [
            {
              category: 'vendor',
              name: 'Example',
              branches: [
                { category: 'product_version', name: 'urllib3 1.26.12', product: { product_id: 'P-U3', name: 'urllib3', product_identification_helper: { purl: 'pkg:pypi/urllib3@1.26.12' } } },
                { category: 'product_version', name: 'image', product: { product_id: 'IMG', name: 'example image' } },
              ],
            },
          ],
          full_product_names: [{ product_id: 'P-LIB', name: 'libexample1', product_identification_helper: { purl: 'pkg:deb/debian/libexample1@1.2.3-1' } }],
          relationships: [
            { category: 'default_component_of', product_reference: 'P-LIB', relates_to_product_reference: 'IMG', full_product_name: { product_id: 'IMG:P-LIB', name: 'libexample1 in image' } },
          ],
        },
        vulnerabilities: [
          { cve: 'CVE-2023-43804', product_status: { known_not_affected: ['P-U3'] }, flags: [{ label: 'vulnerable_code_not_in_execute_path', product_ids: ['P-U3'] }] },
          { cve: 'CVE-2024-1000', product_status: { known_not_affected: ['IMG:P-LIB'] }, threats: [{ category: 'impact', details: 'only reachable with a local socket', product_ids: ['IMG:P-LIB'] }] },
          { cve: 'CVE-2024-1001', product_status: { known_affected: ['IMG:P-LIB'] } },
        ],
      }),
      'csaf.json',
    );
    const result = applyPolicyInputs(scanned, { vex: [doc.document], now });
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.justification, s.detail])).toEqual([
      ['CVE-2024-1000', null, 'only reachable with a local socket'],
      ['CVE-2023-43804', 'vulnerable_code_not_in_execute_path', null],
    ]);
  });

  it('rejects what is not VEX, with a config error', () => {
    for (const text of ['{', '[]', '{"hello":1}']) {
      try {
        parseVex(text, 'x.json');
        expect.unreachable();
      } catch (error) {
        expect(isSekishoError(error) && error.code.startsWith('CONFIG_')).toBe(true);
      }
    }
  });
});

describe('exceptions', () => {
  const file = `
exceptions:
  - id: CVE-2024-1000
    purl: pkg:deb/debian/libexample1
    reason: only used by the build, not at run time
    owner: alice@example.com
    expires: 2025-06-15
    justification: vulnerable_code_not_in_execute_path
  - id: GHSA-v845-jxx5-vc9f
    package: urllib3
    reason: redirects disabled
    owner: bob@example.com
    expires: 2025-06-14
  - id: CVE-2024-1001
    package: some-other-package
    reason: typo'd scope
    owner: carol@example.com
    expires: 2030-01-01
`;
  it('suppress in force through their expiry day; expired ones stop applying and are reported', () => {
    const rules = parseIgnoreFile(file, '.sekisho-ignore.yaml');
    const result = applyPolicyInputs(scanned, { exceptions: rules, now });
    expect(result.suppressed.map((s) => [s.finding.ruleId, s.by, s.owner, s.expires, s.detail])).toEqual([
      ['CVE-2024-1000', 'exception', 'alice@example.com', '2025-06-15', 'only used by the build, not at run time'],
    ]);
    expect(result.expiredExceptions.map((r) => r.id)).toEqual(['GHSA-v845-jxx5-vc9f']);
    expect(result.unusedExceptions.map((r) => r.id)).toEqual(['CVE-2024-1001']);
    expect(ids(result.report)).toContain('urllib3:CVE-2023-43804');
    const later = applyPolicyInputs(scanned, { exceptions: rules, now: new Date('2025-06-16T00:00:01Z') });
    expect(later.suppressed).toEqual([]);
    expect(later.expiredExceptions.map((r) => r.id)).toEqual(['CVE-2024-1000', 'GHSA-v845-jxx5-vc9f']);
  });

  it.each([
    ['exceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n', /expires/],
    ['exceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n    expires: next week\n', /expires/],
    ['exceptions:\n  - id: CVE-1\n    owner: o\n    expires: 2025-01-01\n', /reason/],
    ['exceptions:\n  - id: CVE-1\n    reason: r\n    owner: o\n    expires: 2025-01-01\n    extra: 1\n', /extra|Unrecognized/i],
    ['exceptions: [', /YAML/],
  ])('rejects an invalid file %#', (text, message) => {
    try {
      parseIgnoreFile(text, 'f.yaml');
      expect.unreachable();
    } catch (error) {
      expect(isSekishoError(error) && error.code === 'CONFIG_INVALID').toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('filters and baseline', () => {
  it('--severity and --ignore-unfixed', () => {
    const r = applyPolicyInputs(scanned, { severities: ['high', 'critical'], now });
    expect(ids(r.report)).toEqual(['libexample1:CVE-2024-1000']);
    const u = applyPolicyInputs(scanned, { ignoreUnfixed: true, now });
    expect(ids(u.report)).toEqual(['libexample1:CVE-2024-1000', 'libexample1:CVE-2024-1005', 'urllib3:CVE-2023-43804']);
    expect(u.filtered.unfixed).toBe(2);
  });

  it('--only-new: an upgraded package that still carries a CVE is not new; a finding known by an alias is not new', () => {
    const older = pkg('deb', 'libexample1', '1.2.2-1', { id: 'lib-old', purl: 'pkg:deb/debian/libexample1@1.2.2-1?arch=amd64&distro=debian-12', source: { name: 'example-src', version: '1.2.2-1' } });
    const baselineInventory = report([older], distro('debian', '12'));
    const baseline = { findings: matchVulnerabilities(baselineInventory, store).findings.filter((f) => f.ruleId !== 'CVE-2024-1003') };
    const extra = {
      ...(baseline.findings[0] as VulnerabilityFinding),
      vulnerabilityId: 'PYSEC-2023-192',
      aliases: [],
      packageName: 'urllib3',
      purl: 'pkg:pypi/urllib3@1.0',
      packageType: 'pypi' as const,
    };
    const r = applyPolicyInputs(scanned, { baseline: { findings: [...baseline.findings, extra] }, now });
    expect(ids(r.report)).toEqual(['libexample1:CVE-2024-1003']);
    expect(r.filtered.baseline).toBe(4);
  });
});

describe('writing OpenVEX', () => {
  it('writes triage decisions that read back as the same decisions', () => {
    const rules = parseIgnoreFile(
      'exceptions:\n  - id: CVE-2024-1000\n    package: libexample1\n    reason: not reachable\n    owner: a@example.com\n    expires: 2030-01-01\n    justification: vulnerable_code_not_present\n  - id: CVE-2023-43804\n    reason: accepted\n    owner: b@example.com\n    expires: 2030-01-01\n',
      'f.yaml',
    );
    const first = applyPolicyInputs(scanned, { exceptions: rules, now });
    const vex = toOpenVex(first.suppressed, { author: 'sekisho test', now });
    const statements = vex['statements'] as { status: string; justification?: string; impact_statement?: string }[];
    expect(statements).toHaveLength(2);
    expect(statements.every((s) => s.status === 'not_affected' && s.impact_statement !== undefined)).toBe(true);
    expect(toOpenVex(first.suppressed, { author: 'sekisho test', now })).toEqual(vex);
    const again = applyPolicyInputs(scanned, { vex: [parseVex(JSON.stringify(vex), 'written.json').document], now });
    expect(again.suppressed.map((s) => s.finding.id)).toEqual(first.suppressed.map((s) => s.finding.id));
  });
});
