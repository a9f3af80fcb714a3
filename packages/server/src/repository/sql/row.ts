/** Reading values back from either driver: SQLite hands JSON back as text and PostgreSQL's JSONB as values, BIGINT as text. */
import type { Page } from '@sekisho/model';
import { RepositoryError } from '../errors.js';
import { encodeCursor } from './cursor.js';

export function parse(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : (value ?? null);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export function optStr(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function iso(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RepositoryError('STORE_INVALID', 'not a valid time');
  return date.toISOString();
}

export function paged<T>(items: readonly T[], more: boolean, key: (last: T) => readonly (string | number)[]): Page<T> {
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

/** Refuses what is not a non-empty string of at most `max` characters (callers may not have checked). */
export function checkText(field: string, value: string, max: number): void {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new RepositoryError('STORE_INVALID', `${field} must be a non-empty string of at most ${max} characters`);
  }
}
