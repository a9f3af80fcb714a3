import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { Report } from '@sekisho/model';
import { isSeverity } from '@sekisho/model';
import {
  SekishoError,
  codeSinkAnalyzer,
  functionFindings,
  mergeFunctionSpecs,
  parseFunctionConfig,
  parseScanners,
  setupScanners,
  sinksFromFacts,
  sortFindings,
  withPostScanFindings,
  withScannersRan,
} from '@sekisho/core';
import type { FunctionSpec } from '@sekisho/core';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { renderTime } from '../global-options.js';
import { addGateOptions, applyGate } from './gate.js';
import type { GateFlags } from './gate.js';
import { addPolicyOptions, applyPolicyGate, decide, policyFromFlags } from './policy.js';
import type { PolicyFlags } from './policy.js';
import { addScanOptions, runScan } from './scan-common.js';
import type { ScanFlags } from './scan-common.js';
import { VULNERABILITY_FORMATS, addVulnerabilityOptions, runVulnerabilityScan, writeScanReport } from './vulnerability-options.js';
import type { VulnerabilityFlags } from './vulnerability-options.js';

interface FunctionFlags extends ScanFlags, GateFlags, PolicyFlags, VulnerabilityFlags {
  readonly config?: string[];
  readonly showSecrets?: boolean;
  readonly secretConfig?: string;
  readonly failOn?: string;
}

/** A ZIP file is read as `zip:`, a directory as `dir:`; nothing else is a function package. */
async function packageReference(target: string): Promise<string> {
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw new SekishoError('SOURCE_NOT_FOUND', `no such file or directory: ${target}`, { where: { path: target }, cause: error });
  }
  return info.isDirectory() ? `dir:${path.resolve(target)}` : `zip:${path.resolve(target)}`;
}

async function loadSpecs(files: readonly string[]): Promise<FunctionSpec[]> {
  const perFile: FunctionSpec[][] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new SekishoError('CONFIG_INVALID', `cannot read ${file}`, { where: { path: file }, cause: error });
    }
    perFile.push(parseFunctionConfig(file, text));
  }
  return mergeFunctionSpecs(perFile);
}

/** `sekisho function PATH|ZIP`: a serverless function package (Lambda zip or layer, Cloud Functions / Azure Functions source) and its configuration. */
export function functionCommand(io: CliIo): Command {
  const command = new Command('function')
    .description(
      'Scan a serverless function package (AWS Lambda deployment zip or layer, Cloud Functions or Azure Functions source, zip or directory) and its configuration: packages and vulnerabilities, secrets in code and environment, runtime support, execution role, anonymous triggers, HTTP input reaching shell/eval',
    )
    .argument('<package>', 'the function package: a .zip or a directory')
    .option(
      '--config <files...>',
      'the function configuration: `aws lambda get-function-configuration` / `get-function-url-config` output, an IAM policy, a SAM/CloudFormation template, serverless.yml, Azure function.json or local.settings.json, `gcloud functions describe` JSON',
    )
    .option('--show-secrets', 'print secrets in full (default: first 4 characters and the length)')
    .option('--secret-config <file>', 'user secret rules: a gitleaks .toml or a Trivy trivy-secret.yaml')
    .option('--fail-on <severity>', 'exit with code 1 when a finding at or above this severity exists, or when the report is incomplete');
  addScanOptions(command, [...VULNERABILITY_FORMATS], 'table');
  addVulnerabilityOptions(command);
  addGateOptions(command);
  addPolicyOptions(command);
  command.action(async (target: string, flags: FunctionFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    if (flags.failOn !== undefined && !isSeverity(flags.failOn)) throw new SekishoError('USAGE_INVALID', `unknown severity ${flags.failOn}`);
    // configuration and policy problems are exit 8 before anything is scanned
    const policy = await policyFromFlags(flags);
    const specs = await loadSpecs(flags.config ?? []);
    const reference = await packageReference(target);
    const selected = parseScanners('vuln,secret');
    const secretOptions = { showSecrets: flags.showSecrets === true, ...(flags.secretConfig === undefined ? {} : { secretConfig: flags.secretConfig }) };
    const scanners = await setupScanners(selected, { ...secretOptions, distroTrees: true });
    // the sink search rides the same single pass as packages and secrets
    const setup = { ...scanners, analyzers: [...scanners.analyzers, codeSinkAnalyzer] };
    const scan = await runScan(reference, flags, global, io, setup);
    let report: Report = withScannersRan(withPostScanFindings(scan, setup, new Date()), ['secret']);
    const configFindings = functionFindings(specs, sinksFromFacts(scan.merged.facts), new Date(), { showSecrets: flags.showSecrets === true });
    report = {
      ...report,
      target: { ...report.target, reference: target },
      findings: sortFindings([...report.findings, ...configFindings]),
      scanners: [...new Set([...(report.scanners ?? []), ...(specs.length > 0 ? ['config'] : [])])],
    };
    report = await runVulnerabilityScan(report, flags, io, { quiet: global.quiet === true, ...(global.cacheDir ? { cacheDir: global.cacheDir } : {}) });
    if (policy !== null) report = { ...report, policy: decide(report, policy, flags, new Date()) };
    await writeScanReport(report, flags, io, renderTime());
    applyGate(report, flags, io.stderr, global.quiet === true);
    applyPolicyGate(report.policy, io.stderr);
  });
  return command;
}
