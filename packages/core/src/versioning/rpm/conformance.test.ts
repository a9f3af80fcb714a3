import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { rpmScheme } from './index.js';

const file = vectorFile('rpm.jsonl');

describe.skipIf(file === null)('rpm conformance: rpm.jsonl', () => {
  it('agrees with rpm on every row', () => {
    const result = score(readJsonl<ComparisonRow>('rpm.jsonl'), (r) => comparisonPasses(r, (a, b) => rpmScheme.compare(a, b)));
    report('rpm vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });
});
