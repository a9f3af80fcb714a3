import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { mavenScheme } from './index.js';

describe.skipIf(vectorFile('maven.jsonl') === null)('maven conformance', () => {
  it('maven.jsonl: agrees with ComparableVersion on every row', () => {
    const result = score(readJsonl<ComparisonRow>('maven.jsonl'), (r) => comparisonPasses(r, mavenScheme.compare));
    report('maven vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });

  // maven-resolver's GenericVersion is a different scheme; this only reports how far
  // ComparableVersion's order agrees with it.
  it.skipIf(vectorFile('maven-resolver.jsonl') === null)('maven-resolver.jsonl (GenericVersion): report only', () => {
    const result = score(readJsonl<ComparisonRow>('maven-resolver.jsonl'), (r) => comparisonPasses(r, mavenScheme.compare));
    report('maven-resolver vectors (GenericVersion, report only, compared with ComparableVersion)', result);
    expect(result.main.total).toBeGreaterThan(0);
  });
});
