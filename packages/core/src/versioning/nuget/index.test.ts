import { describe, expect, it } from 'vitest';
import { nugetScheme, parseNuGetRange } from './index.js';

// Cases after NuGet.Client test/NuGet.Core.Tests/NuGet.Versioning.Test (VersionComparerTests,
// NuGetVersionParseTest, VersionRangeTests) and the package-versioning documentation.
const ordered: [string, string, -1 | 0 | 1][] = [
  ['1.0.0', '1.0', 0],
  ['1.0.0', '1.0.0.0', 0],
  ['1', '1.0.0', 0],
  ['1.0.0+build', '1.0.0+other', 0],
  ['1.0.0-BETA', '1.0.0-beta', 0],
  ['1.0.0-beta', '1.0.0', -1],
  ['1.0.0', '1.0.0.1', -1],
  ['1.0.0.1', '1.0.1', -1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
  ['1.0.0-alpha.beta', '1.0.0-beta', -1],
  ['1.0.0-beta', '1.0.0-beta.2', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-beta.11', '1.0.0-rc.1', -1],
  ['1.0.0-rc.1', '1.0.0', -1],
  ['1.0.0-alpha', '1.0.0-Beta', -1],
  ['2.0.0', '10.0.0', -1],
  ['01.02.03', '1.2.3', 0],
];

describe('nuget scheme', () => {
  it.each(ordered)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(nugetScheme.compare(a, b)).toBe(expected);
    expect(nugetScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each([
    ['1.0.0.0', true],
    ['1.0.0-beta.1+meta', true],
    ['1.0.0.0.0', false],
    ['1.0.0-', false],
    ['1.0.0-beta..1', false],
    ['1.0.0+', false],
    ['a.b.c', false],
    ['1.0.0-beta_1', false],
    ['3000000000.0.0', false],
  ] as const)('isValid(%j) = %s', (v, valid) => {
    expect(nugetScheme.isValid(v)).toBe(valid);
  });

  it.each([
    ['1.0', '1.0.0', true],
    ['1.0', '0.9', false],
    ['1.0', '5.0', true],
    ['(1.0,)', '1.0', false],
    ['[1.0]', '1.0.0.0', true],
    ['[1.0]', '1.0.1', false],
    ['(,1.0]', '1.0', true],
    ['(,1.0)', '1.0', false],
    ['[1.0,2.0]', '2.0', true],
    ['(1.0,2.0)', '1.5-beta', true],
    ['[1.0,2.0)', '2.0', false],
    ['[1.0, 2.0)', '1.0.0-beta', false],
  ] as const)('%s contains %s: %s', (range, version, expected) => {
    expect(nugetScheme.satisfies?.(version, range)).toBe(expected);
  });

  it.each(['(1.0)', '[1.0', '(,)', '[2.0,1.0]', '(1.0,1.0]', '[1.0,2.0,3.0]', '1.*', ''])('rejects the range %j', (range) => {
    expect(parseNuGetRange(range)).toBeNull();
  });
});
