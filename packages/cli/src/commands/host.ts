import { appendFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { auditHost, emitHostAudit, evaluatePolicy, getReporter, renderHostTable, SekishoError } from '@sekisho/core';
import type { HostAudit, PolicyDocument } from '@sekisho/core';
import { SEVERITIES, type EventSink } from '@sekisho/model';
import type { CliIo } from '../io.js';
import { writeOutput } from '../io.js';
import { parseDuration } from '../duration.js';
import { colorOutput, renderTime, type GlobalOptions } from '../global-options.js';
import { outputRedactor, renderReport } from '../redaction.js';
import { addGateOptions, applyGate, type GateFlags } from './gate.js';
import { addPolicyOptions, applyPolicyGate, environmentOf, policyFromFlags, type PolicyFlags } from './policy.js';
import { OUTPUTS_HELP, fanOut, openEventOutputs } from './event-outputs.js';

interface HostFlags extends GateFlags, PolicyFlags {
  readonly root: string;
  readonly format: 'table' | 'json' | 'sarif';
  readonly output?: string;
  readonly factsOut?: string;
  readonly eventsOut?: string;
  readonly outputs?: string;
  readonly every?: string;
  readonly showSecrets?: boolean;
}

/** Shortest pause between two audits with --every: an audit reads every runtime binary. */
const MIN_INTERVAL_MS = 60_000;

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
    .option('--events-out <file>', 'also append the audit as events (sekisho.event/v1, JSON Lines; - for standard output): one per finding and one that closes the run')
    .option('--outputs <file>', OUTPUTS_HELP)
    .option('--every <duration>', 'audit again at this interval until stopped (a DaemonSet), e.g. 6h; each run replaces the report and facts files and appends events')
    .option('--show-secrets', 'print values from the host files in full (default: secret values redacted)')
    .addOption(
      new Option('--fail-on <severity>', 'exit with code 1 when a finding at or above this severity exists, or when something could not be read or judged').choices(
        SEVERITIES.filter((s) => s !== 'unknown'),
      ),
    );
  addGateOptions(command);
  addPolicyOptions(command);
  return command.action(async (flags: HostFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const interval = flags.every === undefined ? null : parseDuration(flags.every, '--every');
    if (interval !== null && interval < MIN_INTERVAL_MS) throw new SekishoError('USAGE_INVALID', '--every must be at least 1m');
    if (interval !== null && (flags.failOn !== undefined || flags.policy !== undefined) && flags.eventsOut === undefined && flags.outputs === undefined)
      throw new SekishoError('USAGE_INVALID', '--every never exits, so --fail-on and --policy can only be seen through --events-out or --outputs');
    // a broken policy file is exit 8 before anything is read
    const policy = await policyFromFlags(flags);
    const outputs = flags.outputs === undefined ? null : await openEventOutputs(flags.outputs);
    const events = fanOut(flags.eventsOut === undefined ? null : eventFileSink(flags.eventsOut, io), outputs?.sink) ?? null;
    for (;;) {
      const audit = await runOnce(flags, policy, programVersion(cmd), global, io, events);
      if (interval === null) {
        await outputs?.close();
        applyGate(audit.report, flags, io.stderr, global.quiet === true);
        applyPolicyGate(audit.report.policy, io.stderr);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  });
}

async function runOnce(flags: HostFlags, policy: PolicyDocument | null, toolVersion: string, global: GlobalOptions, io: CliIo, events: EventSink | null): Promise<HostAudit> {
  const now = new Date();
  const { report: audited, facts } = await auditHost({ root: flags.root, today: now, toolVersion });
  // A host matches no image or namespace mapping: --env, else the policy's defaultEnvironment.
  const environment = policy === null ? undefined : environmentOf(policy, flags, {});
  const report = policy === null || environment === undefined ? audited : { ...audited, policy: evaluatePolicy(audited, policy, environment, { now }) };

  const redactor = outputRedactor(flags.showSecrets === true);
  if (flags.factsOut !== undefined) await writeOutput(io, `${JSON.stringify(redactor.value(facts), null, 2)}\n`, flags.factsOut);
  if (flags.format === 'table') {
    await writeOutput(io, renderHostTable(redactor.report(report), redactor.value(facts), colorOutput(global, flags.output, io.stdoutIsTty === true)), flags.output);
  } else {
    const reporter = getReporter(flags.format);
    if (reporter === undefined) throw new SekishoError('USAGE_INVALID', `unknown format ${flags.format}`);
    await writeOutput(io, renderReport(reporter, report, { now: renderTime(), color: false, showSecrets: flags.showSecrets === true }), flags.output);
  }
  if (events !== null) {
    await emitHostAudit(report, events, { instance: hostname(), host: facts.hostname ?? `host:${flags.root}`, ...(environment === undefined ? {} : { environment }), redactor });
  }
  return { report, facts };
}

/** Events as JSON Lines, appended to a file (or written to standard output for `-`). */
function eventFileSink(file: string, io: CliIo): EventSink {
  return {
    emit: async (event) => {
      const line = `${JSON.stringify(event)}\n`;
      if (file === '-') io.stdout(line);
      else await appendFile(file, line, { mode: 0o600 });
    },
  };
}

/** The version the CLI reports as (the root program's). */
function programVersion(cmd: Command): string {
  let root: Command = cmd;
  while (root.parent !== null) root = root.parent;
  return root.version() ?? '0.0.0';
}
