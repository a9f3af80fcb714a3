import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from './chunks.js';

const whole = (value: Record<string, unknown>): string => `${JSON.stringify(value, null, 2)}\n`;

describe('jsonChunks', () => {
  it('writes what JSON.stringify(value, null, 2) writes, across chunk boundaries', () => {
    const packages = Array.from({ length: 1234 }, (_, i) => ({
      id: `p${i}`,
      name: i % 7 === 0 ? 'multi\nline "quoted" ✓' : `pkg-${i}`,
      locations: i % 3 === 0 ? [] : [{ path: `/usr/lib/p${i}`, layer: null }],
      metadata: i % 5 === 0 ? { nested: [[1, 2], { deep: ['x'] }], empty: {} } : null,
    }));
    const value = { schema: 'sekisho.report/v1', packages, findings: [], none: undefined, target: { reference: 'x', tags: ['a'] }, relationships: [{ from: 'a', to: 'b' }] };
    expect([...jsonChunks(value)].join('')).toBe(whole(value));
    // Each 500 elements of an array come as one chunk, never the whole array.
    expect(Math.max(...[...jsonChunks(value)].map((c) => c.length))).toBeLessThan(whole(value).length / 2);
  });

  it('agrees with JSON.stringify on generated values', () => {
    const key = fc.constantFrom('a', 'b', 'packages', '__proto__', 'naïve', '');
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 1200 }))), (value) => {
        expect([...jsonChunks(value)].join('')).toBe(whole(value));
      }),
      { numRuns: 300 },
    );
  });
});
