import { Command } from 'commander';
import { deferOptimizingTiers } from '@sekisho/core/startup';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { addScanOptions, runScan, writeReport } from './scan-common.js';
import type { ScanFlags } from './scan-common.js';

const REFERENCE_HELP = `IMAGE is one of:
  REGISTRY/REPO[:TAG|@DIGEST]  an image in a registry (docker.io short names too: nginx, user/app); registry: forces it
  PATH                        a docker-archive (docker save) or OCI archive, gzip/zstd too; an OCI layout or root-fs directory
  docker-archive:FILE[:TAG]   a docker save archive, picking REPO:TAG when it holds several images
  oci:DIR[:TAG|@DIGEST]       an OCI image layout
  oci-archive:FILE[:TAG]      a tar of an OCI image layout
  dir:PATH                    an unpacked root file system`;

export { REFERENCE_HELP };

export function sbomCommand(io: CliIo): Command {
  const command = new Command('sbom')
    .description('List what is inside an image (OS and language packages, with the layer and build step that added each) as a table, JSON, CycloneDX or SPDX')
    .argument('<image>', 'the image to read (see below)')
    .addHelpText('after', `\n${REFERENCE_HELP}`);
  addScanOptions(command, ['table', 'json', 'cyclonedx-json', 'spdx-json', 'github'], 'table');
  command.option('--include-dev-deps', 'also list lockfile packages needed only for development (marked dev); left out by default');
  command.option('--show-secrets', 'print secret values (Env, labels, build steps) in full (default: redacted in every format)');
  command.action(async (reference: string, flags: ScanFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    // An inventory of a small image is done before optimized code would pay (core util/optimizing-tiers.ts).
    deferOptimizingTiers();
    const { report } = await runScan(reference, flags, global, io);
    await writeReport(report, flags, io);
  });
  return command;
}
