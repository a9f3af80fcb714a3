import { describe, expect, it } from 'vitest';
import { compileRules, HIT_SPACING, PreparedRules, ruleAppliesToPath, rulesForPath, scanWithRules } from './engine.js';

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
