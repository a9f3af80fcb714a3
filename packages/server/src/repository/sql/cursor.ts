/** Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. */
import { RepositoryError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../types.js';
import type { PageRequest } from '@sekisho/model';

export type CursorKey = readonly (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key of `cursor`, checked against the expected shape (`s` string, `n` number); null for the first page. */
export function decodeCursor(cursor: string | null | undefined, shape: string): CursorKey | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  let key: unknown;
  try {
    key = cursor.length <= 4096 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    key = null;
  }
  const ok = Array.isArray(key) && key.length === shape.length && key.every((v: unknown, i) => (shape[i] === 'n' ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string'));
  if (!ok) throw new RepositoryError('STORE_INVALID', 'not a cursor of this list');
  return key as CursorKey;
}

/** The page size to ask for: the request's, within 1…MAX_PAGE_SIZE. */
export function pageSize(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(limit)));
}
