import { describe, expect, it } from 'vitest';
import { cvssBaseScore, severityFromScore } from './cvss.js';
import { computePriority } from './priority.js';
import { chooseSeverity } from './severity.js';

describe('CVSS', () => {
  // Scores from FIRST's calculators (https://www.first.org/cvss/calculator/3.1, /4.0) for these vectors.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 5.5],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
  ])('%s → %d', (vector, score) => {
    expect(cvssBaseScore(vector)?.score).toBe(score);
  });

  it.each(['CVSS:3.1/AV:N', 'garbage', '', 'CVSS:9.9/AV:N/AC:L', `CVSS:3.1/${'AV:N/'.repeat(200)}`])('rejects %s', (vector) => {
    expect(cvssBaseScore(vector)).toBeNull();
  });

  it('rates scores with the CVSS bands', () => {
    expect([9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0].map(severityFromScore)).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'negligible']);
  });

  it('chooses vendor severity, then NVD v3, then the feed, then words', () => {
    const nvd = { source: 'nvd', version: '3.1', vector: 'v', baseScore: 9.8 } as const;
    const ghsa = { source: 'ghsa', version: '3.1', vector: 'v', baseScore: 5.0 } as const;
    expect(chooseSeverity('low', [nvd], []).severity).toBe('low');
    expect(chooseSeverity(null, [ghsa, nvd], []).severity).toBe('critical');
    expect(chooseSeverity(null, [ghsa], []).severity).toBe('medium');
    expect(chooseSeverity(null, [], ['MODERATE']).severity).toBe('medium');
    expect(chooseSeverity(null, [], []).severity).toBe('unknown');
  });
});

describe('priority', () => {
  const none = { cvss: [], epss: null, kev: null, fixAvailable: false, context: null } as const;
  it('follows the documented formula', () => {
    expect(computePriority({ ...none, severity: 'critical' })).toMatchObject({ score: 9.5, level: 'p2' });
    expect(computePriority({ ...none, severity: 'critical', fixAvailable: true, context: 'internet-facing' })).toMatchObject({ score: 13.13, level: 'p1' });
    expect(computePriority({ ...none, severity: 'medium', kev: { ransomware: false }, fixAvailable: true })).toMatchObject({ score: 10.5, level: 'p2' });
    expect(computePriority({ ...none, severity: 'medium', epss: { score: 0.12, percentile: 0.9 } })).toMatchObject({ score: 7.5, level: 'p3' });
    expect(computePriority({ ...none, severity: 'low', fixAvailable: true, context: 'internal' })).toMatchObject({ score: 2.8, level: 'p4' });
    // a negligible vendor rating caps the CVSS base
    expect(computePriority({ ...none, severity: 'negligible', cvss: [{ source: 'nvd', version: '3.1', vector: 'v', baseScore: 9.8 }] }).score).toBe(0.5);
  });

  it('exploit evidence outranks a higher CVSS score', () => {
    const exploited = computePriority({ ...none, severity: 'medium', kev: { ransomware: false }, epss: { score: 0.7, percentile: 0.99 } });
    const scary = computePriority({ ...none, severity: 'critical', cvss: [{ source: 'nvd', version: '3.1', vector: 'v', baseScore: 9.8 }] });
    expect(exploited.score).toBeGreaterThan(scary.score);
  });
});
