import type * as SmolToml from 'smol-toml';
import { lazyModule } from '../../util/lazy-module.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');
const smolToml = lazyModule<typeof SmolToml>('smol-toml');

/** A parse result: the value, or why the file could not be read (it becomes a CatalogUnknown). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Deepest nesting accepted in JSON/JSONC documents; real lockfiles stay far below it. */
export const MAX_JSON_DEPTH = 512;
/** YAML aliases allowed per document (defeats "billion laughs" alias bombs). */
export const MAX_YAML_ALIASES = 100;

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
}

/** Control characters no text format here holds (whitespace controls and ESC aside): binary content. */
export const BINARY_CONTROL = /[\u0001-\u0008\u000e-\u001a\u001c-\u001f]/;

/**
 * A text file's content as a string, without a leading BOM and without NUL characters. None of the
 * text formats read through here (JSON, JSONC, YAML, TOML, core metadata, RECORD, lockfiles,
 * manifests) can hold a NUL, while a file stored sparse (or preallocated and partly written) reads
 * back with its holes as zeros: left in place, they glue themselves to the first key or line after
 * the hole, and the file fails to parse or loses entries.
 */
export function decodeText(content: Buffer): string {
  const raw = content.toString('utf8');
  const text = raw.includes('\0') ? raw.replace(/\0+/g, '') : raw;
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Nesting depth of a JSON text, counted in one linear pass that skips strings; stops early past
 * `limit`. JSON.parse itself copes with deep input, but every walk over the result would not.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  // Depth never exceeds the number of opening brackets, and most documents hold fewer than the
  // limit: counting them is a few native searches instead of a loop over every character (the
  // loop was most of parsing the 2,000 package.json files of a node_modules tree).
  if (openingBracketsAtMost(text, limit)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function openingBracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) if (++count > limit) return false;
  }
  return true;
}

export function parseJson(content: Buffer): Parsed<unknown> {
  const text = decodeText(content);
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return { ok: false, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${errorText(error)}` };
  }
}

/**
 * JSON with comments and trailing commas (bun.lock), turned into JSON by one pass that keeps
 * strings intact: drops `//` and `/* *\/` comments and commas directly before `}` or `]`.
 */
export function jsoncToJson(text: string): string {
  const parts: string[] = [];
  let runStart = 0;
  let pendingComma = -1;
  const flush = (end: number): void => {
    if (end > runStart) parts.push(text.slice(runStart, end));
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      pendingComma = -1;
      i = j + 1;
    } else if (c === 0x2f && (text.charCodeAt(i + 1) === 0x2f || text.charCodeAt(i + 1) === 0x2a)) {
      flush(i);
      const block = text.charCodeAt(i + 1) === 0x2a;
      const end = block ? text.indexOf('*/', i + 2) : text.indexOf('\n', i);
      i = end === -1 ? text.length : block ? end + 2 : end;
      runStart = i;
    } else if (c === 0x2c) {
      flush(i);
      pendingComma = parts.length;
      parts.push(',');
      i++;
      runStart = i;
    } else if (c === 0x7d || c === 0x5d) {
      if (pendingComma !== -1) parts[pendingComma] = '';
      pendingComma = -1;
      i++;
    } else {
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) pendingComma = -1;
      i++;
    }
  }
  flush(text.length);
  return parts.join('');
}

export function parseJsonc(content: Buffer): Parsed<unknown> {
  return parseJson(Buffer.from(jsoncToJson(decodeText(content))));
}

/**
 * YAML with the failsafe schema: every scalar stays a string, so versions such as `1.10` are not
 * turned into numbers; aliases are capped.
 */
export function parseYaml(content: Buffer): Parsed<unknown> {
  try {
    const value = yaml().parse(decodeText(content), {
      schema: 'failsafe',
      maxAliasCount: MAX_YAML_ALIASES,
      uniqueKeys: false,
      strict: false,
      // Pretty errors locate every error by scanning the text from its start: quadratic on hostile
      // input (200,000 quotes took 72 s, 0.8 s without). Warnings would go to stderr.
      prettyErrors: false,
      logLevel: 'error',
    }) as unknown;
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: `invalid YAML: ${errorText(error)}` };
  }
}

/**
 * Every document of a YAML stream (`---`-separated), as plain values. pnpm 11+ writes its
 * package-manager ("env") lockfile as a first document before the project's.
 */
export function parseYamlStream(content: Buffer): Parsed<unknown[]> {
  try {
    const docs = yaml().parseAllDocuments(decodeText(content), { schema: 'failsafe', uniqueKeys: false, strict: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    const values: unknown[] = [];
    for (const doc of list) {
      const error = doc.errors[0];
      if (error !== undefined) return { ok: false, reason: `invalid YAML: ${errorText(error)}` };
      values.push(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown);
    }
    return { ok: true, value: values };
  } catch (error) {
    return { ok: false, reason: `invalid YAML: ${errorText(error)}` };
  }
}

export function parseToml(content: Buffer): Parsed<Record<string, unknown>> {
  try {
    return { ok: true, value: smolToml().parse(decodeText(content)) };
  } catch (error) {
    return { ok: false, reason: `invalid TOML: ${errorText(error)}` };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A non-empty string after trimming, else null. */
export function nonEmpty(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
