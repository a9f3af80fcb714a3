import { Command, Option } from 'commander';
import { auditHost, evaluatePolicy, getReporter, renderHostTable, SekishoError } from '@sekisho/core';
import { SEVERITIES } from '@sekisho/model';
import type { CliIo } from '../io.js';
import { writeOutput } from '../io.js';
import { colorOutput, renderTime, type GlobalOptions } from '../global-options.js';
import { outputRedactor, renderReport } from '../redaction.js';
import { addGateOptions, applyGate, type GateFlags } from './gate.js';
import { addPolicyOptions, applyPolicyGate, environmentOf, policyFromFlags, type PolicyFlags } from './policy.js';

interface HostFlags extends GateFlags, PolicyFlags {
  readonly root: string;
  readonly format: 'table' | 'json' | 'sarif';
  readonly output?: string;
  readonly factsOut?: string;
  readonly showSecrets?: boolean;
}

/**
 * `sekisho host`: a read-only audit of this machine, or of a host file system mounted at
 * `--root` (a DaemonSet). Nothing under the root is executed (docs/host.md).
 */
export function hostCommand(io: CliIo): Command {
  const command = new Command('host')
    .description('Audit a host read-only: kernel and runtime versions against breakout CVEs, sysctls, LSMs, cgroups, the Docker daemon, the kubelet and auditd (docs/host.md)')
    .option('--root <dir>', 'the host root to audit: / (this machine) or where the host file system is mounted, e.g. /host', '/')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--facts-out <file>', 'also write the host facts (sekisho.host-facts/v1) for `sekisho config --host-facts`')
    .option('--show-secrets', 'print values from the host files in full (default: secret values redacted)')
    .addOption(new Option('--fail-on <severity>', 'exit with code 1 when a finding at or above this severity exists, or when something could not be read or judged').choices(SEVERITIES.filter((s) => s !== 'unknown')));
  addGateOptions(command);
  addPolicyOptions(command);
  return command.action(async (flags: HostFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    // a broken policy file is exit 8 before anything is read
    const policy = await policyFromFlags(flags);
    const now = new Date();
    const { report: audited, facts } = await auditHost({ root: flags.root, today: now, toolVersion: programVersion(cmd) });
    // A host matches no image or namespace mapping: --env, else the policy's defaultEnvironment.
    const report = policy === null ? audited : { ...audited, policy: evaluatePolicy(audited, policy, environmentOf(policy, flags, {}), { now }) };

    const redactor = outputRedactor(flags.showSecrets === true);
    if (flags.factsOut !== undefined) await writeOutput(io, `${JSON.stringify(redactor.value(facts), null, 2)}\n`, flags.factsOut);
    if (flags.format === 'table') {
      await writeOutput(io, renderHostTable(redactor.report(report), redactor.value(facts), colorOutput(global, flags.output, io.stdoutIsTty === true)), flags.output);
    } else {
      const reporter = getReporter(flags.format);
      if (reporter === undefined) throw new SekishoError('USAGE_INVALID', `unknown format ${flags.format}`);
      await writeOutput(io, renderReport(reporter, report, { now: renderTime(), color: false, showSecrets: flags.showSecrets === true }), flags.output);
    }
    applyGate(report, flags, io.stderr, global.quiet === true);
    applyPolicyGate(report.policy, io.stderr);
  });
}

/** The version the CLI reports as (the root program's). */
function programVersion(cmd: Command): string {
  let root: Command = cmd;
  while (root.parent !== null) root = root.parent;
  return root.version() ?? '0.0.0';
}
