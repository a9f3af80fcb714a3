/**
 * Test helpers for the version-vector conformance suites in ../shared/conformance (see its
 * README for the row formats and how to judge). Only test files import this module.
 */
import { readFileSync } from 'node:fs';
import { sharedFile } from '../testing/shared-data.js';

/**
 * A version-vector file, or null when it is absent (suites then skip). With
 * SEKISHO_REQUIRE_FIXTURES=1 an absent file throws instead, and the suite fails at collection.
 */
export function vectorFile(name: string): string | null {
  return sharedFile('conformance', 'version-vectors', name);
}

export function readJsonl<T>(name: string): T[] {
  const file = vectorFile(name);
  if (file === null) throw new Error(`version-vector file ${name} is absent: guard the suite with vectorFile(name) !== null`);
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export interface ComparisonRow {
  readonly a: string;
  readonly b: string;
  readonly cmp: -1 | 0 | 1;
  readonly source: string;
  readonly options?: Readonly<Record<string, boolean>>;
}

export interface Score<Row> {
  readonly passed: number;
  readonly total: number;
  readonly failures: Row[];
}

export interface SplitScore<Row> {
  readonly main: Score<Row>;
  /** Rows the README calls invalid-input edge cases, scored apart. */
  readonly edge: Score<Row>;
}

function signOf(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** A comparison row passes when both directions agree with `cmp` (sign and antisymmetry). */
export function comparisonPasses(row: ComparisonRow, compare: (a: string, b: string) => number): boolean {
  return signOf(compare(row.a, row.b)) === row.cmp && signOf(compare(row.b, row.a)) === -row.cmp;
}

export function score<Row>(rows: readonly Row[], passes: (row: Row) => boolean, isEdge: (row: Row) => boolean = () => false): SplitScore<Row> {
  const main = { passed: 0, total: 0, failures: [] as Row[] };
  const edge = { passed: 0, total: 0, failures: [] as Row[] };
  for (const row of rows) {
    const bucket = isEdge(row) ? edge : main;
    bucket.total++;
    if (passes(row)) bucket.passed++;
    else bucket.failures.push(row);
  }
  return { main, edge };
}

/** Prints the agreement figure the way every conformance test reports it. */
export function report<Row>(label: string, result: SplitScore<Row>): void {
  const { main, edge } = result;
  let line = `${label}: ${main.passed}/${main.total}`;
  if (edge.total > 0) line += ` (invalid-input edge cases: ${edge.passed}/${edge.total})`;
  console.log(line);
  const failures = [...main.failures, ...edge.failures].slice(0, 10);
  if (failures.length > 0) console.log(`${label} failures:\n${failures.map((f) => JSON.stringify(f)).join('\n')}`);
}
