import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { debScheme } from './index.js';

const file = vectorFile('dpkg.jsonl');

// The README lists `a-0 < b-0` (an upstream version not starting with a digit) as an
// invalid-input edge case.
const startsWithDigit = (v: string): boolean => /^\s*(?:[0-9]+:)?[0-9]/.test(v);
const isEdge = (row: ComparisonRow): boolean => !startsWithDigit(row.a) || !startsWithDigit(row.b);

describe.skipIf(file === null)('deb conformance: dpkg.jsonl', () => {
  it('agrees with dpkg on every row', () => {
    const result = score(readJsonl<ComparisonRow>('dpkg.jsonl'), (r) => comparisonPasses(r, (a, b) => debScheme.compare(a, b)), isEdge);
    report('dpkg vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });
});
