/** Permissive accessors for JSON from outside (SBOMs, VEX documents): wrong types read as absent. */
export type JsonObject = Record<string, unknown>;

export function obj(v: unknown): JsonObject | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string, or null. */
export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The non-empty strings of an array. */
export function strings(v: unknown): string[] {
  return arr(v).flatMap((x) => (typeof x === 'string' && x !== '' ? [x] : []));
}
