import { describe, expect, it } from 'vitest';
import { gemScheme } from './index.js';

// Cases from rubygems test/rubygems/test_gem_version.rb (test_spaceship, test_semver,
// assert_version_equal) and test_gem_requirement.rb (assert_satisfied_by / refute_satisfied_by).
const ordered: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0.0', 0],
  ['1.0', '1.0.a', 1],
  ['1.8.2', '0.0.0', 1],
  ['1.8.2', '1.8.2.a', 1],
  ['1.8.2.b', '1.8.2.a', 1],
  ['1.8.2.a', '1.8.2', -1],
  ['1.8.2.a10', '1.8.2.a9', 1],
  ['', '0', 0],
  ['0.beta.1', '0.0.beta.1', 0],
  ['0.0.beta', '0.0.beta.1', -1],
  ['0.0.beta', '0.beta.1', -1],
  ['5.a', '5.0.0.rc2', -1],
  ['5.x', '5.0.0.rc2', 1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-beta.2', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-rc.1', '1.0.0', -1],
  ['1.0.0-1', '1', -1],
  ['1.2', '1.2.0', 0],
  ['1.0', '\n1.0\n', 0],
  ['1.9.3', '1.9.3.1', -1],
];

describe('gem scheme', () => {
  it.each(ordered)('compare(%j, %j) = %i', (a, b, expected) => {
    expect(gemScheme.compare(a, b)).toBe(expected);
    expect(gemScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each(['junk', '1.0\n2.0', '1..2', '2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.', '.1'])('rejects %j', (v) => {
    expect(gemScheme.isValid(v)).toBe(false);
  });

  it.each([
    ['1.3', '~> 1.2', true],
    ['2.0', '~> 1.4', false],
    ['1.4', '~> 1.4.4', false],
    ['2.0.a', '~> 2.0', false],
    ['5.0.0.rc2', '~> 5.a', true],
    ['1.5.0.rc1', '>= 1.4.4, < 1.5', true],
    ['1.5.0.rc1', '>= 1.4.4, < 1.5.a', false],
    ['1.0.0.0', '= 1.0', true],
    ['1.2', '1.2', true],
    ['1.4', '>= 1.4, <= 1.6, != 1.5', true],
    ['1.5', '>= 1.4, <= 1.6, != 1.5', false],
    ['3.0.rc2', '< 3.0.1', true],
    ['1.0', '=> 1.0', false],
  ] as const)('%s satisfies %j: %s', (version, requirement, expected) => {
    expect(gemScheme.satisfies?.(version, requirement)).toBe(expected);
  });
});
