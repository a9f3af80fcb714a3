/**
 * Start-up without loading every command. `npm run build` writes dist/command-table.json: each
 * top-level command's name, aliases, usage term and one-line description, taken from the loaded
 * program (describeCommands). At run time the program is first built from that table, each
 * command a stub; root help, `--version` and unknown-command errors need nothing more. When
 * commander reaches a stub (the command runs, or its help is asked for), the stub throws
 * CommandNeeded and the program is rebuilt with that one command loaded and parsed again.
 * Without a table that matches COMMANDS (not built yet, or built before a command was added)
 * every command is loaded, as before.
 */
import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { COMMANDS, buildProgram, loadCommand, rootProgram } from './program.js';
import type { CliIo } from './io.js';

export interface CommandTableEntry {
  readonly name: string;
  readonly aliases: readonly string[];
  /** What `sekisho --help` shows on the left: `image [options] <image>`. */
  readonly term: string;
  readonly description: string;
  readonly hidden: boolean;
}

export interface CommandTable {
  readonly commands: readonly CommandTableEntry[];
}

export const COMMAND_TABLE_FILE = 'command-table.json';

/** The table of a fully loaded program (run by the build; tests compare it with the program). */
export function describeCommands(program: Command): CommandTable {
  const help = program.createHelp();
  const visible = new Set(help.visibleCommands(program));
  return {
    commands: program.commands.map((command) => ({
      name: command.name(),
      aliases: command.aliases(),
      term: help.subcommandTerm(command),
      description: help.subcommandDescription(command),
      hidden: !visible.has(command),
    })),
  };
}

function isEntry(value: unknown): value is CommandTableEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry['name'] === 'string' &&
    Array.isArray(entry['aliases']) &&
    entry['aliases'].every((alias) => typeof alias === 'string') &&
    typeof entry['term'] === 'string' &&
    typeof entry['description'] === 'string' &&
    typeof entry['hidden'] === 'boolean'
  );
}

/** The table if it is well formed and names exactly the commands of COMMANDS, in order; else null. */
export function parseCommandTable(text: string): CommandTable | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const commands = (value as { commands?: unknown } | null)?.commands;
  if (!Array.isArray(commands) || !commands.every(isEntry)) return null;
  const names = Object.keys(COMMANDS);
  if (commands.length !== names.length || commands.some((entry, i) => entry.name !== names[i])) return null;
  return { commands };
}

/** dist/command-table.json beside this module, or null (absent, stale or unreadable). */
export function readCommandTable(): CommandTable | null {
  try {
    return parseCommandTable(readFileSync(new URL(`./${COMMAND_TABLE_FILE}`, import.meta.url), 'utf8'));
  } catch {
    return null;
  }
}

/** Thrown by a stub when commander dispatches to it: the real command has to be loaded. */
export class CommandNeeded extends Error {
  constructor(readonly command: string) {
    super(`command ${command} is not loaded`);
  }
}

/** A command known only by its table entry; using it in any way asks for the real one. */
class CommandStub extends Command {
  constructor(readonly entry: CommandTableEntry) {
    super(entry.name);
    this.aliases([...entry.aliases])
      .description(entry.description)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new CommandNeeded(entry.name);
      });
  }

  override outputHelp(): void {
    throw new CommandNeeded(this.entry.name);
  }

  override help(): never {
    throw new CommandNeeded(this.entry.name);
  }
}

/** The program with `loaded` (a command name) loaded and every other command a stub. */
export async function lazyProgram(table: CommandTable, io: CliIo, loaded?: string): Promise<Command> {
  const program = rootProgram().configureHelp({
    subcommandTerm(this: Help, command: Command): string {
      return command instanceof CommandStub ? command.entry.term : Help.prototype.subcommandTerm.call(this, command);
    },
  });
  for (const entry of table.commands) {
    const command = entry.name === loaded ? await loadCommand(entry.name, io) : new CommandStub(entry);
    program.addCommand(command, { hidden: entry.hidden });
  }
  return program;
}

/** Parse `argv` with the fewest commands loaded: stubs first, then the one command commander picked. */
export async function parseLazily(argv: readonly string[], io: CliIo, table: CommandTable | null, configure: (program: Command) => void): Promise<void> {
  if (table === null) {
    const program = await buildProgram(io);
    configure(program);
    await program.parseAsync([...argv], { from: 'user' });
    return;
  }
  const stubs = await lazyProgram(table, io);
  configure(stubs);
  try {
    await stubs.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommandNeeded)) throw error;
    const program = await lazyProgram(table, io, error.command);
    configure(program);
    await program.parseAsync([...argv], { from: 'user' });
  }
}
