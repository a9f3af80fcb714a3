import { describe, expect, it } from 'vitest';
import { FALSE_POSITIVES, TRUE_POSITIVES } from './__fixtures__/samples.js';
import { compileRules, HIT_SPACING, mayHaveCandidates, ONE_WINDOW_BYTES, PreparedRules, ruleAppliesToPath, rulesForPath, scanWithRules } from './engine.js';

const rules = compileRules();
const texts = [
  'https://deploy:hunter2-prod-7Qx@registry.example.com/v2/',
  'GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB and aws AKIAIOSFODNN7EXAMPLF',
  'xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx',
  'Debian Adduser Developers <adduser@packages.debian.org>',
  'debian-archive-keyring',
  '',
];

describe('PreparedRules', () => {
  it('picks, in the given order, exactly the rules whose keywords the text hits', () => {
    const applicable = rulesForPath(rules, 'sekisho:output', false);
    const prepared = new PreparedRules(applicable);
    for (const text of texts) {
      const hits = rules.keywords.scan(Buffer.from(text), HIT_SPACING);
      const expected = applicable.filter((r) => r.keywordIds.length === 0 || r.keywordIds.some((id) => hits.has(id)));
      expect(prepared.withHits(hits)).toEqual(expected);
    }
  });

  it('finds the same secrets as the rule list it was made from', () => {
    const applicable = rulesForPath(rules, 'app/.env', false);
    const prepared = new PreparedRules(applicable);
    let found = 0;
    for (const text of texts) {
      const bytes = Buffer.from(text);
      const hits = rules.keywords.scan(bytes, HIT_SPACING);
      const input = { bytes, path: 'app/.env', binary: false, lines: true };
      const direct = scanWithRules(rules, applicable, input, hits);
      expect(scanWithRules(rules, prepared, input, hits)).toEqual(direct);
      found += direct.length;
    }
    expect(found).toBeGreaterThanOrEqual(3);
  });

  it('asks a rule its path test only when a text first hits one of its keywords, and then keeps the answer', () => {
    for (const path of ['sekisho:output', 'app/.env', 'home/u/.aws/credentials', 'src/main.go']) {
      const asked = new Map<string, number>();
      const prepared = new PreparedRules(rules.rules, (compiled) => {
        asked.set(compiled.rule.id, (asked.get(compiled.rule.id) ?? 0) + 1);
        return ruleAppliesToPath(compiled, path, false);
      });
      const expectedRules = rulesForPath(rules, path, false);
      for (const text of [...texts, ...texts]) {
        const hits = rules.keywords.scan(Buffer.from(text), HIT_SPACING);
        const expected = expectedRules.filter((r) => r.keywordIds.length === 0 || r.keywordIds.some((id) => hits.has(id)));
        expect(prepared.withHits(hits), `${path}: ${text}`).toEqual(expected);
      }
      expect([...asked.values()].every((n) => n === 1)).toBe(true);
      expect(asked.size).toBeLessThan(rules.rules.length / 4);
    }
  });
});

describe('mayHaveCandidates (the output redactor skips a short string it answers false for)', () => {
  const output = 'sekisho:output';
  const prepared = new PreparedRules(rulesForPath(rules, output, false));
  const candidatesIn = (text: string): number => {
    const bytes = Buffer.from(text, 'utf8');
    return scanWithRules(rules, prepared, { bytes, path: output, binary: false, lines: false }, rules.keywords.scan(bytes, HIT_SPACING)).length;
  };
  const idsOf = (text: string): Set<number> => rules.keywords.keywordIdsIn(text) ?? new Set();
  // Every sample's text, its lines, and pieces cut at seeded places: secrets whole, cut short, and gone.
  const pieces = (text: string): string[] => {
    const out = [text, ...text.split('\n')];
    for (let cut = 7; cut < text.length; cut += 13) out.push(text.slice(0, cut), text.slice(cut));
    return out;
  };
  const corpus = [...texts, ...TRUE_POSITIVES.map((s) => s.text), ...FALSE_POSITIVES.map((s) => s.text)].flatMap(pieces);

  it('is true for every text in which scanWithRules finds a candidate', () => {
    let withCandidates = 0;
    for (const text of corpus) {
      if (candidatesIn(text) === 0) continue;
      withCandidates++;
      expect(mayHaveCandidates(prepared, text, idsOf(text)), text).toBe(true);
    }
    expect(withCandidates).toBeGreaterThan(100);
  });

  it('is false for short texts that hold a keyword and no secret: URLs, mail addresses', () => {
    for (const text of ['https://github.com/npm/cli', 'Debian Adduser Developers <adduser@packages.debian.org>', 'git+ssh://git@github.com/a/b.git']) {
      expect(idsOf(text).size, text).toBeGreaterThan(0);
      expect(candidatesIn(text)).toBe(0);
      expect(mayHaveCandidates(prepared, text, idsOf(text)), text).toBe(false);
    }
  });

  it('leaves to the full scan a text longer than one window, or one holding a surrogate', () => {
    const url = 'https://github.com/npm/cli';
    expect(mayHaveCandidates(prepared, `${url} ${'x'.repeat(ONE_WINDOW_BYTES)}`, idsOf(url))).toBe(true);
    expect(mayHaveCandidates(prepared, `${url} \u{1F511}`, idsOf(url))).toBe(true);
    expect(mayHaveCandidates(prepared, `${url} \uD800`, idsOf(url))).toBe(true);
  });
});
