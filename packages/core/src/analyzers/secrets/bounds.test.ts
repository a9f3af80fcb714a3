import { describe, expect, it } from 'vitest';
import { compileRules, HIT_SPACING, MAX_WINDOW, newStats, scanBytes, type CompiledRules } from './engine.js';
import { parseRegex, type RegexNode } from './regex-safety.js';
import { generateFromRule } from './__fixtures__/generate.js';

/**
 * Pathological inputs per rule (about 100 KB each): the rule's keywords flooded, each keyword
 * followed by a huge run of a character the rule's classes accept, and a true sample followed by
 * a huge run. Assertions are on the work the engine allows (window sizes and counts), not time.
 */
const ALL = compileRules();
const SIZE = 100_000;

function classChars(source: string, flags: string): string[] {
  const picked = new Set<string>();
  const visit = (node: RegexNode): void => {
    if (node.t === 'char') {
      const members = node.set.members().filter((c) => c > 32 && c < 127);
      for (const want of [97, 65, 48, 45, 47, 61, 46, 95]) if (members.includes(want)) picked.add(String.fromCharCode(want));
      if (members[0] !== undefined) picked.add(String.fromCharCode(members[0]));
    } else if (node.t === 'group') for (const seq of node.alts) seq.forEach(visit);
    else if (node.t === 'repeat' || node.t === 'look') visit(node.body);
  };
  visit(parseRegex(source, flags));
  return [...picked];
}

function only(id: string): CompiledRules {
  const compiled = ALL.byId.get(id);
  if (compiled === undefined) throw new Error(id);
  return { ...ALL, rules: [compiled] };
}

describe('pathological inputs stay within the window bounds', () => {
  it.each(ALL.rules.map((c) => [c.rule.id, c] as const))('%s', (id, compiled) => {
    const rules = only(id);
    const rule = compiled.rule;
    const keywords = rule.keywords.length > 0 ? rule.keywords : ['x'];
    const inputs: string[] = [];
    for (const keyword of keywords.slice(0, 3)) {
      inputs.push(`${keyword} `.repeat(Math.ceil(SIZE / (keyword.length + 1))));
      for (const ch of classChars(rule.regex, rule.flags ?? '').slice(0, 4)) {
        inputs.push(keyword + ch.repeat(SIZE));
        inputs.push(`${keyword}${ch.repeat(40)}`.repeat(Math.ceil(SIZE / (keyword.length + 40))));
      }
    }
    inputs.push(generateFromRule(rule, 'real').trimEnd() + 'A'.repeat(SIZE));
    const path = rule.paths?.[0]?.replace(/^\*\*\//, '/home/app/').replace(/\*/g, 'x') ?? '/app/f.txt';
    for (const input of inputs) {
      const bytes = Buffer.from(input, 'latin1');
      for (const binary of rule.binary === true ? [false, true] : [false]) {
        const stats = newStats();
        scanBytes(rules, { bytes, path, binary, lines: !binary }, stats);
        expect(stats.maxWindowChars).toBeLessThanOrEqual(MAX_WINDOW);
        const perKeyword = Math.ceil(bytes.length / HIT_SPACING) + 1;
        expect(stats.windows).toBeLessThanOrEqual(Math.max(1, rule.keywords.length) * perKeyword);
        expect(stats.regexInputChars).toBeLessThanOrEqual(stats.windows * MAX_WINDOW);
      }
    }
  });
});
