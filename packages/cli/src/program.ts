import { Command } from 'commander';
import { TOOL_VERSION } from '@sekisho/core';
import { configCommand, defaultConfigIo } from './commands/config.js';
import { imageCommand } from './commands/image.js';
import { sbomCommand } from './commands/sbom.js';
import { verifyBlobCommand } from './commands/verify-blob.js';
import { runtimeCommand } from './commands/runtime.js';
import { sbomScanCommand } from './commands/sbom-scan.js';
import { registryCommand } from './commands/registry.js';
import { dbCommand } from './commands/db.js';
import { signCommand } from './commands/sign.js';
import { attestCommand } from './commands/attest.js';
import { verifyCommand } from './commands/verify.js';
import { verifyAttestationCommand } from './commands/verify-attestation.js';
import { compareCommand } from './commands/compare.js';
import { recommendCommand } from './commands/recommend.js';
import { functionCommand } from './commands/function.js';
import { policyCommand } from './commands/policy.js';
import { serverCommand } from './commands/server.js';
import { eventsCommand } from './commands/events.js';
import { admissionCommand } from './commands/admission.js';
import { workerCommand } from './commands/worker.js';
import { fsCommand, repoCommand, rootfsCommand } from './commands/fs.js';
import { hostCommand } from './commands/host.js';
import { addTrivyCompat, alignShortFlags } from './commands/trivy-compat.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

const EXIT_HELP = `Exit codes:
  0  success            1  policy failed (--fail-on)   2  usage error
  3  image unreadable   4  digest/size mismatch         5  corrupt or unsafe layer
  6  limit exceeded     7  vulnerability database       8  configuration input
  9  registry           10 signature verification       70 internal error`;

export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('sekisho')
    .description('Sekisho (関所): know what is inside container images and workloads, and stop what is dangerous before it ships')
    .version(TOOL_VERSION, '-v, --version')
    .option('-q, --quiet', 'no progress display and no warnings on standard error')
    .option('--debug', 'print stack traces and causes of errors')
    .option('--cache-dir <dir>', 'cache directory (default: $SEKISHO_CACHE_DIR, $XDG_CACHE_HOME/sekisho or ~/.cache/sekisho)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--no-color', 'no ANSI colours in table output (also: NO_COLOR=1; colours are only used on a terminal)')
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_HELP}`);
  program.addCommand(imageCommand(io));
  program.addCommand(sbomCommand(io));
  program.addCommand(fsCommand(io));
  program.addCommand(rootfsCommand(io));
  program.addCommand(repoCommand(io));
  program.addCommand(sbomScanCommand(io));
  program.addCommand(registryCommand(io));
  program.addCommand(dbCommand(io));
  program.addCommand(signCommand(io));
  program.addCommand(attestCommand(io));
  program.addCommand(verifyCommand(io));
  program.addCommand(verifyAttestationCommand(io));
  program.addCommand(configCommand({ ...defaultConfigIo, stdout: (text) => io.stdout(text), stderr: (text) => io.stderr(text) }));
  program.addCommand(compareCommand(io));
  program.addCommand(recommendCommand(io));
  program.addCommand(functionCommand(io));
  program.addCommand(policyCommand(io));
  program.addCommand(serverCommand(io));
  program.addCommand(hostCommand(io));
  program.addCommand(workerCommand(io));
  program.addCommand(verifyBlobCommand({ stdout: (text) => io.stdout(text) }));
  program.addCommand(eventsCommand(io));
  program.addCommand(runtimeCommand(io));
  program.addCommand(admissionCommand(io));
  for (const command of program.commands) addTrivyCompat(command, io);
  alignShortFlags(program);
  return program;
}
