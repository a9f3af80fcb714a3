import { describe, expect, it } from 'vitest';
import { compileRules, newStats, scanBytes } from './engine.js';

/** Deterministic pseudo-random characters (no Math.random: the test must not flake). */
function chars(alphabet: string, n: number, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += alphabet[(x >>> 8) % alphabet.length];
  }
  return out;
}
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const URLSAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('secret candidate limit', () => {
  it('is per rule: 1,000+ candidates of one rule never hide another rule', () => {
    const padding = Array.from({ length: 1_200 }, (_, i) => `key${i} = AKIA${chars(B32, 16, i + 1)}`).join('\n');
    const gcp = `AIza${chars(URLSAFE, 35, 99_999)}`;
    const bytes = Buffer.from(`${padding}\nconst firebaseConfig = { apiKey: "${gcp}" };\n`);
    const candidates = scanBytes(compileRules(), { bytes, path: '/app/static/main.js', binary: false, lines: true }, newStats());
    expect(candidates.map((c) => c.rule.rule.id)).toContain('gcp-api-key');
  });
});
