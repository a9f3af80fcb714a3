import { describe, expect, it } from 'vitest';
import { comparisonPasses, readJsonl, report, score, vectorFile } from '../conformance-helpers.js';
import type { ComparisonRow } from '../conformance-helpers.js';
import { apkScheme, apkVersionMatch, parseApkOperator } from './index.js';

interface FuzzyRow {
  readonly a: string;
  readonly op: string;
  readonly b: string;
  readonly expected: boolean;
}

interface ValidityRow {
  readonly version: string;
  readonly valid: boolean;
}

// The README lists `1.0 < 1.0bc` (an invalid version) as an invalid-input edge case.
const isEdge = (row: ComparisonRow): boolean => !apkScheme.isValid(row.a) || !apkScheme.isValid(row.b);

describe.skipIf(vectorFile('apk.jsonl') === null)('apk conformance', () => {
  it('apk.jsonl: agrees with apk-tools on every comparison', () => {
    const result = score(readJsonl<ComparisonRow>('apk.jsonl'), (r) => comparisonPasses(r, (a, b) => apkScheme.compare(a, b)), isEdge);
    report('apk vectors', result);
    expect(result.main.failures).toEqual([]);
    expect(result.main.total).toBeGreaterThan(0);
  });

  it.skipIf(vectorFile('apk-fuzzy-match.jsonl') === null)('apk-fuzzy-match.jsonl: fuzzy operators', () => {
    const result = score(readJsonl<FuzzyRow>('apk-fuzzy-match.jsonl'), (r) => {
      const op = parseApkOperator(r.op);
      return op !== null && apkVersionMatch(r.a, op, r.b) === r.expected;
    });
    report('apk fuzzy vectors', result);
    expect(result.main.failures).toEqual([]);
  });

  it.skipIf(vectorFile('apk-validity.jsonl') === null)('apk-validity.jsonl: validation', () => {
    const result = score(readJsonl<ValidityRow>('apk-validity.jsonl'), (r) => apkScheme.isValid(r.version) === r.valid);
    report('apk validity vectors', result);
    expect(result.main.failures).toEqual([]);
  });
});
