import { describe, expect, it } from 'vitest';
import { checkRegexSafety } from './regex-safety.js';
import { BUILTIN_RULES, GLOBAL_ALLOW_REGEXES } from './rules.js';
import { validateRule } from './engine.js';
import { ENGINE_HAS_MODIFIER_GROUPS } from './regex-features.js';

const kinds = (source: string, flags = ''): string[] => checkRegexSafety(source, flags).map((issue) => issue.kind);

describe('checkRegexSafety', () => {
  it.each([
    ['(a+)+$', 'unbounded-quantifier'],
    ['a*b', 'unbounded-quantifier'],
    ['x{3,}', 'unbounded-quantifier'],
    ['(?:a{1,5}){1,5}', 'nested-quantifier'],
    ['(?:a|ab){1,9}', 'nested-quantifier'],
    ['(?:a|a){1,20}', 'ambiguous-alternation'],
    ['(?:ab|ac){1,20}', 'ambiguous-alternation'],
    ['\\w{1,99}\\w{1,99}', 'adjacent-overlap'],
    ['[a-z]{1,50}x?[a-z0-9]{1,50}', 'adjacent-overlap'],
    ['\\w{1,99}x\\w{1,99}', 'adjacent-overlap'],
    ['[A-Z]{1,40}[a-z]{2,9}', 'adjacent-overlap', 'i'],
    ['(a)\\1', 'unsupported'],
    ['(?<n>a)\\k<n>', 'unsupported'],
    ['\\p{L}', 'unsupported'],
    ['a{1,99999}', 'too-large'],
    ['(unclosed', 'unsupported'],
  ])('rejects %s', (source, kind, flags = '') => {
    expect(kinds(source, flags)).toContain(kind);
  });

  it.each([
    ['ghp_[A-Za-z0-9]{36}'],
    ['(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])'],
    ['[a-z]{1,20}:[0-9]{1,5}'],
    ['[A-Z]{1,40}[a-z]{2,9}'],
    ['xox[bp]-[0-9]{10,13}-[0-9]{10,13}'],
    ['(?:-[a-f0-9]{4}){3}'],
    ['[\\s\\S]{64,30000}?-----END'],
    ['(?=[a-z]{1,9}Z)[a-zZ]{5,50}'],
  ])('accepts %s', (source) => {
    expect(checkRegexSafety(source)).toEqual([]);
  });

  // Modifier groups reach this check only from engines that have them (go-regex.ts).

  it.skipIf(!ENGINE_HAS_MODIFIER_GROUPS)('models case modifier groups: (?i:…) folds case inside, (?-i:…) stops folding', () => {
    expect(checkRegexSafety('(?:[Ss]umo|SUMO)(?i:[a-z]{0,8}?)=(?<secret>su[A-Za-z0-9]{12})')).toEqual([]);
    expect(kinds('(?i:[a-z]{1,40})[A-Z]{1,9}')).toContain('adjacent-overlap');
    expect(kinds('(?i:x)[A-Z]{1,9}[a-z]{1,9}')).toEqual([]); // folding ends with the group
    expect(kinds('(?x:a)')).toContain('unsupported');
  });

  it('rejects flags other than i and m', () => {
    expect(kinds('a', 's')).toContain('unsupported');
  });
});

describe('built-in rules', () => {
  it('has at least 100 rules with unique ids', () => {
    const ids = BUILTIN_RULES.map((rule) => rule.id);
    expect(ids.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(BUILTIN_RULES.map((rule) => [rule.id, rule] as const))('%s is valid and backtracking-safe', (_id, rule) => {
    expect(validateRule(rule)).toEqual([]);
  });

  it('global allow regexes are safe', () => {
    for (const source of GLOBAL_ALLOW_REGEXES) expect(checkRegexSafety(source)).toEqual([]);
  });

  it('pairWith names an existing rule', () => {
    const ids = new Set(BUILTIN_RULES.map((rule) => rule.id));
    for (const rule of BUILTIN_RULES) if (rule.pairWith !== undefined) expect(ids.has(rule.pairWith.rule)).toBe(true);
  });
});
