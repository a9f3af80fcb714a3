import { decodeRune } from './gguf-header.js';
import type { GgufKeyValue, GgufValue } from './gguf-header.js';

/*
 * GGUF metadata written as Go's encoding/json writes gguf-parser-go's key-value list, byte for
 * byte: Syft hashes that text (XXH64) into `metadataKeyValuesHash`, an identifier of the model
 * that must come out equal here. Go's rules kept: keys sorted by their bytes; `<`, `>`, `&`,
 * U+2028 and U+2029 escaped; each byte of invalid UTF-8 written as \ufffd; float32 values in their
 * shortest float32 form; exponent form below 1e-6 and from 1e21 on; non-finite floats written as
 * the strings "NaN", "+Inf", "-Inf" (Syft's replacement).
 */

const HEX = '0123456789abcdef';

/** A string's bytes as a Go JSON string literal (the text is built as bytes: strings run to megabytes). */
export function goJsonString(bytes: Uint8Array): string {
  return goJsonStringBytes(bytes).toString('utf8');
}

function goJsonStringBytes(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytes.length * 6 + 2);
  let n = 0;
  out[n++] = 0x22;
  let at = 0;
  let run = 0;
  while (at < bytes.length) {
    const b = bytes[at] ?? 0;
    let escape: Uint8Array | undefined;
    let width = 1;
    if (b < 0x80) escape = ASCII_ESCAPES[b];
    else {
      const rune = decodeRune(bytes, at, bytes.length);
      if (rune === null) escape = INVALID_BYTE;
      else if (rune.code === 0x2028 || rune.code === 0x2029) escape = Buffer.from(`\\u${rune.code.toString(16)}`, 'latin1');
      width = rune?.width ?? 1;
    }
    if (escape !== undefined) {
      if (at > run) n += copyRun(bytes, run, at, out, n);
      for (let i = 0; i < escape.length; i += 1) out[n++] = escape[i] ?? 0;
      run = at + width;
    }
    at += width;
  }
  if (at > run) n += copyRun(bytes, run, at, out, n);
  out[n++] = 0x22;
  return out.subarray(0, n);
}

function copyRun(bytes: Uint8Array, start: number, end: number, out: Buffer, at: number): number {
  out.set(bytes.subarray(start, end), at);
  return end - start;
}

const INVALID_BYTE = Buffer.from('\\ufffd', 'latin1');

/** The escapes Go writes for ASCII bytes (control characters, quote, backslash, and `<`, `>`, `&`). */
const ASCII_ESCAPES: (Buffer | undefined)[] = Array.from({ length: 0x80 }, (_, b) => {
  const named: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };
  const escape = named[b] ?? (b < 0x20 || b === 0x3c || b === 0x3e || b === 0x26 ? `\\u00${HEX[b >> 4] ?? '0'}${HEX[b & 15] ?? '0'}` : undefined);
  return escape === undefined ? undefined : Buffer.from(escape, 'latin1');
});

/** A float as Go's encoding/json writes a float32 (`bits` 32) or float64. */
export function goJsonFloat(value: number, bits: 32 | 64): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (!Number.isFinite(value)) return value > 0 ? '"+Inf"' : '"-Inf"';
  if (Object.is(value, -0)) return '-0';
  // JavaScript writes a double in its shortest form and switches to exponent form at the same
  // bounds as Go (1e-6, 1e21); a float32 is first brought to its own shortest digits.
  return bits === 64 ? String(value) : String(Number(shortestFloat32(value)));
}

function shortestFloat32(value: number): string {
  for (let digits = 1; digits < 9; digits += 1) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return text;
  }
  return value.toPrecision(9);
}

/** A value as Go writes it, as text (tests and small values). */
export function goJsonValue(value: GgufValue): string {
  const parts: Buffer[] = [];
  writeValue(value, parts);
  return Buffer.concat(parts).toString('utf8');
}

type ScalarValue = Exclude<GgufValue, { readonly kind: 'string' } | { readonly kind: 'array' }>;

function writeValue(value: GgufValue, parts: Buffer[]): void {
  switch (value.kind) {
    case 'string':
      parts.push(goJsonStringBytes(value.bytes));
      return;
    case 'array': {
      parts.push(Buffer.from(`{"type":${value.itemType},"len":${value.length},`));
      if (value.items !== null && value.items.length > 0) {
        parts.push(Buffer.from('"array":['));
        value.items.forEach((item, i) => {
          if (i > 0) parts.push(COMMA);
          writeValue(item, parts);
        });
        parts.push(Buffer.from('],'));
      }
      parts.push(Buffer.from(`"startOffset":${value.startOffset},"size":${value.size}}`));
      return;
    }
    default:
      parts.push(Buffer.from(goJsonScalar(value)));
  }
}

const COMMA = Buffer.from(',');

function goJsonScalar(value: ScalarValue): string {
  switch (value.kind) {
    case 'integer':
      return value.value.toString();
    case 'float':
      return goJsonFloat(value.value, value.bits);
    case 'bool':
      return value.value ? 'true' : 'false';
  }
}

/** The key-value list sorted by key, as Go's json.Marshal writes it. */
export function goJsonMetadata(metadata: readonly GgufKeyValue[]): Buffer {
  const sorted = [...metadata].sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
  const parts: Buffer[] = [Buffer.from('[')];
  sorted.forEach((kv, i) => {
    parts.push(Buffer.from(i === 0 ? '{"key":' : ',{"key":'), goJsonStringBytes(kv.keyBytes), Buffer.from(`,"valueType":${kv.valueType},"value":`));
    writeValue(kv.value, parts);
    parts.push(Buffer.from('}'));
  });
  parts.push(Buffer.from(']'));
  return Buffer.concat(parts);
}
