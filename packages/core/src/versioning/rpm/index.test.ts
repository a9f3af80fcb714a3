import { describe, expect, it } from 'vitest';
import { parseRpmVersion, rpmScheme } from './index.js';

// Cases from rpm tests/rpmvercmp.at (RPMVERCMP rows) and tests/rpmpython.at (EVR rows).
const ordered: [string, string, -1 | 0 | 1][] = [
  ['1.0', '2.0', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1', 1],
  ['5.5p1', '5.5p10', -1],
  ['10xyz', '10.1xyz', -1],
  ['xyz10', 'xyz10.1', -1],
  ['xyz.4', '8', -1],
  ['5.6p1', '6.5p1', -1],
  ['6.0.rc1', '6.0', 1],
  ['10b2', '10a1', 1],
  ['1.0a', '1.0aa', -1],
  ['10.0001', '10.1', 0],
  ['4.999.9', '5.0', -1],
  ['2_0', '2.0', 0],
  ['a+', 'a_', 0],
  ['+_', '_+', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0', 1],
  ['1.0^git1', '1.01', -1],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0^git1~pre', '1.0^git1', -1],
  ['3:1.0-1', '3:1.0-1', 0],
  ['1:1.0-1', '0:1.0-1', 1],
  ['0:1.0-1', '1.0-1', 0],
  ['4:1.0', '1.5-1', 1],
  ['1:4.16-5', '4.4-1', 1],
];

describe('rpm scheme', () => {
  it.each(ordered)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(rpmScheme.compare(a, b)).toBe(expected);
    expect(rpmScheme.compare(b, a)).toBe(-expected || 0);
  });

  it('parses epoch, version and release as rpm does', () => {
    expect(parseRpmVersion('2:1.0-rc-3.el9')).toEqual({ epoch: '2', version: '1.0-rc', release: '3.el9' });
    expect(parseRpmVersion(':1.0')).toEqual({ epoch: '0', version: '1.0', release: null });
  });

  it('sorts a missing release before any release (a total order)', () => {
    expect(rpmScheme.compare('1.0', '1.0-1')).toBe(-1);
  });

  it.each([
    ['1.0-1.el9', true],
    ['2:4.18.0-513.5.1.el8_9', true],
    ['1.0^git1~pre', true],
    ['', false],
    ['1.0 1', false],
    ['1.0-', false],
    ['x'.repeat(300), false],
  ] as const)('isValid(%j) = %s', (v, valid) => {
    expect(rpmScheme.isValid(v)).toBe(valid);
  });
});
