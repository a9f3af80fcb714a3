/** Reading every page of a bounded list (exceptions in force, a digest's findings) without trusting its size. */
import type { Page, PageRequest } from '@sekisho/model';
import { ApiError } from './errors.js';

export async function readAll<T>(list: (page: PageRequest) => Promise<Page<T>>, max: number, what: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ limit: 500, cursor });
    out.push(...page.items);
    if (out.length > max) throw new ApiError(422, 'TOO_LARGE', `more than ${max} ${what}: narrow the request`);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}
