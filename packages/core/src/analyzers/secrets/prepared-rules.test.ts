import { describe, expect, it } from 'vitest';
import { compileRules, HIT_SPACING, PreparedRules, rulesForPath, scanWithRules } from './engine.js';

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
});
