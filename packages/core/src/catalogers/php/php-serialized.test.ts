import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../testing/fuzz.js';
import { parsePhpSerialized, PhpSerializedError } from './php-serialized.js';
import type { PhpValue } from './php-serialized.js';

const parse = (text: string) => parsePhpSerialized(Buffer.from(text, 'utf8'));

/** PHP's serialize() for the values the parser reads (the test's own writer, for the round trip). */
function serialize(value: PhpValue): string {
  if (value === null) return 'N;';
  if (typeof value === 'boolean') return `b:${value ? 1 : 0};`;
  if (typeof value === 'number') return Number.isInteger(value) ? `i:${value};` : `d:${value};`;
  if (typeof value === 'string') return `s:${Buffer.byteLength(value)}:"${value}";`;
  return `a:${value.size}:{${[...value].map(([k, v]) => serialize(k) + serialize(v)).join('')}}`;
}

describe('parsePhpSerialized', () => {
  it('reads scalars and arrays as PHP wrote them', () => {
    expect(parse('N;')).toBeNull();
    expect(parse('b:1;')).toBe(true);
    expect(parse('i:-42;')).toBe(-42);
    expect(parse('d:0.5;')).toBe(0.5);
    expect(parse('d:INF;')).toBe(Infinity);
    expect(parse('s:5:"a;b"c";')).toBe('a;b"c');
    expect(parse('a:2:{i:0;s:1:"x";s:3:"key";a:1:{s:1:"y";b:0;}}')).toEqual(
      new Map<string | number, PhpValue>([
        [0, 'x'],
        ['key', new Map([['y', false]])],
      ]),
    );
  });

  it('counts string lengths in bytes, as PHP does', () => {
    expect(parse('s:3:"日";')).toBe('日');
    expect(() => parse('s:1:"日";')).toThrow(PhpSerializedError);
  });

  it.each([
    ['an object', 'O:8:"stdClass":1:{s:1:"a";i:1;}', "unsupported value 'O'"],
    ['a custom-serialized class', 'C:3:"Foo":2:{ab}', "unsupported value 'C'"],
    ['a reference', 'a:2:{i:0;i:1;i:1;R:2;}', "unsupported value 'R'"],
    ['a string longer than the input', 's:100:"short";', 'longer than the input'],
    ['a negative array size', 'a:-1:{}', 'invalid array size'],
    ['an array claiming more elements than it holds', 'a:3:{i:0;i:1;}', 'unknown value'],
    ['a float key', 'a:1:{d:1.5;i:1;}', 'array key'],
    ['trailing bytes', 'i:1;i:2;', 'trailing bytes'],
    ['an unterminated integer', 'i:12345', "expected ';'"],
    ['an integer of 30 digits', `i:${'9'.repeat(30)};`, 'invalid integer'],
    ['nothing', '', 'unknown value'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it('bounds nesting and the number of elements', () => {
    const deep = 'a:1:{i:0;'.repeat(40) + 'N;' + '}'.repeat(40);
    expect(() => parse(deep)).toThrow('nested deeper than 32');
    expect(() => parse('a:100001:{}')).toThrow('more than 100000 array elements');
  });

  it('reads back what serialize() writes, and throws only its own error on any other bytes', () => {
    const key = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 }));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constant(null),
        fc.boolean(),
        fc.integer(),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: ([k]) => k }).map((entries) => new Map(entries as [string | number, PhpValue][])),
      ),
    }));
    fc.assert(
      fc.property(value, (v) => {
        expect(parsePhpSerialized(Buffer.from(serialize(v as PhpValue), 'utf8'))).toEqual(v);
      }),
      fuzzParameters(200),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parsePhpSerialized(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(PhpSerializedError);
        }
      }),
      fuzzParameters(500),
    );
  });
});
