import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { pep440Scheme } from './index.js';

interface ValidityRow {
  readonly version: string;
  readonly valid: boolean;
}

describe.skipIf(vectorFile('pep440.jsonl') === null)('pep440 conformance', () => {
  it('pep440.jsonl: agrees with pypa/packaging on every comparison', () => {
    const result = score(readJsonl<ComparisonRow>('pep440.jsonl'), (r) => comparisonPasses(r, pep440Scheme.compare));
    report('pep440 vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });

  it.skipIf(vectorFile('pep440-invalid.jsonl') === null)('pep440-invalid.jsonl: rejects every version', () => {
    const result = score(readJsonl<ValidityRow>('pep440-invalid.jsonl'), (r) => pep440Scheme.isValid(r.version) === r.valid);
    report('pep440 invalid vectors', result);
    expect(result.main.failures).toEqual([]);
  });
});
