import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { createRedactor, SekishoError } from '@sekisho/core';
import type { EventSink, SekishoEvent } from '@sekisho/model';
import {
  ALL_SOURCES_LOAD_OPTIONS,
  alertEvent,
  BoundedQueue,
  ContainerIndex,
  Detector,
  DEFAULT_JSON_LIMITS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_WEBHOOK_MAX_BODY,
  falcoAlertBodyItems,
  fileLines,
  formatIssue,
  inputProfile,
  loadOptionsFor,
  loadRules,
  newStreamStats,
  parsePriority,
  processItem,
  ProcSampler,
  startAuditWebhook,
  type FalcoAlert,
  type InputKind,
  type LoadIssue,
  type LoadOptions,
  type Priority,
  type RuleSet,
  type SourceItem,
  type StreamStats,
} from '@sekisho/runtime';
import type { CliIo } from '../io.js';
import { OUTPUTS_HELP, fanOut, openEventOutputs } from './event-outputs.js';

/** Largest rules file read (Falco's default files are well under 1 MiB together). */
const MAX_RULES_FILE = 16 * 1024 * 1024;
const MAX_MAPPING_FILE = 64 * 1024 * 1024;

async function readBoundedFile(path: string, max: number, what: string): Promise<string> {
  const info = await stat(path).catch((e: unknown) => {
    throw new SekishoError('SOURCE_NOT_FOUND', `cannot read ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!info.isFile()) throw new SekishoError('SOURCE_INVALID', `${what} ${path} is not a regular file`);
  if (info.size > max) throw new SekishoError('LIMIT_JSON_SIZE', `${what} ${path} is larger than ${max} bytes`);
  return readFile(path, 'utf8');
}

/** Loads rules files in order; a rule set with errors stops the command (exit 8), as Falco refuses to start. */
async function loadRuleFiles(io: CliIo, files: readonly string[], options: LoadOptions, quiet: boolean): Promise<RuleSet> {
  const contents = await Promise.all(files.map(async (name) => ({ name, content: await readBoundedFile(name, MAX_RULES_FILE, 'rules file') })));
  const ruleSet = loadRules(contents, options);
  for (const issue of ruleSet.issues) if (issue.level === 'error' || (!quiet && issue.code === 'UNSUPPORTED_FIELD')) io.stderr(`${formatIssue(issue)}\n`);
  if (!ruleSet.ok) throw new SekishoError('CONFIG_INVALID', `rules did not load: ${ruleSet.issues.filter((i) => i.level === 'error').length} error(s); no event was evaluated`);
  return ruleSet;
}

function minimumPriority(text: string | undefined): Priority | undefined {
  if (text === undefined) return undefined;
  const p = parsePriority(text);
  if (p === undefined) throw new SekishoError('USAGE_INVALID', `unknown priority ${text} (emergency, alert, critical, error, warning, notice, informational, debug)`);
  return p;
}

async function containerIndex(path: string | undefined): Promise<ContainerIndex | undefined> {
  if (path === undefined) return undefined;
  try {
    return ContainerIndex.fromMapping(await readBoundedFile(path, MAX_MAPPING_FILE, 'container mapping'));
  } catch (e) {
    if (e instanceof SekishoError) throw e;
    throw new SekishoError('CONFIG_INVALID', `container mapping ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function positiveInt(name: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new SekishoError('USAGE_INVALID', `${name} must be a positive integer, got ${text}`);
    return n;
  };
}

function summary(stats: StreamStats, extra = ''): string {
  const reasons = [...stats.malformedReasons].map(([r, n]) => `${n} ${r}`).join(', ');
  return `${stats.events} events, ${stats.alerts} alerts, ${stats.malformed} malformed${reasons === '' ? '' : ` (${reasons})`}${stats.errors > 0 ? `, ${stats.errors} evaluation errors` : ''}${extra}\n`;
}

const TABLE_PRIORITY_WIDTH = 13;

function tableRow(alert: FalcoAlert): string {
  return `${alert.time}  ${alert.priority.padEnd(TABLE_PRIORITY_WIDTH)}${alert.rule}\n    ${alert.output}\n`;
}

// ---------------------------------------------------------------------------------------------

interface ValidateFlags {
  readonly format: 'text' | 'json';
  readonly input?: InputKind;
}

/** Per file, as `falco -V` prints it: Ok, Ok with warnings, or Invalid with the errors. */
function validateCommand(io: CliIo): Command {
  return new Command('validate')
    .description('Load and compile Falco rules files in order and report errors and warnings with file, line and column, like `falco -V`')
    .argument('<rules...>', 'rules files, applied in order')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--input <kind>', 'also check that each rule can run on this input (its fields are provided)').choices(['k8s_audit', 'syscall', 'falco-json', 'tetragon', 'proc']))
    .action(async (files: string[], flags: ValidateFlags) => {
      const contents = await Promise.all(files.map(async (name) => ({ name, content: await readBoundedFile(name, MAX_RULES_FILE, 'rules file') })));
      const ruleSet = loadRules(contents, flags.input === undefined ? ALL_SOURCES_LOAD_OPTIONS : loadOptionsFor(flags.input));
      const byFile = (name: string, level: LoadIssue['level']): LoadIssue[] => ruleSet.issues.filter((i) => i.where.file === name && i.level === level);
      if (flags.format === 'json') {
        const results = files.map((name) => ({ name, successful: byFile(name, 'error').length === 0, errors: byFile(name, 'error'), warnings: byFile(name, 'warning') }));
        io.stdout(`${JSON.stringify({ falco_load_results: results, rules: ruleSet.rules.length, ok: ruleSet.ok }, null, 2)}\n`);
      } else {
        for (const issue of ruleSet.issues) io.stdout(`${formatIssue(issue)}\n`);
        for (const name of files) {
          const state = byFile(name, 'error').length > 0 ? 'Invalid' : byFile(name, 'warning').length > 0 ? 'Ok, with warnings' : 'Ok';
          io.stdout(`${name}: ${state}\n`);
        }
        io.stdout(
          `${ruleSet.rules.length} rules compiled; ${ruleSet.issues.filter((i) => i.level === 'error').length} errors, ${ruleSet.issues.filter((i) => i.level === 'warning').length} warnings\n`,
        );
      }
      if (!ruleSet.ok) process.exitCode = 8;
    });
}

// ---------------------------------------------------------------------------------------------

interface ReplayFlags {
  readonly rules: string[];
  readonly input: string;
  readonly source: InputKind;
  readonly format: 'json' | 'table' | 'events';
  readonly minPriority?: string;
  readonly containers?: string;
  readonly skipMalformed?: boolean;
  readonly maxLineBytes: number;
}

function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description('Evaluate a recorded event stream and print one alert per line in Falco’s JSON alert shape (or a table, or Sekisho events)')
    .requiredOption('-r, --rules <files...>', 'rules files, applied in order')
    .requiredOption('-i, --input <file>', 'the recording: JSON lines (audit log, Falco alerts, Tetragon export or Sekisho process events)')
    .addOption(new Option('-s, --source <kind>', 'what the recording holds').choices(['k8s_audit', 'syscall', 'falco-json', 'tetragon']).makeOptionMandatory())
    .addOption(new Option('-f, --format <format>', 'json: Falco alert lines; table; events: SekishoEvent lines').choices(['json', 'table', 'events']).default('json'))
    .option('--min-priority <priority>', 'rules below this priority do not alert')
    .option('--containers <file>', 'container id → image/digest/workload mapping (JSON array or lines) to join to alerts')
    .option('--skip-malformed', 'exit 0 even when lines were not events of the source (they are always counted on stderr)')
    .option('--max-line-bytes <n>', 'longest accepted line', positiveInt('--max-line-bytes'), DEFAULT_MAX_LINE_BYTES)
    .action(async (flags: ReplayFlags) => {
      const profile = inputProfile(flags.source);
      const decode = profile.decodeLine!;
      const min = minimumPriority(flags.minPriority);
      const ruleSet = await loadRuleFiles(io, flags.rules, loadOptionsFor(flags.source), false);
      const containers = await containerIndex(flags.containers);
      const info = await stat(flags.input).catch(() => undefined);
      if (info === undefined || !info.isFile()) throw new SekishoError('SOURCE_NOT_FOUND', `cannot read input ${flags.input}`);
      const detector = new Detector(ruleSet, min === undefined ? {} : { minimumPriority: min });
      const redactor = createRedactor();
      const stats = newStreamStats();
      const limits = { ...DEFAULT_JSON_LIMITS, maxBytes: flags.maxLineBytes };
      const lineStats = { lines: 0, oversized: 0, rotations: 0, truncations: 0 };
      const options = {
        detector,
        ...(containers === undefined ? {} : { containers }),
        onAlert: (alert: FalcoAlert, ctx: Parameters<typeof alertEvent>[1]) => {
          if (flags.format === 'table') io.stdout(redactor.text(tableRow(alert)));
          else if (flags.format === 'events') io.stdout(`${JSON.stringify(redactor.value(alertEvent(alert, ctx)))}\n`);
          else io.stdout(`${JSON.stringify(redactor.value(alert))}\n`);
        },
      };
      for await (const line of fileLines({ path: flags.input, follow: false, maxLineBytes: flags.maxLineBytes }, lineStats)) {
        for (const item of decode(line, limits)) await processItem(item, options, stats);
      }
      if (lineStats.oversized > 0) {
        stats.malformed += lineStats.oversized;
        stats.malformedReasons.set('line too long', lineStats.oversized);
      }
      io.stderr(summary(stats));
      if (stats.malformed > 0 && flags.skipMalformed !== true) {
        throw new SekishoError('SOURCE_INVALID', `${stats.malformed} line(s) of ${flags.input} are not ${flags.source} events; the replay is incomplete (use --skip-malformed to accept that)`);
      }
    });
}

// ---------------------------------------------------------------------------------------------

interface RunFlags {
  readonly rules: string[];
  readonly source?: RunSource;
  readonly listen?: string;
  readonly falcoListen?: string;
  readonly auditLog?: string;
  readonly falcoJson?: string;
  readonly tetragon?: string;
  readonly proc?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly maxBody: number;
  readonly queue: number;
  readonly interval: number;
  readonly minPriority?: string;
  readonly containers?: string;
}

const RUN_SOURCES = ['k8s-audit-webhook', 'k8s-audit-log', 'falco-http', 'falco-json', 'tetragon', 'proc'] as const;
type RunSource = (typeof RUN_SOURCES)[number];
const RUN_SOURCE_FLAG = { 'k8s-audit-webhook': 'listen', 'k8s-audit-log': 'auditLog', 'falco-http': 'falcoListen', 'falco-json': 'falcoJson', tetragon: 'tetragon', proc: 'proc' } as const;
const FLAG_NAME = { listen: '--listen', falcoListen: '--falco-listen', auditLog: '--audit-log', falcoJson: '--falco-json', tetragon: '--tetragon', proc: '--proc' } as const;

/** Writes each event as one JSON line to stdout (redacted): the default sink. */
function stdoutSink(io: CliIo): EventSink {
  const redactor = createRedactor();
  return {
    emit: (event: SekishoEvent) => {
      io.stdout(`${JSON.stringify(redactor.value(event))}\n`);
      return Promise.resolve();
    },
  };
}

function hostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) throw new SekishoError('USAGE_INVALID', `--listen needs HOST:PORT (e.g. 127.0.0.1:9765), got ${text}`);
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]!), port };
}

/**
 * Runs until SIGINT/SIGTERM (or `signal`), evaluating one input and handing each alert to the sink
 * as a SekishoEvent. Events wait in a bounded queue; what it refuses is counted and reported.
 */
export async function runRuntime(io: CliIo, flags: RunFlags, sink: EventSink, signal: AbortSignal): Promise<StreamStats> {
  const chosen = (['listen', 'falcoListen', 'auditLog', 'falcoJson', 'tetragon', 'proc'] as const).filter((k) => flags[k] !== undefined && flags[k] !== false);
  if (flags.source === 'proc' && chosen.length === 0) chosen.push('proc');
  if (chosen.length !== 1) throw new SekishoError('USAGE_INVALID', 'give exactly one input: --listen, --falco-listen, --audit-log, --falco-json, --tetragon or --proc');
  const which = chosen[0]!;
  if (flags.source !== undefined && RUN_SOURCE_FLAG[flags.source] !== which)
    throw new SekishoError('USAGE_INVALID', `--source ${flags.source} reads from ${FLAG_NAME[RUN_SOURCE_FLAG[flags.source]]}, not ${FLAG_NAME[which]}`);
  const kind: InputKind = which === 'listen' || which === 'auditLog' ? 'k8s_audit' : which === 'falcoJson' || which === 'falcoListen' ? 'falco-json' : which;
  const min = minimumPriority(flags.minPriority);
  const ruleSet = await loadRuleFiles(io, flags.rules, loadOptionsFor(kind), false);
  const containers = (await containerIndex(flags.containers)) ?? new ContainerIndex();
  const detector = new Detector(ruleSet, min === undefined ? {} : { minimumPriority: min });
  const queue = new BoundedQueue<SourceItem>(flags.queue);
  const stats = newStreamStats();
  const stop = (): void => queue.close();
  signal.addEventListener('abort', stop, { once: true });

  let closeInput: () => Promise<void> = () => Promise.resolve();
  let inputDrops = (): number => 0;
  let busy = (): number => 0;
  if (which === 'listen' || which === 'falcoListen') {
    const { host, port } = hostPort(which === 'listen' ? flags.listen! : flags.falcoListen!);
    if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new SekishoError('USAGE_INVALID', '--tls-cert and --tls-key go together');
    const tls =
      flags.tlsCert === undefined ? undefined : { cert: await readBoundedFile(flags.tlsCert, 1024 * 1024, 'TLS certificate'), key: await readBoundedFile(flags.tlsKey!, 1024 * 1024, 'TLS key') };
    const hook = await startAuditWebhook({
      host,
      port,
      maxBodyBytes: flags.maxBody,
      ...(tls === undefined ? {} : { tls }),
      // Falco's http_output (and Falcosidekick's own input) posts alerts to the root path.
      ...(which === 'falcoListen' ? { path: '/', decode: falcoAlertBodyItems } : {}),
      accept: (items) => {
        if (!queue.hasRoom(items.length)) return false;
        for (const item of items) queue.push(item);
        return true;
      },
    });
    io.stderr(`listening for ${which === 'listen' ? 'Kubernetes audit events' : 'Falco alerts'} on ${hook.url}\n`);
    closeInput = () => hook.close();
    inputDrops = () => hook.stats.dropped;
    busy = () => hook.stats.busy;
  } else if (which === 'proc') {
    const sampler = new ProcSampler({ intervalMs: flags.interval, signal });
    void (async () => {
      for await (const item of sampler.run()) queue.push(item);
    })();
    io.stderr(`sampling /proc every ${flags.interval} ms\n`);
  } else {
    const path = which === 'auditLog' ? flags.auditLog! : which === 'falcoJson' ? flags.falcoJson! : flags.tetragon!;
    const decode = inputProfile(kind).decodeLine!;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new SekishoError('SOURCE_NOT_FOUND', `cannot read input ${path}`);
    void (async () => {
      for await (const line of fileLines({ path, follow: true, signal })) for (const item of decode(line)) queue.push(item);
    })().catch((e: unknown) => {
      io.stderr(`input ${path} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      queue.close();
    });
    io.stderr(`following ${path}\n`);
  }

  const host = inputProfile(kind).kind;
  let reportedDrops = 0;
  const options = {
    detector,
    containers,
    onAlert: (alert: FalcoAlert, ctx: Parameters<typeof alertEvent>[1]) => sink.emit(alertEvent(alert, ctx)),
  };
  try {
    for await (const item of queue) {
      await processItem(item, options, stats);
      const drops = queue.dropped + inputDrops();
      if (drops > reportedDrops) {
        // Drops are an alert of their own, not a log line (Falco's most-cited runtime complaint).
        io.stderr(`warning: ${drops - reportedDrops} ${host} event(s) dropped: the engine queue (${flags.queue}) was full\n`);
        reportedDrops = drops;
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
    await closeInput();
  }
  io.stderr(summary(stats, `, ${queue.dropped + inputDrops()} dropped${busy() > 0 ? `, ${busy()} webhook requests refused while too many bodies were in flight` : ''}`));
  return stats;
}

function runCommand(io: CliIo): Command {
  return new Command('run')
    .description('Evaluate a live event stream until interrupted; alerts go out as Sekisho events (JSON lines on stdout)')
    .requiredOption('-r, --rules <files...>', 'rules files, applied in order')
    .addOption(new Option('-s, --source <kind>', 'the input kind, checked against the input flag given (optional)').choices([...RUN_SOURCES]))
    .option('--listen <host:port>', 'receive Kubernetes audit events from the API server webhook backend at POST /k8s-audit')
    .option('--falco-listen <host:port>', 'receive Falco alerts from its http_output (POST /, one alert or an array) and run Sekisho rules on them')
    .option('--audit-log <file>', 'follow a Kubernetes audit log file (JSON lines; rotation-aware)')
    .option('--falco-json <file>', 'follow a file of Falco JSON alerts')
    .option('--tetragon <file>', 'follow a Tetragon JSON export file')
    .option('--proc', 'sample this host’s /proc for new processes')
    .option('--tls-cert <file>', 'PEM certificate: serve --listen / --falco-listen over HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--max-body <bytes>', 'largest accepted webhook request body', positiveInt('--max-body'), DEFAULT_WEBHOOK_MAX_BODY)
    .option('--queue <events>', 'events waiting for the engine before new ones are refused (and counted)', positiveInt('--queue'), 10_000)
    .option('--interval <ms>', '--proc sampling interval', positiveInt('--interval'), 200)
    .option('--min-priority <priority>', 'rules below this priority do not alert')
    .option('--containers <file>', 'container id → image/digest/workload mapping joined to alerts')
    .option('--outputs <file>', OUTPUTS_HELP)
    .action(async (flags: RunFlags & { readonly outputs?: string }) => {
      const outputs = flags.outputs === undefined ? null : await openEventOutputs(flags.outputs);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runRuntime(io, flags, fanOut(stdoutSink(io), outputs?.sink) ?? stdoutSink(io), controller.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await outputs?.close();
      }
    });
}

/** `sekisho runtime`: Falco-language runtime detection. */
export function runtimeCommand(io: CliIo): Command {
  return new Command('runtime')
    .description('Runtime detection with Falco rules: validate rules, replay recorded events, run on live streams')
    .addCommand(validateCommand(io))
    .addCommand(replayCommand(io))
    .addCommand(runCommand(io));
}
