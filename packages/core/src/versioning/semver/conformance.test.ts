import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { compareNodeSemver, satisfiesNodeSemver } from './index.js';

interface RangeRow {
  readonly range: string;
  readonly version: string;
  readonly satisfies: boolean;
  readonly options?: { readonly loose?: boolean; readonly includePrerelease?: boolean };
}

// Rows carry node-semver options: `loose` is the npm scheme, no options the semver scheme.
describe.skipIf(vectorFile('semver.jsonl') === null)('semver/npm conformance', () => {
  it('semver.jsonl: agrees with node-semver on every comparison', () => {
    const result = score(readJsonl<ComparisonRow>('semver.jsonl'), (r) => comparisonPasses(r, (a, b) => compareNodeSemver(a, b, r.options ?? {})));
    report('semver vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });

  it.skipIf(vectorFile('semver-ranges.jsonl') === null)('semver-ranges.jsonl: range inclusion', () => {
    const result = score(readJsonl<RangeRow>('semver-ranges.jsonl'), (r) => satisfiesNodeSemver(r.version, r.range, r.options ?? {}) === r.satisfies);
    report('semver range vectors', result);
    expect(result.main.failures).toEqual([]);
  });
});
