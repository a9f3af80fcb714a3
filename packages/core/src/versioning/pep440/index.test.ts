import { describe, expect, it } from 'vitest';
import { normalizePep440, parsePep440, pep440Scheme, satisfiesPep440 } from './index.js';

// Cases from pypa/packaging tests/test_version.py (VERSIONS order, normalization) and
// tests/test_specifiers.py (Specifier/SpecifierSet containment).
const ordered = [
  '1.0.dev456',
  '1.0a1',
  '1.0a2.dev456',
  '1.0a12.dev456',
  '1.0a12',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0b2-346',
  '1.0c1.dev456',
  '1.0c1',
  '1.0rc2',
  '1.0c3',
  '1.0',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.1.dev1',
  '1.2+123abc',
  '1.2+123abc456',
  '1.2+abc',
  '1.2+abc123',
  '1.2+abc123def',
  '1.2+1234.abc',
  '1.2+123456',
  '1.2.r32+123456',
  '1.2.rev33+123456',
  '1!1.0.dev456',
  '1!1.0',
];

describe('pep440 scheme', () => {
  it.each(ordered.slice(1).map((v, i) => [ordered[i] ?? '', v]))('%s < %s', (a, b) => {
    expect(pep440Scheme.compare(a, b)).toBe(-1);
    expect(pep440Scheme.compare(b, a)).toBe(1);
  });

  it.each([
    ['1.0', '1.0.0'],
    ['1.0rc1', '1.0c1'],
    ['1.0-1', '1.0.post1'],
    ['1.0+ubuntu-1', '1.0+ubuntu.1'],
    ['v1.0', '1.0'],
    ['1.0.DEV', '1.0.dev0'],
  ])('%s == %s', (a, b) => {
    expect(pep440Scheme.compare(a, b)).toBe(0);
  });

  it.each([
    ['1.0alpha1', '1.0a1'],
    ['1.0-beta.2', '1.0b2'],
    ['1.0preview', '1.0rc0'],
    ['1.0.post', '1.0.post0'],
    ['1.0-r4', '1.0.post4'],
    ['1.0.rev.4', '1.0.post4'],
    ['1.0-dev', '1.0.dev0'],
    ['1!1.0', '1!1.0'],
    ['0!1.0', '1.0'],
    ['1.0+ABC.007', '1.0+abc.7'],
    ['  1.0  ', '1.0'],
    ['01.02', '1.2'],
  ])('normalizes %j to %s', (input, normalized) => {
    const v = parsePep440(input);
    expect(v).not.toBeNull();
    if (v !== null) expect(normalizePep440(v)).toBe(normalized);
  });

  it.each(['french toast', '1.0+a+', '1.0+foo&asd', '1. 0', '1.0.', '1..2.3', '.', '٠١٢.٣٤٥'])('rejects %j', (v) => {
    expect(pep440Scheme.isValid(v)).toBe(false);
  });

  it.each([
    ['2.0', '==2', true],
    ['2.0+deadbeef', '==2.0', true],
    ['2.0+deadbeef', '==2+deadbeef', true],
    ['2.0.0', '==2.0.0.*', true],
    ['2.1+local.version', '==2.1.*', true],
    ['2.0', '!=3.*', true],
    ['2.1', '!=2.0.*', true],
    ['2.0.1', '>2', true],
    ['2.1', '~=2.0', true],
    ['2.0.1', '~=2.0.0', true],
    ['2.1', '==2', false],
    ['2.0', '==2.0+deadbeef', false],
    ['2.1', '==2.0.*', false],
    ['2.0+deadbeef', '!=2', false],
    ['2.0', '!=2.0.*', false],
    ['2.0.dev1', '<2', false],
    ['1.0a1', '>=1.0', false],
    ['1.0a1', '>=1.0a1', true],
    ['2.0.post1', '>2', false],
    ['2.0+local.version', '>2', false],
    ['3.0', '~=2.0', false],
    ['2.1', '~=2.0.0', false],
    ['1.5', '>=1.0, <2.0', true],
    ['2.0', '>=1.0, <2.0', false],
    ['1.0', '===1.0', true],
    ['1.0.0', '===1.0', false],
  ] as const)('satisfies(%s, %j) = %s', (version, spec, expected) => {
    expect(satisfiesPep440(version, spec)).toBe(expected);
  });

  it('admits installed pre-releases in the scheme, but keeps <V excluding V pre-releases', () => {
    expect(pep440Scheme.satisfies?.('1.0a1', '>=0.9')).toBe(true);
    expect(pep440Scheme.satisfies?.('2.0rc1', '<2.0')).toBe(false);
    expect(pep440Scheme.satisfies?.('2.0rc1', '<2.0rc2')).toBe(true);
  });

  it('rejects malformed specifiers', () => {
    for (const s of ['~=1', '<1.0.*', '>=1.0+local', '=>1.0', '==', 'junk']) {
      expect(pep440Scheme.isValidConstraint?.(s), s).toBe(false);
    }
  });
});
