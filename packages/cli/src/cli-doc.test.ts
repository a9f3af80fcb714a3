import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

/*
 * docs/cli.md cannot drift from the program: every command has a `## \`sekisho …\`` section, and
 * each of its options appears in that section or in a shared group section (`## Registry options`…)
 * the command's section links to.
 */
const DOC = readFileSync(resolve(import.meta.dirname, '../../../docs/cli.md'), 'utf8');

interface Section {
  readonly title: string;
  readonly body: string;
}

function sections(markdown: string): Section[] {
  const out: Section[] = [];
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    out.push({ title: part.slice(0, newline).replaceAll('`', '').trim(), body: part.slice(newline + 1) });
  }
  return out;
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replaceAll(' ', '-');
}

function allCommands(program: Command): { name: string; command: Command }[] {
  const out = [{ name: 'sekisho', command: program }];
  for (let i = 0; i < out.length; i += 1) {
    const entry = out[i];
    if (entry === undefined) continue;
    for (const sub of entry.command.commands) out.push({ name: `${entry.name} ${sub.name()}`, command: sub });
  }
  return out;
}

const program = await buildProgram();

describe('docs/cli.md', () => {
  const docSections = sections(DOC);
  const byTitle = new Map(docSections.map((s) => [s.title, s]));
  const byAnchor = new Map(docSections.map((s) => [anchor(s.title), s]));
  const commands = allCommands(program);

  it('has a section for every command', () => {
    expect(commands.map((c) => c.name).filter((name) => !byTitle.has(name))).toEqual([]);
  });

  it('lists every option of every command, in its section or a group it links', () => {
    const missing: string[] = [];
    for (const { name, command } of commands) {
      const section = byTitle.get(name);
      if (section === undefined) continue;
      const linked = [...section.body.matchAll(/\]\(#([a-z0-9-]+)\)/g)].map((m) => byAnchor.get(m[1] ?? '')?.body ?? '');
      const text = [section.body, ...linked].join('\n');
      for (const option of command.options) {
        const flag = option.long ?? option.short ?? option.flags;
        if (!new RegExp(`\`[^\`]*${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text)) missing.push(`${name} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents no option the program does not have', () => {
    const known = new Set(commands.flatMap(({ command }) => command.options.map((o) => o.long ?? '')));
    const documented = [...DOC.matchAll(/^\| `(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] ?? '');
    expect(documented.filter((flag) => !known.has(flag))).toEqual([]);
  });
});
