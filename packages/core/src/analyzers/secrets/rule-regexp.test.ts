import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from './rules.js';
import { ENGINE_REPEATS_GROUP_NAMES } from './regex-features.js';
import { AliasedGroupsRegExp, renameRepeatedGroups, ruleRegExp } from './rule-regexp.js';

/** Every match of `regex` in `text`, as what a rule reads of it. */
function matches(regex: RegExp, text: string): unknown[] {
  const out: unknown[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    out.push({ at: m.index, text: m[0], numbered: [...m], groups: { ...m.groups }, spans: { ...m.indices?.groups } });
    if (m[0].length === 0) regex.lastIndex++;
  }
  return out;
}

// Node 22's V8 refuses a group name used twice; there the renamed form runs (rule-regexp.ts). The
// tests that take the engine's own repeated names as the reference need an engine that has them.

describe('rule RegExps on engines without repeated group names', () => {
  it('renames the second and later groups of a name, outside escapes and character classes', () => {
    expect(renameRepeatedGroups('(?<a>x)|(?<a>y)|(?<b>z)|(?<a>w)')).toEqual({
      source: '(?<a>x)|(?<a$2>y)|(?<b>z)|(?<a$3>w)',
      aliases: new Map([['a', ['a$2', 'a$3']]]),
    });
    expect(renameRepeatedGroups(String.raw`(?<a>x)|[(?<a>]\(?<a>(?<=q)(?<!r)`)).toBeNull();
    expect(renameRepeatedGroups('(?<a>x)|(?<a$2>y)|(?<a>z)')?.source).toBe('(?<a>x)|(?<a$2>y)|(?<a$3>z)');
  });

  it.skipIf(!ENGINE_REPEATS_GROUP_NAMES)('reads every built-in rule that repeats a name exactly as the engine that allows it does', () => {
    let repeated = 0;
    let found = 0;
    for (const rule of BUILTIN_RULES) {
      const renamed = renameRepeatedGroups(rule.regex);
      if (renamed === null) continue;
      repeated += 1;
      const flags = `gdm${rule.flags ?? ''}`;
      const samples = [
        ...rule.keywords.map((k) => `${k}="Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8"`),
        'curl -H "Authorization: Bearer Zq8xW3rT7yP2mK9vB4nL6cF1hJ5" x',
        "-H 'X-Api-Key: abcdefgh12345678'",
      ].join('\n');
      const native = matches(new RegExp(rule.regex, flags), samples);
      found += native.length;
      expect(matches(new AliasedGroupsRegExp(renamed.source, flags, renamed.aliases), samples), rule.id).toEqual(native);
    }
    expect(repeated).toBeGreaterThan(0);
    expect(found).toBeGreaterThan(0);
  });

  it.skipIf(!ENGINE_REPEATS_GROUP_NAMES)('puts the value and span of whichever renamed group took part under the shared name', () => {
    const renamed = renameRepeatedGroups('k=(?<secret>[a-z]+)|t:(?<secret>[0-9]+)');
    if (renamed === null) throw new Error('expected a rename');
    const regex = new AliasedGroupsRegExp(renamed.source, 'gd', renamed.aliases);
    const found = matches(regex, 'k=abc t:123');
    expect(found).toEqual(matches(new RegExp('k=(?<secret>[a-z]+)|t:(?<secret>[0-9]+)', 'gd'), 'k=abc t:123'));
    expect(found).toMatchObject([
      { groups: { secret: 'abc' }, spans: { secret: [2, 5] } },
      { groups: { secret: '123' }, spans: { secret: [8, 11] } },
    ]);
  });

  it.skipIf(!ENGINE_REPEATS_GROUP_NAMES)('builds the same RegExp as the engine where names may repeat', () => {
    expect(ruleRegExp('(?<a>x)|(?<a>y)', 'g').source).toBe('(?<a>x)|(?<a>y)');
  });

  it('built-in rules use no modifier groups, which Node 22 refuses too', () => {
    for (const rule of BUILTIN_RULES) expect(rule.regex, rule.id).not.toMatch(/\(\?(?:[ims]+(?:-[ims]*)?|-[ims]+):/);
  });
});
