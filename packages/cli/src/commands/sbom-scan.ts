import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { SEVERITIES } from '@sekisho/model';
import { SBOM_INPUT_LIMITS, SekishoError, reportFromSbom } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { colorOutput, renderTime } from '../global-options.js';
import { VULNERABILITY_FORMATS, addVulnerabilityOptions, runVulnerabilityScan, writeScanReport } from './vulnerability-options.js';
import type { VulnerabilityFlags, VulnerabilityScanOptions } from './vulnerability-options.js';
import { addGateOptions, applyGate } from './gate.js';
import type { GateFlags } from './gate.js';
import { filterPkgTypes } from './trivy-compat.js';
import type { TrivyCompatFlags } from './trivy-compat.js';
import { addPolicyOptions, applyPolicyGate, decide, policyFromFlags } from './policy.js';
import type { PolicyFlags } from './policy.js';

interface SbomScanFlags extends VulnerabilityFlags, GateFlags, PolicyFlags, Pick<TrivyCompatFlags, 'pkgTypes'> {
  readonly format: string;
  readonly output?: string;
}

/** `sekisho sbom-scan FILE`: re-match a stored SBOM (CycloneDX JSON, SPDX JSON, Syft JSON or a Sekisho JSON report) without the image. */
export function sbomScanCommand(io: CliIo = processIo, deps: Pick<VulnerabilityScanOptions, 'openStore' | 'now' | 'cwd'> = {}): Command {
  const command = new Command('sbom-scan')
    .description('Match the packages of a stored SBOM (CycloneDX JSON, SPDX JSON, Syft JSON, or a Sekisho JSON report) against the advisory database, without the image')
    .argument('<file>', 'the SBOM: CycloneDX or SPDX JSON from Sekisho or another tool (purls), Syft JSON, or `sekisho image --format json` output')
    .addOption(new Option('-f, --format <format>', 'output format').choices(VULNERABILITY_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of standard output')
    .addOption(
      new Option('--fail-on <severity>', 'exit with code 1 when a finding at or above this severity remains, or when the report is incomplete (no database: exit 7)').choices(
        SEVERITIES.filter((s) => s !== 'unknown'),
      ),
    )
    .option('--show-secrets', 'print secret values in full (default: redacted in every format)');
  addVulnerabilityOptions(command);
  addGateOptions(command);
  addPolicyOptions(command);
  command.action(async (file: string, flags: SbomScanFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    // a broken policy file is exit 8 before anything is read or matched
    const policy = await policyFromFlags(flags);
    let text: string;
    try {
      const info = await stat(file);
      if (info.size > SBOM_INPUT_LIMITS.maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `SBOM larger than ${SBOM_INPUT_LIMITS.maxBytes} bytes`, { where: { file } });
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof SekishoError) throw error;
      throw new SekishoError('SOURCE_NOT_FOUND', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
    }
    const input = reportFromSbom(text, file);
    if (input.skipped.length > 0 && global.quiet !== true) io.stderr(`sekisho: warning: ${input.skipped.length} SBOM entries skipped (first: ${input.skipped[0] ?? ''})\n`);
    const scanned = await runVulnerabilityScan(filterPkgTypes(input.report, flags), flags, io, {
      ...deps,
      quiet: global.quiet === true,
      ...(global.cacheDir === undefined ? {} : { cacheDir: global.cacheDir }),
    });
    const report = policy === null ? scanned : { ...scanned, policy: decide(scanned, policy, flags, deps.now ?? new Date()) };
    await writeScanReport(report, flags, io, renderTime(), colorOutput(global, flags.output, io.stdoutIsTty === true));
    applyGate(report, flags, io.stderr, global.quiet === true);
    applyPolicyGate(report.policy, io.stderr);
  });
  return command;
}
