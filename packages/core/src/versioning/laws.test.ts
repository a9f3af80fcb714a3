import { describe, expect, it } from 'vitest';
import { versionSchemes } from './registry.js';
import type { VersionSchemeId } from './types.js';

// Versions from each scheme's own table test (valid ones and the invalid ones the table uses),
// over which compare must be a total preorder.
const SAMPLES = {
  deb: ['1.0-1', '1:0.4', '1.0~rc1', '1.0~~', '1.0~~a', '1.0', '1.0a', '1.0+', '7.6p2-4', '0-pre', '0-pree', '2.6b2-1', 'a-0', 'b-0', '', '1.0 1', 'x:1', '1.0000-1', '0:1.18.36'],
  rpm: ['1.0', '2.0', '2.0.1a', '5.5p10', '10xyz', 'xyz10', 'xyz.4', '6.0.rc1', '1.0~rc1', '1.0^git1', '1.0^', '1.0~rc1^git1', '1:1.0-1', '0:1.0-1', '1.0-1', '2_0', 'a+', '+_', '', '1.0-'],
  apk: ['1.0', '1.0bc', '0.1.0_alpha', '0.1.0_alpha2', '0.1.0_p1', '1.0-r1', '1.01', '1.001', '1.10', '0.1_pre2~1234abcd', '1.0~1234', 'a', '', '1.0_-r0', '7.6_p2', '6.0_pre1'],
  semver: ['0.0.0-foo', '0.0.0', '1.2.3-4', '1.2.3-a.10', '1.2.3-a.5', '1.2.3-a.b', '1.2.3', 'v1.2.3', '1.2.3+build', '2.0.0', 'junk', '', '= 1.2.3'],
  npm: ['0.0.0-foo', '0.0.0', '1.2.3-4', '1.2.3', ' v 1.2.3', '=1.2.3', '1.2.3beta', '2.0.0', 'junk', ''],
  pep440: ['1.0.dev456', '1.0a1', '1.0b2.post345.dev456', '1.0c1', '1.0rc2', '1.0', '1.0.0', '1.0.post456', '1.2+abc', '1.2+123', '1!1.0', 'v1.0', 'french toast', '', '1.0+a+'],
  maven: ['1-alpha2snapshot', '1-alpha-123', '1-m2', '1-rc', '1-SNAPSHOT', '1', '1.0', '1-ga', '1-sp', '1-abc', '1-1', '2.0.a', '2-1', '2.1b', '11.a2', '11', '11m', 'é', '1-ga1', '1.0.0.x1', ''],
  golang: [
    'bad',
    'v1-pre',
    'v1.0.0-alpha',
    'v1.0.0-beta.11',
    'v1',
    'v1.0',
    'v1.2.3-456',
    'v1.2.3-pre+meta',
    'v1.2.3',
    'v1.2.3+meta',
    'v0.0.0-20191109021931-daa7c04131f5',
    'v2.0.0+incompatible',
    '1.2.3',
  ],
  gem: ['1.0', '1.0.0', '1.0.a', '1.8.2.a10', '0.0.beta', '0.beta.1', '5.a', '5.x', '1.0.0-rc.1', '1.0.0-1', '', '0', '\n1.0\n', 'junk'],
  nuget: ['1.0.0', '1.0', '1.0.0.1', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-Beta', '1.0.0-beta.11', '1.0.0+meta', '01.02.03', 'a.b.c', ''],
  composer: ['1.0.0', '1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta2', '1.0.0-RC1', '1.0.0-patch1', '1.x-dev', 'dev-master', 'dev-foo', '2010-01-02', 'v1.0.0', 'junk', ''],
  cargo: ['1.2.3', '1.2.3-alpha', '1.2.3-alpha.1', '1.2.3-alpha.beta', '1.2.3+23', '1.2.3+42', '1.0.0+0', '1.0.0+00', '1.2', 'v1.2.3', ''],
} satisfies Record<VersionSchemeId, string[]>;

/** A small deterministic generator, so failures reproduce. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = '0123456789..--__++~~^^:!*xXvabcdefgprz ,|<>=()[]@#éé𝟤\u0000\n';

function garbage(count: number): string[] {
  const next = lcg(42);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = Math.floor(next() * 24);
    let s = '';
    for (let j = 0; j < length; j++) s += ALPHABET[Math.floor(next() * ALPHABET.length)] ?? '';
    out.push(s);
  }
  return out;
}

const HUGE = ['1.'.repeat(5000), '9'.repeat(100_000), `1.0-${'a.'.repeat(10_000)}`, '-'.repeat(20_000), `${'1'.repeat(300)}.0.0`, `v1.2.3-${'0'.repeat(300)}`];

describe.each(versionSchemes.map((s) => [s.id, s] as const))('laws of %s', (id, scheme) => {
  const samples = SAMPLES[id];
  const sign = (a: string, b: string): number => scheme.compare(a, b);

  it('is reflexive and antisymmetric over its table', () => {
    for (const a of samples) {
      expect(sign(a, a), JSON.stringify(a)).toBe(0);
      for (const b of samples) expect(sign(a, b) + sign(b, a), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(0);
    }
  });

  it('is transitive over its table', () => {
    for (const a of samples) {
      for (const b of samples) {
        const ab = sign(a, b);
        for (const c of samples) {
          const bc = sign(b, c);
          const ac = sign(a, c);
          const where = `${JSON.stringify(a)} ${JSON.stringify(b)} ${JSON.stringify(c)}`;
          if (ab <= 0 && bc <= 0) expect(ac <= 0, where).toBe(true);
          if (ab === 0 && bc === 0) expect(ac, where).toBe(0);
          if (ab < 0 && bc <= 0) expect(ac, where).toBe(-1);
        }
      }
    }
  });

  it('never throws on garbage or huge input, and answers -1, 0 or 1', () => {
    const inputs = [...garbage(300), ...HUGE, ...samples.slice(0, 4)];
    for (const a of inputs) {
      expect(() => scheme.isValid(a)).not.toThrow();
      for (const b of inputs.slice(0, 40)) {
        const r = scheme.compare(a, b);
        expect([-1, 0, 1]).toContain(r);
      }
      expect(() => scheme.satisfies?.(a, a)).not.toThrow();
      expect(() => scheme.satisfies?.('1.0.0', a)).not.toThrow();
      expect(() => scheme.isValidConstraint?.(a)).not.toThrow();
    }
    for (const huge of HUGE) expect(scheme.isValid(huge), huge.slice(0, 20)).toBe(false);
  });
});
