import { describe, expect, it } from 'vitest';
import { RepositoryError } from '../errors.js';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';
import { loadMigrations } from './migrate.js';
import { numberPlaceholders } from './postgres-driver.js';

function tablesAndColumns(sql: string): string[] {
  const out: string[] = [];
  for (const match of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    const columns = [...(match[2] ?? '').matchAll(/^ {2}(\w+)\s/gm)].map((m) => m[1]).filter((c) => c !== 'PRIMARY');
    out.push(`${match[1]}(${columns.join(',')})`);
  }
  for (const match of sql.matchAll(/ALTER TABLE (\w+) ADD COLUMN (\w+)/g)) out.push(`${match[1]}+${match[2]}`);
  return out;
}

describe('migrations', () => {
  it('are numbered 1…n and define (or add) the same tables and columns in both dialects', () => {
    const sqlite = loadMigrations('sqlite');
    const postgres = loadMigrations('postgres');
    expect(sqlite.map((m) => [m.version, m.name])).toEqual(postgres.map((m) => [m.version, m.name]));
    sqlite.forEach((m, i) => {
      const tables = tablesAndColumns(m.sql);
      expect(tables.length).toBeGreaterThan(0);
      expect(tablesAndColumns(postgres[i]?.sql ?? '')).toEqual(tables);
    });
  });
});

describe('keyset cursors', () => {
  it('round-trip and are checked against the list’s key shape', () => {
    const cursor = encodeCursor([5, 'f-1']);
    expect(decodeCursor(cursor, 'ns')).toEqual([5, 'f-1']);
    expect(decodeCursor(null, 'ns')).toBeNull();
    expect(() => decodeCursor(cursor, 'ss')).toThrow(RepositoryError);
    expect(() => decodeCursor('%%%', 'ns')).toThrow(RepositoryError);
    expect(() => decodeCursor('x'.repeat(5000), 'ns')).toThrow(RepositoryError);
  });

  it('bound page sizes', () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize({ limit: 0 })).toBe(1);
    expect(pageSize({ limit: 10_000 })).toBe(500);
    expect(pageSize({ limit: Number.NaN })).toBe(100);
  });
});

describe('numberPlaceholders', () => {
  it('numbers ? placeholders for PostgreSQL', () => {
    expect(numberPlaceholders('a = ? AND (b < ? OR c IN (?, ?))')).toBe('a = $1 AND (b < $2 OR c IN ($3, $4))');
  });
});
