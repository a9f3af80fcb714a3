import { Command, Option } from 'commander';
import { attributeLayers, minimalUpgrades, recommendBaseImage, renderRecommendationsMarkdown, renderRecommendationsText } from '@sekisho/core';
import type { Recommendations } from '@sekisho/core';
import { reportCompleteness } from '@sekisho/model';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { writeOutput } from '../io.js';
import { sideReport } from './compare.js';
import type { SideFlags } from './compare.js';
import { addRegistryOptions } from './registry.js';
import { addVulnerabilityOptions, nonNegativeInt } from './vulnerability-options.js';

interface RecommendFlags extends SideFlags {
  readonly format: string;
  readonly output?: string;
  readonly baseCandidates?: string[];
}

/** `sekisho recommend TARGET`: the smallest package upgrades that clear the fixable vulnerabilities, and which newer base image clears most. */
export function recommendCommand(io: CliIo): Command {
  const command = new Command('recommend')
    .description('What to change: the minimal version bump per vulnerable package, and which candidate base image clears most of what the image inherits')
    .argument('<target>', 'an image, a stored report (.json) or an SBOM (.json)')
    .option('--base-candidates <refs...>', 'newer base images to compare (tags or digests of the same base, e.g. debian:12.9-slim debian:12.10-slim); each is scanned with the same database')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
    .option('-o, --output <file>', 'write the output to FILE (atomically)')
    .option('--platform <os/arch[/variant]>', 'pick this platform from multi-platform images');
  addRegistryOptions(command);
  addVulnerabilityOptions(command);
  command.action(async (target: string, flags: RecommendFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const report = await sideReport(target, flags, global, io);
    const attribution = attributeLayers(report, { baseLayers: nonNegativeInt(flags.baseLayers, '--base-layers') });
    const candidates = [];
    for (const reference of flags.baseCandidates ?? []) candidates.push({ reference, report: await sideReport(reference, flags, global, io) });
    const recommendations: Recommendations = {
      schema: 'sekisho.recommendations/v1',
      reference: report.target.reference,
      upgrades: minimalUpgrades(report, attribution),
      baseImage: candidates.length === 0 ? null : recommendBaseImage(report, attribution, candidates),
    };
    const completeness = reportCompleteness(report);
    const text =
      flags.format === 'json'
        ? `${JSON.stringify({ ...recommendations, status: completeness.status, statusReasons: completeness.reasons }, null, 2)}\n`
        : flags.format === 'markdown'
          ? renderRecommendationsMarkdown(recommendations)
          : renderRecommendationsText(recommendations);
    const warning =
      completeness.status === 'complete' ? '' : `\nThe scan of ${report.target.reference} is incomplete (${completeness.reasons.join('; ')}): these recommendations may not be all that is needed.\n`;
    await writeOutput(io, text + (flags.format === 'json' ? '' : warning), flags.output);
  });
  return command;
}
