import { describe, expect, it } from 'vitest';
import { npmScheme, satisfiesNodeSemver, semverScheme } from './index.js';

// Cases from node-semver test/fixtures/comparisons.js, equality.js, range-include.js and
// range-exclude.js.
const ordered: [string, string, -1 | 0 | 1][] = [
  ['0.0.0', '0.0.0-foo', 1],
  ['0.0.1', '0.0.0', 1],
  ['1.0.0', '0.9.9', 1],
  ['0.10.0', '0.9.0', 1],
  ['0.99.0', '0.10.0', 1],
  ['2.0.0', '1.2.3', 1],
  ['1.2.3', '1.2.3-asdf', 1],
  ['1.2.3-4', '1.2.3', -1],
  ['1.2.3-4-foo', '1.2.3', -1],
  ['1.2.3-5-foo', '1.2.3-5', 1],
  ['1.2.3-5', '1.2.3-4', 1],
  ['1.2.3-5-foo', '1.2.3-5-Foo', 1],
  ['3.0.0', '2.7.2+asdf', 1],
  ['1.2.3-a.10', '1.2.3-a.5', 1],
  ['1.2.3-a.b', '1.2.3-a.5', 1],
  ['1.2.3-a.b', '1.2.3-a', 1],
  ['1.2.3-a.b.c.10.d.5', '1.2.3-a.b.c.5.d.100', 1],
  ['1.2.3-r2', '1.2.3-r100', 1],
  ['1.2.3-r100', '1.2.3-R2', 1],
  ['1.2.3', 'v1.2.3', 0],
  ['1.2.3-beta+build', '1.2.3-beta+otherbuild', 0],
  ['1.2.3+build', '1.2.3+otherbuild', 0],
];

describe('semver scheme', () => {
  it.each(ordered)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(semverScheme.compare(a, b)).toBe(expected);
    expect(semverScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each([
    ['1.0.0 - 2.0.0', '1.2.3', true],
    ['^1.2.3+build', '1.3.0', true],
    ['1.2.3pre+asdf - 2.4.3-pre+asdf', '1.2.3', false],
    ['>=*', '0.2.4', true],
    ['', '1.0.0', true],
    ['*', '1.2.3', true],
    ['~1.2.1 >=1.2.3', '1.2.3', true],
    ['||', '1.3.4', true],
    ['2.x.x', '2.1.3', true],
    ['1.2.x || 2.x', '2.1.3', true],
    ['^1.2.3', '1.8.1', true],
    ['^0.1.2', '0.1.2', true],
    ['^0.1.2', '0.2.0', false],
    ['^1.2.3', '1.2.4-beta', false],
    ['^1.2.3-beta.2', '1.2.3-beta.4', true],
    ['^1.2.3-beta.2', '1.2.4-beta.4', false],
    ['~1.2', '1.3.0', false],
    ['<1.2.3', '1.2.3-beta', false],
    ['=0.7.x', '0.7.2', true],
    ['>1.2', '1.3.0-beta', false],
    ['1.0.0', '1.0.1', false],
  ] as const)('satisfies(%j, range %j) = %s', (range, version, expected) => {
    expect(semverScheme.satisfies?.(version, range)).toBe(expected);
  });

  it('npm is node-semver loose', () => {
    expect(npmScheme.isValid('= 1.2.3')).toBe(true);
    expect(semverScheme.isValid('= 1.2.3')).toBe(false);
    expect(npmScheme.compare('1.2.3', ' v 1.2.3')).toBe(0);
    expect(npmScheme.compare('1.2.3', '=1.2.3')).toBe(0);
    expect(npmScheme.satisfies?.('1.2.3', '1.2.3-pre+asdf - 2.4.3pre+asdf')).toBe(true);
  });

  it('includePrerelease widens ranges to pre-releases', () => {
    expect(satisfiesNodeSemver('2.0.0-pre.0', '2.x')).toBe(false);
    expect(satisfiesNodeSemver('2.0.0-pre.0', '2.x', { includePrerelease: true })).toBe(true);
  });

  it('invalid versions sort below valid ones and never throw', () => {
    expect(semverScheme.compare('not-a-version', '0.0.0')).toBe(-1);
    expect(semverScheme.compare('x', 'x')).toBe(0);
    expect(semverScheme.satisfies?.('junk', '*')).toBe(false);
    expect(semverScheme.satisfies?.('1.0.0', '>=1'.repeat(2000))).toBe(false);
  });
});
