/**
 * The command tree. Commands load lazily: a command's module (and the scanner, CycloneDX, sigstore,
 * YAML… behind it) is imported only when that command runs, so `sekisho --version`, `--help` and
 * usage errors start in a few tens of milliseconds.
 *
 * ADDING A COMMAND is one line in COMMANDS below, keyed by the command's name (a test checks the key):
 *
 *     'my-command': async (io) => (await import('./commands/my-command.js')).myCommandCommand(io),
 *
 * Nothing else: `npm run build` writes dist/command-table.json (each command's name, usage and one-line
 * description, from the loaded commands) and root help is drawn from it (lazy-program.ts); Trivy's
 * flag spellings and the -f/-o short flags are added here to every command when it loads.
 */
import { Command } from 'commander';
import { TOOL_VERSION } from '@sekisho/core/startup';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

/** Builds one top-level command (its module is imported on the first call). */
export type CommandLoader = (io: CliIo) => Promise<Command>;

/** Every top-level command, in the order `sekisho --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  image: async (io) => (await import('./commands/image.js')).imageCommand(io),
  sbom: async (io) => (await import('./commands/sbom.js')).sbomCommand(io),
  fs: async (io) => (await import('./commands/fs.js')).fsCommand(io),
  rootfs: async (io) => (await import('./commands/fs.js')).rootfsCommand(io),
  repo: async (io) => (await import('./commands/fs.js')).repoCommand(io),
  'sbom-scan': async (io) => (await import('./commands/sbom-scan.js')).sbomScanCommand(io),
  registry: async (io) => (await import('./commands/registry.js')).registryCommand(io),
  db: async (io) => (await import('./commands/db.js')).dbCommand(io),
  sign: async (io) => (await import('./commands/sign.js')).signCommand(io),
  attest: async (io) => (await import('./commands/attest.js')).attestCommand(io),
  verify: async (io) => (await import('./commands/verify.js')).verifyCommand(io),
  'verify-attestation': async (io) => (await import('./commands/verify-attestation.js')).verifyAttestationCommand(io),
  config: async (io) => {
    const { configCommand, defaultConfigIo } = await import('./commands/config.js');
    return configCommand({ ...defaultConfigIo, stdout: (text) => io.stdout(text), stderr: (text) => io.stderr(text) });
  },
  compare: async (io) => (await import('./commands/compare.js')).compareCommand(io),
  recommend: async (io) => (await import('./commands/recommend.js')).recommendCommand(io),
  function: async (io) => (await import('./commands/function.js')).functionCommand(io),
  policy: async (io) => (await import('./commands/policy.js')).policyCommand(io),
  server: async (io) => (await import('./commands/server.js')).serverCommand(io),
  host: async (io) => (await import('./commands/host.js')).hostCommand(io),
  worker: async (io) => (await import('./commands/worker.js')).workerCommand(io),
  'verify-blob': async (io) => (await import('./commands/verify-blob.js')).verifyBlobCommand({ stdout: (text) => io.stdout(text) }),
  events: async (io) => (await import('./commands/events.js')).eventsCommand(io),
  runtime: async (io) => (await import('./commands/runtime.js')).runtimeCommand(io),
  admission: async (io) => (await import('./commands/admission.js')).admissionCommand(io),
};

const EXIT_HELP = `Exit codes:
  0  success            1  policy failed (--fail-on)   2  usage error
  3  image unreadable   4  digest/size mismatch         5  corrupt or unsafe layer
  6  limit exceeded     7  vulnerability database       8  configuration input
  9  registry           10 signature verification       70 internal error`;

/** The program with its global options and no commands yet. */
export function rootProgram(): Command {
  return new Command('sekisho')
    .description('Sekisho (関所): know what is inside container images and workloads, and stop what is dangerous before it ships')
    .version(TOOL_VERSION, '-v, --version')
    .option('-q, --quiet', 'no progress display and no warnings on standard error')
    .option('--debug', 'print stack traces and causes of errors')
    .option('--cache-dir <dir>', 'cache directory (default: $SEKISHO_CACHE_DIR, $XDG_CACHE_HOME/sekisho or ~/.cache/sekisho)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--no-color', 'no ANSI colours in table output (also: NO_COLOR=1; colours are only used on a terminal)')
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_HELP}`);
}

/** Load one command with everything the program adds to it (Trivy's spellings, -f/-o). */
export async function loadCommand(name: string, io: CliIo): Promise<Command> {
  const loader = COMMANDS[name];
  if (loader === undefined) throw new Error(`no command ${name}`);
  const { addTrivyCompat, alignShortFlags } = await import('./commands/trivy-compat.js');
  const command = addTrivyCompat(await loader(io), io);
  alignShortFlags(command);
  return command;
}

/** The whole program, every command loaded (documentation checks, tests, the command table). */
export async function buildProgram(io: CliIo = processIo): Promise<Command> {
  const program = rootProgram();
  const commands = await Promise.all(Object.keys(COMMANDS).map((name) => loadCommand(name, io)));
  for (const command of commands) program.addCommand(command);
  return program;
}
