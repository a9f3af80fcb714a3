import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { canonicalGoVersion, golangScheme } from './index.js';

interface CanonicalRow {
  readonly version: string;
  readonly valid: boolean;
  readonly canonical: string | null;
}

// The README lists Go's invalid strings (equal to each other, below every valid version) as
// invalid-input edge cases.
const isEdge = (row: ComparisonRow): boolean => !golangScheme.isValid(row.a) || !golangScheme.isValid(row.b);

describe.skipIf(vectorFile('go.jsonl') === null)('golang conformance', () => {
  it('go.jsonl: agrees with x/mod semver.Compare', () => {
    const result = score(readJsonl<ComparisonRow>('go.jsonl'), (r) => comparisonPasses(r, golangScheme.compare), isEdge);
    report('go vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.edge.failures).toEqual([]);
  });

  it.skipIf(vectorFile('go-canonical.jsonl') === null)('go-canonical.jsonl: validity and canonical form', () => {
    const result = score(readJsonl<CanonicalRow>('go-canonical.jsonl'), (r) => golangScheme.isValid(r.version) === r.valid && canonicalGoVersion(r.version) === (r.canonical ?? ''));
    report('go canonical vectors', result);
    expect(result.main.failures).toEqual([]);
  });
});
