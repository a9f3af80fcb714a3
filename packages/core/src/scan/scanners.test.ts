import { describe, expect, it } from 'vitest';
import type { Report } from '@sekisho/model';
import { REPORT_SCHEMA } from '@sekisho/model';
import { parseScanners, withScannersRan } from './scanners.js';

describe('parseScanners', () => {
  it.each([
    ['vuln,secret', ['secret', 'vuln']],
    ['+malware', ['hardening', 'malware', 'secret', 'vuln']],
    ['-vuln,+malware', ['hardening', 'malware', 'secret']],
    ['hardening', ['hardening']],
  ])('%s', (text, expected) => {
    expect([...parseScanners(text)].sort()).toEqual(expected);
  });
  it('refuses unknown names', () => {
    expect(() => parseScanners('vuln,nope')).toThrow(/unknown scanner/);
  });
});

describe('withScannersRan', () => {
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: 'test' },
    target: { reference: 'x', sourceType: 'rootfs', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro: null,
    packages: [],
    relationships: [],
    findings: [],
    unknowns: [],
    notChecked: [{ scanner: 'vuln', reason: 'no database', fix: null }],
  };
  it('adds to what the report lists, sorted, without repeats, and never a scanner that could not run', () => {
    const first = withScannersRan(report, ['secret', 'hardening']);
    expect(first.scanners).toEqual(['hardening', 'secret']);
    expect(withScannersRan(first, ['secret', 'vuln', 'supply-chain']).scanners).toEqual(['hardening', 'secret', 'supply-chain']);
    expect(withScannersRan(report, []).scanners).toEqual([]);
  });
});
