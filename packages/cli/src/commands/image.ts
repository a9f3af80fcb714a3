import { Command, Option } from 'commander';
import { SEVERITIES, isSeverity } from '@sekisho/model';
import { SekishoError, loadTrustPolicy, sortFindings, parseScanners, setupScanners, verifyImageTrust, withPostScanFindings, withScannersRan } from '@sekisho/core';
import { registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { addScanOptions, runScan } from './scan-common.js';
import { addVulnerabilityOptions, runVulnerabilityScan, writeScanReport, VULNERABILITY_FORMATS } from './vulnerability-options.js';
import { colorOutput, renderTime } from '../global-options.js';
import type { ScanFlags } from './scan-common.js';
import { REFERENCE_HELP } from './sbom.js';
import { addGateOptions, applyGate } from './gate.js';
import type { GateFlags } from './gate.js';
import { addPolicyOptions, applyPolicyGate, decide, policyFromFlags } from './policy.js';
import type { PolicyFlags } from './policy.js';
import { addServerPushOptions, advisoryDbVersion, pushReport, serverPushTarget } from './server-push.js';
import type { ServerPushFlags } from './server-push.js';
import { defaultDbPath } from './vulnerability-options.js';

interface ImageFlags extends ScanFlags, GateFlags, PolicyFlags, ServerPushFlags {
  readonly scanners: string;
  readonly showSecrets?: boolean;
  readonly trustPolicy?: string;
  readonly malwareRules?: string[];
  readonly hashList?: string[];
  readonly clamd?: string;
  readonly scanDistroTrees?: boolean;
  readonly secretConfig?: string;
}

export const DEFAULT_SCANNERS = 'vuln,secret,hardening';

export function imageCommand(io: CliIo): Command {
  const command = new Command('image')
    .description('Scan an image: inventory, OS and end-of-life status, image facts and findings (secrets in every layer, even deleted files); fail a CI gate with --fail-on')
    .argument('<image>', 'the image to scan (see below)')
    .option('--scanners <list>', 'what to look for besides the inventory: vuln, secret, malware, hardening, license (a licence table); +name or -name changes the defaults', DEFAULT_SCANNERS)
    .option('--include-dev-deps', 'also report lockfile packages needed only for development (marked dev); left out by default')
    .option('--show-secrets', 'print secrets in full (default: first 4 characters and the length)')
    .option('--malware-rules <file...>', 'extra YARA rule files for the malware scanner')
    .option('--hash-list <file...>', 'SHA-256 lists of known-bad files (`sha256  name` lines or JSON) for the malware scanner')
    .option('--clamd <address>', 'also stream selected files to clamd: unix:///path/clamd.sock or tcp://host:port')
    .option('--secret-config <file>', 'user secret rules: a gitleaks .toml or a Trivy trivy-secret.yaml (refused, exit 8, when a rule cannot be used)')
    .option('--scan-distro-trees', "secrets and malware also read the distribution's own trees (system binaries, distro-packaged libraries), skipped by default")
    .option('--trust-policy <file>', 'check the image against a trust policy (allowed repositories, required signers and attestations); registry images only')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with code 1 when a finding at or above this severity exists, or when the report is incomplete (with vulnerability scanning on, a missing database exits 7)',
      ).choices(SEVERITIES.filter((s) => s !== 'unknown')),
    )
    .addHelpText('after', `\n${REFERENCE_HELP}`);
  addScanOptions(command, [...VULNERABILITY_FORMATS], 'table');
  addVulnerabilityOptions(command);
  addGateOptions(command);
  addPolicyOptions(command);
  addServerPushOptions(command);
  command.action(async (reference: string, flags: ImageFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    if (flags.failOn !== undefined && !isSeverity(flags.failOn)) throw new SekishoError('USAGE_INVALID', `unknown severity ${flags.failOn}`);
    // a broken policy file is exit 8 before anything is scanned
    const policy = await policyFromFlags(flags);
    const push = serverPushTarget(flags);
    let selected;
    try {
      selected = parseScanners(flags.scanners);
    } catch (error) {
      throw new SekishoError('USAGE_INVALID', error instanceof Error ? error.message : String(error));
    }
    // Malware options imply the malware scanner.
    if (flags.malwareRules !== undefined || flags.hashList !== undefined || flags.clamd !== undefined) selected.add('malware');
    if (flags.secretConfig !== undefined) selected.add('secret');
    const scanners = await setupScanners(selected, {
      showSecrets: flags.showSecrets === true,
      ...(flags.malwareRules ? { malwareRules: flags.malwareRules } : {}),
      ...(flags.hashList ? { hashLists: flags.hashList } : {}),
      ...(flags.clamd ? { clamd: flags.clamd } : {}),
      distroTrees: flags.scanDistroTrees === true,
      ...(flags.secretConfig === undefined ? {} : { secretConfig: flags.secretConfig }),
    });
    const scan = await runScan(reference, flags, global, io, scanners);
    // the layer scanners ran to the end once the scan returned; vuln is added by the matching itself
    let report = withScannersRan(
      withPostScanFindings(scan, scanners, new Date()),
      [...selected].filter((s) => s !== 'vuln'),
    );
    if (flags.trustPolicy !== undefined) {
      const policy = await loadTrustPolicy(flags.trustPolicy);
      const trust = await verifyImageTrust(reference, policy, { registry: await registryOptionsFrom(flags as unknown as RegistryFlags) });
      report = withScannersRan({ ...report, findings: sortFindings([...trust, ...report.findings]) }, ['supply-chain']);
    }
    if (selected.has('vuln')) {
      report = await runVulnerabilityScan(report, flags, io, { quiet: global.quiet === true, ...(global.cacheDir ? { cacheDir: global.cacheDir } : {}) });
    }
    if (policy !== null) report = { ...report, policy: decide(report, policy, flags, new Date()) };
    await writeScanReport(
      report,
      { ...(flags as Parameters<typeof writeScanReport>[1]), licenses: selected.has('license') },
      io,
      renderTime(),
      colorOutput(global, flags.output, io.stdoutIsTty === true),
    );
    if (push !== null) await pushReport(report, push, selected.has('vuln') ? advisoryDbVersion((flags as { db?: string }).db ?? defaultDbPath(global.cacheDir)) : null, io, global.quiet === true);
    applyGate(report, flags, io.stderr, global.quiet === true);
    applyPolicyGate(report.policy, io.stderr);
  });
  return command;
}
