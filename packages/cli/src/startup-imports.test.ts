import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `sekisho --version`, `--help` and usage errors load only what main.ts reaches through static
 * imports (commands come through dynamic import() in program.ts). This walks that graph in the
 * sources and checks that no command module and no heavy library is on it.
 */
const CLI_SRC = import.meta.dirname;
const CORE_SRC = resolve(CLI_SRC, '../../core/src');
const WORKSPACE: Readonly<Record<string, string>> = { '@sekisho/core/startup': join(CORE_SRC, 'startup.ts') };
/** Third-party packages start-up may load: the argument parser and the redactor's glob matcher. */
const ALLOWED_PACKAGES = new Set(['commander', 'picomatch']);

/** Static imports and re-exports of a file; with `topLevelAwait`, its top-level `await import()` too (main.ts). */
function importsOf(file: string, topLevelAwait: boolean): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)';/gm)) out.push(match[1] ?? '');
  if (topLevelAwait) for (const match of text.matchAll(/^const .*= await import\('([^']+)'\);/gm)) out.push(match[1] ?? '');
  return out;
}

function startupGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>([entry]);
  const packages = new Set<string>();
  for (const file of files) {
    for (const specifier of importsOf(file, file === entry)) {
      if (specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) files.add(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (WORKSPACE[specifier] !== undefined) files.add(WORKSPACE[specifier]);
      else packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
    }
  }
  return { files, packages };
}

describe('start-up imports', () => {
  const { files, packages } = startupGraph(join(CLI_SRC, 'main.ts'));

  it('reaches no command module', () => {
    expect([...files].filter((file) => file.includes('/commands/'))).toEqual([]);
  });

  it('loads no library but the argument parser and the glob matcher (not the core barrel, not @sekisho/model)', () => {
    expect([...packages].filter((name) => !ALLOWED_PACKAGES.has(name)).sort()).toEqual([]);
  });

  it('follows the graph (main.ts reaches run.ts, program.ts and the core start-up entry)', () => {
    expect([...files].map((file) => file.replace(/.*\/packages\//, ''))).toEqual(expect.arrayContaining(['cli/src/run.ts', 'cli/src/program.ts', 'core/src/startup.ts']));
  });
});
