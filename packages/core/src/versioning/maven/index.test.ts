import { describe, expect, it } from 'vitest';
import { mavenScheme, parseMavenRange } from './index.js';

// From apache/maven ComparableVersionTest.java: VERSIONS_QUALIFIER and VERSIONS_NUMBER are
// strictly ascending; the equal pairs are checkVersionsEqual cases.
const qualifiers = [
  '1-alpha2snapshot',
  '1-alpha2',
  '1-alpha-123',
  '1-beta-2',
  '1-beta123',
  '1-m2',
  '1-m11',
  '1-rc',
  '1-cr2',
  '1-rc123',
  '1-SNAPSHOT',
  '1',
  '1-sp',
  '1-sp2',
  '1-sp123',
  '1-abc',
  '1-def',
  '1-pom-1',
  '1-1-snapshot',
  '1-1',
  '1-2',
  '1-123',
];
const numbers = [
  '2.0',
  '2.0.a',
  '2-1',
  '2.0.2',
  '2.0.123',
  '2.1.0',
  '2.1-a',
  '2.1b',
  '2.1-c',
  '2.1-1',
  '2.1.0.1',
  '2.2',
  '2.123',
  '11.a2',
  '11.a11',
  '11.b2',
  '11.b11',
  '11.m2',
  '11.m11',
  '11',
  '11.a',
  '11b',
  '11c',
  '11m',
];

const pairs = (list: string[]): [string, string][] => list.slice(1).map((v, i) => [list[i] ?? '', v]);

describe('maven scheme', () => {
  it.each([...pairs(qualifiers), ...pairs(numbers)])('%s < %s', (a, b) => {
    expect(mavenScheme.compare(a, b)).toBe(-1);
    expect(mavenScheme.compare(b, a)).toBe(1);
  });

  it.each([
    ['1', '1.0'],
    ['1', '1.0.0'],
    ['1-0', '1'],
    ['1.0-alpha1', '1.0-a1'],
    ['1.0-beta1', '1.0-b1'],
    ['1.0-milestone1', '1.0-m1'],
    ['1.0-rc1', '1.0-cr1'],
    ['1.0-ga', '1.0'],
    ['1.0-final', '1.0'],
    ['1.0-RELEASE', '1.0'],
    ['1.0-SNAPSHOT', '1.0-snapshot'],
    ['1a1', '1-alpha-1'],
    ['1x1', '1-x-1'],
  ])('%s == %s', (a, b) => {
    expect(mavenScheme.compare(a, b)).toBe(0);
  });

  it('orders long numbers by size (int < long < BigInteger items)', () => {
    expect(mavenScheme.compare('1.2147483648', '1.2147483647')).toBe(1);
    expect(mavenScheme.compare('1.9223372036854775808', '1.9223372036854775807')).toBe(1);
    expect(mavenScheme.compare('1.0123456789012345678901', '1.123456789012345678901')).toBe(0);
  });

  it.each([
    ['[1.0,2.0)', '1.0', true],
    ['[1.0,2.0)', '1.5.3', true],
    ['[1.0,2.0)', '2.0', false],
    ['[1.0,2.0)', '2.0-SNAPSHOT', true],
    ['(1.0,2.0]', '1.0', false],
    ['(,1.0]', '0.9', true],
    ['[1.5,)', '99', true],
    ['[1.0]', '1.0.0', true],
    ['[1.0]', '1.0.1', false],
    ['(,1.0],[1.2,)', '1.1', false],
    ['(,1.0],[1.2,)', '1.2', true],
    ['1.0', '7.0', true],
  ] as const)('%s contains %s: %s', (range, version, expected) => {
    expect(mavenScheme.satisfies?.(version, range)).toBe(expected);
  });

  it.each(['[1.0', '(1.0)', '[2.0,1.0]', '(1.0,1.0]', '[1.0,1.2),1.3', '[1.1,1.3),[1.2,1.4)', '[1,2,3]', ''])('rejects the range %j', (range) => {
    expect(parseMavenRange(range)).toBeNull();
    expect(mavenScheme.satisfies?.('1.0', range)).toBe(false);
  });

  it('bounds input at 256 characters', () => {
    expect(mavenScheme.isValid('1.'.repeat(200))).toBe(false);
    expect(mavenScheme.compare('1.'.repeat(200), '1')).toBe(-1);
  });
});
