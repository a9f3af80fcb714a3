/*
 * PHP's `serialize()` format, read back as data: null, booleans, integers, floats, byte strings
 * and arrays (keys integer or string), nothing else. Objects (`O:`), custom-serialized classes
 * (`C:`), enums (`E:`) and references (`r:`/`R:`) are refused: PEAR's registry files hold only
 * arrays, and an input that names classes is not one of them.
 *
 * Written here rather than taken from npm: the packages that read this format (php-serialize,
 * phpunserialize, locutus's unserialize) exist to rebuild PHP objects, instantiate classes from a
 * scope or follow references, and none bounds its work; scanned images are untrusted, and what a
 * registry file needs is ~100 lines over bytes. String lengths count bytes, as PHP's do, so the
 * parser works on the Buffer, never on decoded text.
 *
 * Bounds: the input is at most what the cataloger reads (maxFileSize), arrays nest at most
 * MAX_DEPTH deep and hold at most MAX_ELEMENTS elements in all; past either the input is refused.
 */

export type PhpValue = null | boolean | number | string | PhpArray;
/** A PHP array: keys as PHP would make them (integers stay numbers). */
export type PhpArray = ReadonlyMap<string | number, PhpValue>;

const MAX_DEPTH = 32;
const MAX_ELEMENTS = 100_000;

export class PhpSerializedError extends Error {}

/** The value `bytes` serializes; throws PhpSerializedError when they are not exactly one supported value. */
export function parsePhpSerialized(bytes: Buffer): PhpValue {
  let at = 0;
  let elements = 0;

  const fail = (what: string): never => {
    throw new PhpSerializedError(`${what} at byte ${at}`);
  };
  const expect = (char: string): void => {
    if (bytes[at] !== char.charCodeAt(0)) fail(`expected '${char}'`);
    at += 1;
  };
  /** Bytes up to (not including) `end`, which is consumed. */
  const until = (end: string): string => {
    const stop = bytes.indexOf(end.charCodeAt(0), at);
    if (stop < 0 || stop - at > 64) fail(`expected '${end}'`);
    const text = bytes.toString('latin1', at, stop);
    at = stop + 1;
    return text;
  };
  const integer = (end: string): number => {
    const text = until(end);
    if (!/^[+-]?\d{1,18}$/.test(text)) fail('invalid integer');
    return Number(text);
  };

  const value = (depth: number): PhpValue => {
    const tag = String.fromCharCode(bytes[at] ?? 0);
    at += 1;
    switch (tag) {
      case 'N':
        expect(';');
        return null;
      case 'b': {
        expect(':');
        const flag = integer(';');
        if (flag !== 0 && flag !== 1) fail('invalid boolean');
        return flag === 1;
      }
      case 'i':
        expect(':');
        return integer(';');
      case 'd': {
        expect(':');
        const text = until(';');
        const number = text === 'INF' ? Infinity : text === '-INF' ? -Infinity : text === 'NAN' ? NaN : Number(text);
        if (text === '' || (Number.isNaN(number) && text !== 'NAN')) fail('invalid float');
        return number;
      }
      case 's': {
        expect(':');
        const length = integer(':');
        expect('"');
        if (length < 0 || at + length > bytes.length) fail('string longer than the input');
        const text = bytes.toString('utf8', at, at + length);
        at += length;
        expect('"');
        expect(';');
        return text;
      }
      case 'a': {
        if (depth >= MAX_DEPTH) fail(`arrays nested deeper than ${MAX_DEPTH}`);
        expect(':');
        const count = integer(':');
        if (count < 0) fail('invalid array size');
        elements += count;
        if (elements > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} array elements`);
        expect('{');
        const map = new Map<string | number, PhpValue>();
        for (let i = 0; i < count; i += 1) {
          const key = value(depth + 1);
          if (typeof key !== 'string' && (typeof key !== 'number' || !Number.isInteger(key))) fail('array key is not an integer or a string');
          map.set(key as string | number, value(depth + 1));
        }
        expect('}');
        return map;
      }
      default:
        return fail(tag === 'O' || tag === 'C' || tag === 'E' || tag === 'r' || tag === 'R' ? `unsupported value '${tag}' (objects and references are not read)` : 'unknown value');
    }
  };

  const result = value(0);
  // PHP's unserialize ignores what follows the value; a registry file ends with it.
  if (bytes.subarray(at).toString('latin1').trim() !== '') fail('trailing bytes');
  return result;
}

export function isPhpArray(value: PhpValue | undefined): value is PhpArray {
  return value instanceof Map;
}

/** `map[key]` when `map` is a PHP array. */
export function phpField(map: PhpValue | undefined, key: string): PhpValue | undefined {
  return isPhpArray(map) ? map.get(key) : undefined;
}
