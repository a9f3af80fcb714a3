import { describe, expect, it } from 'vitest';
import { canonicalGoVersion, golangScheme, isPseudoVersion, withGoPrefix } from './index.js';

// The ordered table of golang.org/x/mod semver/semver_test.go (`tests`): each entry is greater
// than the ones before it unless their canonical forms are equal; invalid entries ('' canonical)
// are all equal and lowest.
const table: [string, string][] = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

describe('golang scheme', () => {
  it.each(table)('canonical(%s) = %j', (v, canonical) => {
    expect(canonicalGoVersion(v)).toBe(canonical);
    expect(golangScheme.isValid(v)).toBe(canonical !== '');
  });

  it('orders the x/mod table (TestCompare)', () => {
    for (let i = 0; i < table.length; i++) {
      for (let j = i; j < table.length; j++) {
        const [vi, ci] = table[i] ?? ['', ''];
        const [vj, cj] = table[j] ?? ['', ''];
        const want = ci === cj ? 0 : -1;
        expect(golangScheme.compare(vi, vj), `${vi} vs ${vj}`).toBe(want);
        expect(golangScheme.compare(vj, vi), `${vj} vs ${vi}`).toBe(-want || 0);
      }
    }
  });

  it('orders pseudo-versions and +incompatible as x/mod does', () => {
    expect(golangScheme.compare('v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa')).toBe(-1);
    expect(golangScheme.compare('v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3')).toBe(1);
    expect(golangScheme.compare('v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4')).toBe(-1);
    expect(golangScheme.compare('v2.0.0+incompatible', 'v2.0.0')).toBe(0);
    expect(golangScheme.compare('v2.0.1+incompatible', 'v2.0.0')).toBe(1);
    expect(isPseudoVersion('v0.0.0-20191109021931-daa7c04131f5')).toBe(true);
    expect(isPseudoVersion('v1.2.4-0.20191109021931-daa7c04131f5')).toBe(true);
    expect(isPseudoVersion('v1.2.4-pre.0.20191109021931-daa7c04131f5')).toBe(true);
    expect(isPseudoVersion('v1.2.3-pre')).toBe(false);
  });

  it('requires the v prefix, which withGoPrefix adds to OSV-style versions', () => {
    expect(golangScheme.isValid('1.2.3')).toBe(false);
    expect(golangScheme.compare('1.2.3', 'bad')).toBe(0);
    expect(withGoPrefix('1.2.3')).toBe('v1.2.3');
    expect(withGoPrefix('v1.2.3')).toBe('v1.2.3');
  });
});
