import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { Report } from '@sekisho/model';
import { SEVERITIES, isSeverity, severityAtLeast } from '@sekisho/model';
import { EXIT_CODES, SekishoError, compareReports, parseScanners, renderComparisonMarkdown, renderComparisonText, setupScanners, withPostScanFindings, withScannersRan } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { writeOutput } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { addPolicyOptions, decide, policyFromFlags, readReport } from './policy.js';
import type { PolicyFlags } from './policy.js';
import { addRegistryOptions } from './registry.js';
import { runScan } from './scan-common.js';
import { addVulnerabilityOptions, runVulnerabilityScan } from './vulnerability-options.js';
import type { VulnerabilityFlags } from './vulnerability-options.js';

/** What scanning one side needs: the vulnerability options and a platform. */
export interface SideFlags extends VulnerabilityFlags {
  readonly platform?: string;
}

interface CompareFlags extends PolicyFlags, VulnerabilityFlags {
  readonly format: string;
  readonly output?: string;
  readonly platform?: string;
  readonly failOn?: string;
}

/** A JSON file (a Sekisho report or an SBOM) is read as one; anything else is an image reference. */
async function isJsonFile(arg: string): Promise<boolean> {
  if (!arg.endsWith('.json')) return false;
  const info = await stat(arg).catch(() => null);
  return info?.isFile() === true;
}

/**
 * One side of a comparison as a report: images are scanned (vulnerabilities, secrets and hardening,
 * as `sekisho image`); stored Sekisho reports keep their findings; SBOMs are matched against the
 * database like `sbom-scan`.
 */
export async function sideReport(arg: string, flags: SideFlags, global: GlobalOptions, io: CliIo): Promise<Report> {
  const options = { quiet: global.quiet === true, ...(global.cacheDir === undefined ? {} : { cacheDir: global.cacheDir }) };
  if (await isJsonFile(arg)) {
    const report = await readReport(arg);
    return report.findings.length > 0 || report.scanners !== undefined ? report : runVulnerabilityScan(report, flags, io, options);
  }
  const scanners = await setupScanners(parseScanners('vuln,secret,hardening'), {});
  const scan = await runScan(arg, { format: 'json', ...(flags.platform === undefined ? {} : { platform: flags.platform }) }, global, io, scanners);
  const report = withPostScanFindings(scan, scanners, new Date());
  return runVulnerabilityScan(withScannersRan(report, ['secret', 'hardening']), flags, io, options);
}

/** `sekisho compare BEFORE AFTER`: what changed between two images, reports or SBOMs. */
export function compareCommand(io: CliIo): Command {
  const command = new Command('compare')
    .description('Compare two images, stored JSON reports or SBOMs (any mix): packages, vulnerabilities fixed and introduced, other findings, base image, policy grade')
    .argument('<before>', 'the earlier image, report (.json) or SBOM (.json)')
    .argument('<after>', 'the later one')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
    .option('-o, --output <file>', 'write the output to FILE (atomically)')
    .option('--platform <os/arch[/variant]>', 'pick this platform from multi-platform images')
    .addOption(
      new Option('--fail-on <severity>', 'exit with code 1 when the later one introduces a vulnerability or finding at or above this severity').choices(SEVERITIES.filter((s) => s !== 'unknown')),
    );
  addRegistryOptions(command);
  addVulnerabilityOptions(command);
  addPolicyOptions(command);
  command.action(async (before: string, after: string, flags: CompareFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    if (flags.failOn !== undefined && !isSeverity(flags.failOn)) throw new SekishoError('USAGE_INVALID', `unknown severity ${flags.failOn}`);
    // a broken policy file is exit 8 before either side is scanned
    const policy = await policyFromFlags(flags);
    const a = await sideReport(before, flags, global, io);
    const b = await sideReport(after, flags, global, io);
    const now = new Date();
    const judge = (r: Report) => (policy === null ? null : decide(r, policy, flags, now));
    const comparison = compareReports({ before: a, after: b, beforeDecision: judge(a), afterDecision: judge(b) });
    const text = flags.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : flags.format === 'markdown' ? renderComparisonMarkdown(comparison) : renderComparisonText(comparison);
    await writeOutput(io, text, flags.output);
    const threshold = flags.failOn;
    const introduced = [...comparison.vulnerabilities.introduced, ...comparison.findings.introduced];
    if (threshold !== undefined && introduced.some((f) => isSeverity(f.severity) && severityAtLeast(f.severity, threshold))) process.exitCode = EXIT_CODES.policy;
    if (comparison.after.decision?.result === 'fail') process.exitCode = EXIT_CODES.policy;
  });
  return command;
}
