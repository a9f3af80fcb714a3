import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { gemRequirementsSatisfied, gemScheme } from './index.js';

interface RequirementRow {
  readonly requirement: readonly string[];
  readonly version: string;
  readonly satisfied: boolean;
}

// The README lists `"" == "0"` as an invalid-input edge case.
const isEdge = (row: ComparisonRow): boolean => row.a.trim() === '' || row.b.trim() === '';

describe.skipIf(vectorFile('rubygems.jsonl') === null)('gem conformance', () => {
  it('rubygems.jsonl: agrees with Gem::Version on every row', () => {
    const result = score(readJsonl<ComparisonRow>('rubygems.jsonl'), (r) => comparisonPasses(r, gemScheme.compare), isEdge);
    report('rubygems vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });

  it.skipIf(vectorFile('rubygems-requirements.jsonl') === null)('rubygems-requirements.jsonl: satisfied_by?', () => {
    const result = score(readJsonl<RequirementRow>('rubygems-requirements.jsonl'), (r) => gemRequirementsSatisfied(r.version, r.requirement) === r.satisfied);
    report('rubygems requirement vectors', result);
    expect(result.main.failures).toEqual([]);
  });
});
