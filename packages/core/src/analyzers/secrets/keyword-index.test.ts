import { describe, expect, it } from 'vitest';
import { compileRules } from './engine.js';
import { KeywordIndex } from './keyword-index.js';

/** A seeded linear congruential generator: the same pieces, and so the same texts, on every run. */
const randomBelow = (seed: number) => {
  let state = seed;
  return (n: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
};

const found = (index: KeywordIndex, text: string): boolean => index.scan(Buffer.from(text, 'utf8'), 1).size > 0;

describe('KeywordIndex.containsAny', () => {
  const index = new KeywordIndex(['token', 'ghp_', 'akia', 'secret_key']);

  it.each([
    ['', false],
    ['TOKEN', true],
    ['xToKeNx', true],
    ['a ghp_ in the middle', true],
    ['ends with akia', true],
    ['to€ken: a character between is not the keyword', false],
    ['tok\u{1F511}en', false],
    ['é token after a two-byte character', true],
    ['\u{1F511}akia after a surrogate pair', true],
    ['secret-key alone', false],
    ['tokeN', true],
    ['toke', false],
  ] as const)('%j: %s, as the byte scan finds', (text, expected) => {
    expect(index.containsAny(text)).toBe(expected);
    expect(found(index, text)).toBe(expected);
  });

  it('agrees with the byte scan on strings of keyword pieces, ASCII and other characters', () => {
    const rules = compileRules({});
    const keywords = rules.keywords.keywords.slice(0, 40);
    // Mostly halves of keywords and other characters: whole keywords come up now and then.
    const halves = keywords.flatMap((k) => [k.slice(0, k.length >> 1), k.slice(k.length >> 1).toUpperCase()]);
    const pieces = [...keywords.slice(0, 8), ...halves, ...halves, 'é', '€', '\u{1F511}', ' ', '_', '0', 'Z', 'é', '€', '\u{1F511}'];
    const next = randomBelow(42);
    let hits = 0;
    for (let i = 0; i < 5000; i += 1) {
      const text = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]).join('');
      const expected = found(rules.keywords, text);
      if (expected) hits += 1;
      expect(rules.keywords.containsAny(text), text).toBe(expected);
    }
    // Both answers came up often enough to mean something.
    expect(hits).toBeGreaterThan(500);
    expect(hits).toBeLessThan(4500);
  });

  it('falls back to the byte scan when a keyword is not ASCII', () => {
    const unicode = new KeywordIndex(['clé']);
    expect(unicode.containsAny('la CLÉ')).toBe(found(unicode, 'la CLÉ'));
    expect(unicode.containsAny('la clé')).toBe(found(unicode, 'la clé'));
    expect(unicode.containsAny('nothing')).toBe(false);
  });
});

describe('KeywordIndex.scan', () => {
  // The reference: every keyword looked for at every offset, ASCII case folded.
  const naive = (keywords: readonly string[], bytes: Uint8Array): Map<number, number[]> => {
    const fold = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
    const hits = new Map<number, number[]>();
    keywords.forEach((keyword, id) => {
      for (let start = 0; start + keyword.length <= bytes.length; start++) {
        let i = 0;
        while (i < keyword.length && fold(bytes[start + i] ?? -1) === fold(keyword.charCodeAt(i))) i++;
        if (i === keyword.length) hits.set(id, [...(hits.get(id) ?? []), start]);
      }
    });
    return hits;
  };
  const sorted = (hits: Map<number, number[]>) => [...hits].sort((a, b) => a[0] - b[0]);

  it('finds every hit of every keyword, overlapping ones and keywords inside keywords too', () => {
    const keywords = ['he', 'she', 'his', 'hers', 'token', 'oken', 'k', 'ghp_', 'secret_key', 'key'];
    const index = new KeywordIndex(keywords);
    for (const text of ['ushers', 'SHE said HIS HERS', 'tokentoken', 'ghp_ghp_', 'SECRET_KEY=key', 'kkk', '', 'é€\u{1F511}kéy']) {
      const bytes = Buffer.from(text, 'utf8');
      expect(sorted(index.scan(bytes, 1)), text).toEqual(sorted(naive(keywords, bytes)));
    }
  });

  it("agrees with looking for each keyword at each offset, on text made of the secret rules' keywords", () => {
    const keywords = compileRules({}).keywords.keywords;
    const index = new KeywordIndex(keywords);
    const pieces = [...keywords, ...keywords.map((k) => k.slice(0, k.length >> 1)), ...keywords.map((k) => k.slice(k.length >> 1).toUpperCase()), 'é', '\u{1F511}', ' ', '=', '_', '\0', '\xff'];
    const next = randomBelow(7);
    let withHits = 0;
    for (let i = 0; i < 300; i += 1) {
      const bytes = Buffer.from(Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join(''), 'utf8');
      const expected = naive(keywords, bytes);
      if (expected.size > 0) withHits += 1;
      expect(sorted(index.scan(bytes, 1))).toEqual(sorted(expected));
    }
    expect(withHits).toBeGreaterThan(100);
  });
});

describe('KeywordIndex.keywordIdsIn', () => {
  it('names the keywords the byte scan finds, for ASCII and other characters', () => {
    const index = new KeywordIndex(['token', 'ghp_', 'akia', 'secret_key', 'ken', '://']);
    for (const text of ['', 'TOKEN ghp_x', 'to€ken', 'é token://akia', '\u{1F511}secret_KEY and akiA', 'https://x', 'tokentoken']) {
      const expected = [...index.scan(Buffer.from(text, 'utf8'), 1).keys()].sort((a, b) => a - b);
      expect(
        [...(index.keywordIdsIn(text) ?? [])].sort((a, b) => a - b),
        text,
      ).toEqual(expected);
    }
  });

  it('answers null when a keyword is not ASCII', () => {
    expect(new KeywordIndex(['clé']).keywordIdsIn('une clé')).toBeNull();
  });
});
