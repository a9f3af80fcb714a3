/**
 * Bounded JSON for request bodies: a byte limit, then a nesting-depth scan of the raw text before
 * `JSON.parse` sees it (the parser recurses, so a deep document would cost stack and time).
 * Hand-written because no maintained library bounds depth without parsing first.
 */
export const BODY_LIMITS = {
  /** The API server's own request limit is 3 MiB; a review carries object and oldObject. */
  bytes: 7 * 1024 * 1024,
  depth: 100,
} as const;

export type BodyError = { readonly status: 400 | 413; readonly message: string };

/** The deepest `[`/`{` nesting outside strings exceeds `limit`. Linear, no allocation. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash escapes the next character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Parses a bounded JSON body, or says why it is refused (400 malformed or too deep, 413 too large). */
export function parseJsonBody(bytes: Uint8Array, limits: { bytes: number; depth: number } = BODY_LIMITS): { ok: true; value: unknown } | ({ ok: false } & BodyError) {
  if (bytes.byteLength > limits.bytes) return { ok: false, status: 413, message: `body larger than ${limits.bytes} bytes` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, message: 'body is not UTF-8' };
  }
  if (jsonDepthExceeds(text, limits.depth)) return { ok: false, status: 400, message: `JSON nested deeper than ${limits.depth}` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, message: `body is not JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}` };
  }
}
