import { describe, expect, it } from 'vitest';
import { composerScheme, normalizeComposerVersion, phpVersionCompare, satisfiesComposer } from './index.js';

// Cases from composer/semver tests/VersionParserTest.php (successfulNormalizedVersions,
// failingNormalizedVersions, parseConstraints cases), tests/SemverTest.php and
// tests/ComparatorTest.php, and PHP's version_compare documentation.
describe('composer scheme', () => {
  it.each([
    ['1.0.0', '1.0.0.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
    ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0-rc1', '1.0.0.0-RC1'],
    ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
    ['1.0-dev', '1.0.0.0-dev'],
    ['0', '0.0.0.0'],
    ['10.4.13-beta', '10.4.13.0-beta'],
    ['10.4.13beta2', '10.4.13.0-beta2'],
    ['10.4.13beta.2', '10.4.13.0-beta2'],
    ['10.4.13-b', '10.4.13.0-beta'],
    ['10.4.13-b5', '10.4.13.0-beta5'],
    ['v1.0.0', '1.0.0.0'],
    ['2010.01', '2010.01.0.0'],
    ['2010.01.02', '2010.01.02.0'],
    ['2010-01-02', '2010.01.02'],
    ['2010-01-02.5', '2010.01.02.5'],
    ['20100102-203040', '20100102.203040'],
    ['20100102203040-10', '20100102203040.10'],
    ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
    ['1.0.0+foo', '1.0.0.0'],
    ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
    ['dev-master', 'dev-master'],
    ['master', 'dev-master'],
    ['dev-feature-foo', 'dev-feature-foo'],
    ['1.x-dev', '1.9999999.9999999.9999999-dev'],
    ['1.0.x-dev', '1.0.9999999.9999999-dev'],
    ['1.0.0-stable', '1.0.0.0'],
    ['1.0.0 as 1.0.1', '1.0.0.0'],
    ['1.0.0@dev', '1.0.0.0'],
  ])('normalize(%j) = %s', (input, expected) => {
    expect(normalizeComposerVersion(input)).toBe(expected);
  });

  it.each(['', 'a', '1.0.0-meh', '1.0.0.0.0', '1.0.0+foo bar', 'feature-foo', '1.0.0-SNAPSHOT'])('rejects %j', (v) => {
    expect(composerScheme.isValid(v)).toBe(false);
  });

  it.each([
    ['1.0.0', '1.0.0.0', 0],
    ['1.0.0-dev', '1.0.0-alpha1', -1],
    ['1.0.0-alpha1', '1.0.0-beta1', -1],
    ['1.0.0-beta1', '1.0.0-RC1', -1],
    ['1.0.0-RC1', '1.0.0', -1],
    ['1.0.0', '1.0.0-patch1', -1],
    ['1.0.0-beta2', '1.0.0-beta10', -1],
    ['1.25.0', '1.24.0', 1],
    ['1.0.0', 'dev-master', -1],
    ['dev-foo', 'dev-bar', 1],
  ] as const)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(composerScheme.compare(a, b)).toBe(expected);
    expect(composerScheme.compare(b, a)).toBe(-expected || 0);
  });

  it('implements PHP version_compare', () => {
    expect(phpVersionCompare('5.2', '5.10')).toBe(-1);
    expect(phpVersionCompare('1.0rc1', '1.0')).toBe(-1);
    expect(phpVersionCompare('1.0pl1', '1.0')).toBe(1);
    expect(phpVersionCompare('1.0-dev', '1.0a')).toBe(-1);
    expect(phpVersionCompare('1.0.0', '1.0')).toBe(1);
  });

  it.each([
    ['1.2.3', '^1.2', true],
    ['2.0.0', '^1.2', false],
    ['1.2.0-beta1', '^1.2', true],
    ['0.3.9', '^0.3', true],
    ['0.4.0', '^0.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.9.9', '~1.2', true],
    ['2.0.0', '~1.2', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.0.5', '1.0.*', true],
    ['1.1.0', '1.0.*', false],
    ['3.0.0', '*', true],
    ['1.5.0', '1.0 - 2.0', true],
    ['2.0.5', '1.0 - 2.0', true],
    ['2.1.0', '1.0 - 2.0', false],
    ['2.0.0', '1.0.0 - 2.0.0', true],
    ['2.0.1', '1.0.0 - 2.0.0', false],
    ['1.5.0', '>=1.0 <2.0', true],
    ['1.5.0', '>=1.0,<1.5', false],
    ['3.1.0', '<1.0 || >=3.0', true],
    ['2.0.0', '<1.0 || >=3.0', false],
    ['1.1.0', '!=1.0.0', true],
    ['1.0.0', '1.0', true],
    ['1.0.0-beta1', '<1.0', false],
    ['0.9.0', '<1.0', true],
    ['dev-master', 'dev-master', true],
    ['dev-master', '>=1.0', false],
  ] as const)('%s satisfies %j: %s', (version, constraint, expected) => {
    expect(satisfiesComposer(version, constraint)).toBe(expected);
  });

  it.each(['', '~>1.2', '>= foo', '1.0 ||| 2.0'])('rejects the constraint %j', (c) => {
    expect(composerScheme.isValidConstraint?.(c)).toBe(false);
  });
});
