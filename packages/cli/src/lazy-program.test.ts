import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { describeCommands, parseCommandTable } from './lazy-program.js';
import { COMMANDS, buildProgram } from './program.js';
import { runCli } from './run.js';

const table = describeCommands(await buildProgram());

async function run(argv: readonly string[], lazy: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false };
  const code = await runCli(argv, io, lazy ? table : null);
  return { code, stdout, stderr };
}

describe('lazy command loading', () => {
  it('keys every command by its own name', () => {
    expect(table.commands.map((c) => c.name)).toEqual(Object.keys(COMMANDS));
  });

  it.each([
    ['--help'],
    ['--version'],
    [],
    ['help'],
    ['help', 'image'],
    ['image', '--help'],
    ['--quiet', 'db', 'build', '--help'],
    ['fs', '-h'],
    ['imag'],
    ['--bogus'],
    ['image'],
    ['config', '--bogus-flag', 'x'],
    ['policy', 'schema'],
  ])('gives the same output as the fully loaded program: sekisho %s', async (...argv: string[]) => {
    const lazy = await run(argv, true);
    expect(lazy).toEqual(await run(argv, false));
    expect(lazy.stdout + lazy.stderr).not.toBe('');
  });

  it('lists each command in root help with its usage from the table', async () => {
    const { stdout } = await run(['--help'], true);
    for (const entry of table.commands) expect(stdout).toContain(entry.term);
  });

  it('ignores a table that does not name exactly the commands of this build', () => {
    const text = JSON.stringify(table);
    expect(parseCommandTable(text)).toEqual(table);
    expect(parseCommandTable(JSON.stringify({ commands: table.commands.slice(1) }))).toBeNull();
    expect(parseCommandTable(JSON.stringify({ commands: [...table.commands].reverse() }))).toBeNull();
    expect(parseCommandTable(JSON.stringify({ commands: table.commands.map((c) => ({ ...c, term: 1 })) }))).toBeNull();
    expect(parseCommandTable('{"commands":')).toBeNull();
    expect(parseCommandTable('null')).toBeNull();
  });
});
