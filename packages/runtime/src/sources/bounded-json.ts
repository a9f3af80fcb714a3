/**
 * JSON from untrusted streams with limits: a size cap before parsing and a nesting-depth cap
 * (JSON.parse itself copes with depth, but everything after it — rules, stringify for
 * `jevt.obj`, output — walks the value recursively).
 */
export interface JsonLimits {
  /** Largest accepted text, in UTF-16 code units (≈ bytes for JSON). */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and objects. */
  readonly maxDepth: number;
}

/** The k8saudit plugin's maxEventSize is 256 KiB; audit events with request and response objects can be larger. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 1024 * 1024, maxDepth: 100 };

export type JsonResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: 'too-large' | 'too-deep' | 'invalid-json' };

/** The nesting depth of JSON text (strings skipped), stopping as soon as it passes `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export function parseBoundedJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonResult {
  if (text.length > limits.maxBytes) return { ok: false, reason: 'too-large' };
  if (jsonDepthExceeds(text, limits.maxDepth)) return { ok: false, reason: 'too-deep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
}
