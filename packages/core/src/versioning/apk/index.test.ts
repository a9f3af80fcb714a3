import { describe, expect, it } from 'vitest';
import { apkScheme, apkVersionMatch, parseApkOperator } from './index.js';

// Cases from apk-tools test/unit/version.data (comparison, fuzzy and validity lines).
const ordered: [string, string, -1 | 0 | 1][] = [
  ['2.34', '2.34', 0],
  ['1.0', '1.0bc', -1],
  ['0.1.0_alpha', '0.1.3_alpha', -1],
  ['0.1.0_alpha2', '0.1.0_alpha', 1],
  ['0.1.0_alpha', '0.1.0', -1],
  ['0.1.0_beta', '0.1.0_alpha', 1],
  ['0.1.0_pre', '0.1.0_beta', 1],
  ['0.1.0_rc', '0.1.0_pre', 1],
  ['0.1.0', '0.1.0_rc', 1],
  ['0.1.0_cvs', '0.1.0', 1],
  ['0.1.0_svn', '0.1.0_cvs', 1],
  ['0.1.0_git', '0.1.0_svn', 1],
  ['0.1.0_hg', '0.1.0_git', 1],
  ['0.1.0_p', '0.1.0_hg', 1],
  ['0.1.0_p1', '0.1.0_p', 1],
  ['1.0-r1', '1.0', 1],
  ['1.0-r1', '1.0-r0', 1],
  ['1.0-r10', '1.0-r9', 1],
  ['1.0a', '1.0', 1],
  ['1.0b', '1.0a', 1],
  ['1.0a_alpha', '1.0a', -1],
  ['1.01', '1.1', -1],
  ['1.001', '1.01', -1],
  ['1.10', '1.9', 1],
  ['0.1_pre2~1234abcd', '0.1_pre2', 1],
  ['1.0~1234', '1.0~2345', -1],
  ['0.1_pre2~1234abcd-r1', '0.1_pre2~1234abcd', 1],
  ['6.0_pre1', '6.0', -1],
  ['7.6_p2', '7.6', 1],
];

describe('apk scheme', () => {
  it.each(ordered)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(apkScheme.compare(a, b)).toBe(expected);
    expect(apkScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each([
    ['1.2', true],
    ['0.1_pre2~1234abcd', true],
    ['0.1_git20240101_pre1', true],
    ['1.2.3-r10', true],
    ['', false],
    ['0.1bc', false],
    ['0.1_pre2~1234xbcd', false],
    ['0.1-pre1.1', false],
    ['0.1-r2_pre1', false],
    ['0.1_-r0', false],
    ['0.1_1_alpha', false],
    ['a', false],
  ] as const)('isValid(%j) = %s', (v, valid) => {
    expect(apkScheme.isValid(v)).toBe(valid);
  });

  it.each([
    ['3.6.0', '~', '3.6', true],
    ['3.6_pre1', '~', '3.6', true],
    ['3.7.0', '~', '3.6', false],
    ['3.8.0', '!~', '3.8.1', true],
    ['3.6.0', '!~', '3.6', false],
    ['3.5', '<~', '3.6', true],
    ['3.6.1', '<~', '3.6', true],
    ['3.7', '<~', '3.6', false],
    ['3.6.1', '>~', '3.6', true],
  ] as const)('%s %s %s is %s', (a, op, b, expected) => {
    const parsed = parseApkOperator(op);
    expect(parsed).not.toBeNull();
    if (parsed !== null) expect(apkVersionMatch(a, parsed, b)).toBe(expected);
  });

  it('evaluates apk dependency constraints', () => {
    expect(apkScheme.satisfies?.('1.2.3-r1', '>=1.2.3-r0')).toBe(true);
    expect(apkScheme.satisfies?.('1.2.3-r1', '<1.2.3-r1')).toBe(false);
    expect(apkScheme.satisfies?.('3.6.4', '~3.6')).toBe(true);
    expect(apkScheme.satisfies?.('3.6.4', '>=junk')).toBe(false);
    expect(apkScheme.isValidConstraint?.('?1.0')).toBe(false);
  });
});
