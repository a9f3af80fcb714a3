import { describe, expect, it } from 'vitest';
import { cargoScheme } from './index.js';

// Cases from dtolnay/semver tests/test_version.rs, tests/test_version_req.rs and Cargo's
// "Specifying dependencies" reference.
describe('cargo scheme', () => {
  it.each([
    ['1.2.3', '1.2.4', -1],
    ['1.2.3-alpha', '1.2.3', -1],
    ['1.2.3-alpha1', '1.2.3-alpha2', -1],
    ['1.2.3-alpha.1', '1.2.3-alpha.beta', -1],
    ['1.2.3-alpha.2', '1.2.3-alpha.11', -1],
    ['1.2.3-beta', '1.2.3-rc', -1],
    ['1.2.3', '1.2.3', 0],
    ['1.2.3+build.42', '1.2.3+build.42', 0],
    ['1.2.3+23', '1.2.3+42', -1],
    ['1.2.3', '1.2.3+1', -1],
    ['1.0.0+0', '1.0.0+00', -1],
    ['1.0.0+9', '1.0.0+a', -1],
  ] as const)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(cargoScheme.compare(a, b)).toBe(expected);
    expect(cargoScheme.compare(b, a)).toBe(-expected || 0);
  });

  it.each([
    ['1.2.3', true],
    ['1.2.3-alpha.1+build', true],
    ['18446744073709551615.0.0', true],
    ['18446744073709551616.0.0', false],
    ['1.2', false],
    ['v1.2.3', false],
    ['01.2.3', false],
    ['1.2.3-01', false],
    ['1.2.3-', false],
    [' 1.2.3', false],
  ] as const)('isValid(%j) = %s', (v, valid) => {
    expect(cargoScheme.isValid(v)).toBe(valid);
  });

  it.each([
    ['1.2.3', '1.0.0', true],
    ['2.0.0', '1.0.0', false],
    ['1.2.3', '1.2.3', true],
    ['1.9.0', '1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['0.2.9', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['0.0.9', '^0.0', true],
    ['0.1.0', '^0.0', false],
    ['0.9.0', '^0', true],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.9', '~1', true],
    ['1.5.0', '>= 1.2.0, < 1.5.0', false],
    ['1.4.9', '>= 1.2.0, < 1.5.0', true],
    ['1.0.0', '*', true],
    ['1.2.0', '1.*', true],
    ['2.0.0', '1.*', false],
    ['1.2.5', '1.2.*', true],
    ['1.3.0', '=1.2', false],
    ['1.2.9', '=1.2', true],
    ['2.0.0', '>1', true],
    ['1.9.0', '>1', false],
    ['1.9.0', '<=1', true],
    ['1.2.3-alpha.2', '>=1.2.3-alpha.1', true],
    ['1.2.4-alpha.1', '>=1.2.3-alpha.1', false],
    ['1.2.3-beta', '^1.2.3-alpha', true],
    ['1.0.0-pre', '*', false],
    ['1.2.3-pre', '<1.2.3', false],
  ] as const)('%s satisfies %j: %s', (version, req, expected) => {
    expect(cargoScheme.satisfies?.(version, req)).toBe(expected);
  });

  it.each(['', '>= >= 1.0', '1.*.3', '>=1.*', '1.2-alpha', 'junk', '~>1.0', '1.0.0,'])('rejects the requirement %j', (r) => {
    expect(cargoScheme.isValidConstraint?.(r)).toBe(false);
  });
});
