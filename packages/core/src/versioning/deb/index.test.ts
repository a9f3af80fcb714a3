import { describe, expect, it } from 'vitest';
import { debScheme, parseDebVersion } from './index.js';

// Cases from dpkg scripts/t/Dpkg_Version.t and lib/dpkg/t/t-version.c, and APT
// test/libapt/compareversion_test.cc (as recalled from those suites), plus Debian Policy 5.6.12.
const ordered: [string, string, -1 | 0 | 1][] = [
  ['1.0-1', '1.0-1', 0],
  ['1', '0:1', 0],
  ['1.0', '1.0-0', 0],
  ['1.0000-1', '1.0-1', 0],
  ['0:1.18.36', '1.18.36', 0],
  ['0-00', '00-0', 0],
  ['2:1', '1:1', 1],
  ['10.3', '1:0.4', -1],
  ['1.0-1', '1.1-1', -1],
  ['2.2~rc-4', '2.2-1', -1],
  ['1.0~rc1', '1.0', -1],
  ['1.0~~', '1.0~~a', -1],
  ['1.0~~a', '1.0~', -1],
  ['1.0~', '1.0', -1],
  ['1.0', '1.0a', -1],
  ['1.0a', '1.0+', -1],
  ['7.6p2-4', '7.6-0', 1],
  ['1.0.3-3', '1.0-1', 1],
  ['1.3', '1.2.2-2', 1],
  ['0-pre', '0-pree', -1],
  ['1.1.6r2-2', '1.1.6r-1', 1],
  ['2.6b2-1', '2.6b-2', 1],
  ['98.1p5-1', '98.1-pre2-b6-2', -1],
  ['0.4a6-2', '0.4-1', 1],
  ['1:3.0.5-2', '1:3.0.5.1', -1],
  ['9:1.18.36:5.4-20', '10:0.5.1-22', -1],
  ['9:1.18.36:5.4-20', '9:1.18.37:4.3-22', -1],
  ['1.18.36-0.17.35-18', '1.18.37-1', -1],
  ['2.7.4+reloaded2-13ubuntu1', '2.7.4+reloaded2-13', 1],
  ['0-a', '0-b', -1],
  ['a-0', 'b-0', -1],
];

describe('deb scheme', () => {
  it.each(ordered)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(debScheme.compare(a, b)).toBe(expected);
    expect(debScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each([
    ['1.0-1', true],
    ['1:2.3.4~rc1+dfsg-2ubuntu0.1', true],
    ['', false],
    ['1.0 1', false],
    ['a:1.0', false],
    ['1:', false],
    ['1.0-', false],
    ['a1.0', false],
    ['1.0_1', false],
    ['1.0-1_2', false],
  ] as const)('isValid(%j) = %s', (v, valid) => {
    expect(debScheme.isValid(v)).toBe(valid);
  });

  it('splits epoch, upstream and revision at the last hyphen', () => {
    expect(parseDebVersion('2:1.0-rc-3')).toEqual({ epoch: 2, upstream: '1.0-rc', revision: '3', warnings: false });
  });

  it('orders strings dpkg refuses below every version, without throwing', () => {
    expect(debScheme.compare('', '0')).toBe(-1);
    expect(debScheme.compare('x:1', 'y:1')).toBe(-1);
    expect(debScheme.compare('x:1', 'x:1')).toBe(0);
  });
});
