/** JSON text for document columns, shared by every query module of the store. */

/** An escaped NUL (`\\u0000`) that is not itself preceded by an escaping backslash. */
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON text for a document column. NUL characters become U+FFFD in both dialects: PostgreSQL's
 * JSONB cannot hold them, and both stores must keep the same thing.
 */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null).replace(ESCAPED_NUL, '$1\\ufffd');
}
