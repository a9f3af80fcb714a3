import { lstat, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import {
  auditConfig,
  decisionLines,
  evaluatePolicy,
  isConfigCandidate,
  isConfigDocumentKind,
  isolationHostFacts,
  LAYER_WEIGHTS,
  parseHostFactsDocument,
  parsePssVersion,
  SekishoError,
  toSarif,
  type ConfigAuditResult,
  type ConfigDocumentKind,
  type ConfigFileError,
  type ConfigInput,
  type HostFacts,
  type PathSkip,
  type IsolationLayerId,
  type PolicyDocument,
} from '@sekisho/core';
import { isSeverity, REPORT_SCHEMA, reportCompleteness, severityRank, type PolicyDecision, type Report, type Severity, type Unknown } from '@sekisho/model';
import { outputRedactor } from '../redaction.js';
import { ALLOW_INCOMPLETE_HELP, applyGate } from './gate.js';
import { skipFrom } from './trivy-compat.js';
import type { TrivyCompatFlags } from './trivy-compat.js';
import { addPolicyOptions, applyPolicyGate, environmentOf, policyFromFlags } from './policy.js';
import { addServerPushOptions, pushConfigAudit, serverPushTarget } from './server-push.js';

export interface ConfigCommandIo {
  readonly stdout: (text: string) => void;
  /** Gate failures and warnings (default: process.stderr). */
  readonly stderr?: (text: string) => void;
  /** Reads all of standard input (bounded by the caller's limit). */
  readonly readStdin: (limit: number) => Promise<Uint8Array>;
  readonly toolVersion: string;
}

interface ConfigFlags extends Pick<TrivyCompatFlags, 'skipDirs' | 'skipFiles'> {
  readonly kernelVersion?: string;
  readonly runcVersion?: string;
  readonly containerdVersion?: string;
  readonly cgroupVersion?: string;
  readonly hostFacts?: string;
  readonly type?: string;
  readonly pssVersion: string;
  readonly format: string;
  readonly output?: string;
  readonly failOn?: string;
  readonly allowIncomplete?: boolean;
  readonly showSecrets?: boolean;
  readonly policy?: string;
  readonly env?: string;
  readonly server?: string;
  readonly token?: string;
  readonly cluster?: string;
  readonly replace?: boolean;
}

/** The scanner name a configuration audit runs under (`--scanners`, policy `misconfiguration` rules). */
const CONFIG_SCANNER = 'config';

const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_HOST_FACTS_BYTES = 1024 * 1024;
const MAX_FILES = 20_000;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git']);
const FORMATS = ['table', 'json', 'sarif'] as const;

async function readAllStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new SekishoError('LIMIT_ENTRY_SIZE', `standard input is larger than ${limit} bytes`, { where: { file: '-' } });
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export const defaultConfigIo: ConfigCommandIo = {
  stdout: (text) => process.stdout.write(text),
  readStdin: readAllStdin,
  toolVersion: '0.1.0',
};

interface Collected {
  readonly inputs: ConfigInput[];
  readonly errors: ConfigFileError[];
}

/** Walks the given paths: named files always, files in directories when they look like configuration. */
async function collect(paths: readonly string[], typeHint: ConfigDocumentKind | undefined, io: ConfigCommandIo, skip: PathSkip | null = null): Promise<Collected> {
  const inputs: ConfigInput[] = [];
  const errors: ConfigFileError[] = [];
  let total = 0;
  const add = (file: string, content: Uint8Array): void => {
    if (inputs.length >= MAX_FILES) throw new SekishoError('LIMIT_ENTRY_COUNT', `more than ${MAX_FILES} files to scan`);
    total += content.byteLength;
    if (total > MAX_TOTAL_BYTES) throw new SekishoError('LIMIT_IMAGE_SIZE', `more than ${MAX_TOTAL_BYTES} bytes to scan`);
    inputs.push(typeHint === undefined ? { path: file, content } : { path: file, content, typeHint });
  };
  const readOne = async (file: string, size: number): Promise<void> => {
    if (size > MAX_FILE_BYTES) {
      errors.push({ file, reason: `larger than ${MAX_FILE_BYTES} bytes` });
      return;
    }
    try {
      add(file, await readFile(file));
    } catch (error) {
      if (error instanceof SekishoError) throw error;
      errors.push({ file, reason: `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
  };
  // `--skip-dirs` / `--skip-files` (trivy-compat.ts): judged on the path below each directory given.
  const walk = async (dir: string, top: string = dir): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      errors.push({ file: dir, reason: `unreadable directory: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (skip?.test(`/${path.relative(top, full).split(path.sep).join('/')}`, e.isDirectory()) === true) continue;
      // Symbolic links inside a tree are not followed: they could leave it or loop.
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(full, top);
      } else if (e.isFile() && (typeHint !== undefined || isConfigCandidate(e.name))) {
        const info = await lstat(full);
        await readOne(full, info.size);
      }
    }
  };
  for (const p of paths) {
    if (p === '-') {
      add('-', await io.readStdin(MAX_FILE_BYTES));
      continue;
    }
    let info;
    try {
      info = await stat(p);
    } catch (error) {
      // A path the user typed that does not exist is a usage error (2), not an unreadable image (3).
      throw new SekishoError('USAGE_INVALID', `no such file or directory: ${p}`, { where: { path: p }, cause: error });
    }
    if (info.isDirectory()) await walk(p);
    else await readOne(p, info.size);
  }
  return { inputs, errors };
}

const LAYER_SHORT: Readonly<Record<IsolationLayerId, string>> = {
  'user-namespace': 'userns',
  'non-root': 'nonroot',
  capabilities: 'caps',
  seccomp: 'seccomp',
  mac: 'mac',
  'no-new-privs': 'nnp',
  'read-only-root': 'rofs',
  'cgroup-limits': 'limits',
  'host-namespaces': 'hostns',
  'host-mounts': 'mounts',
  sandbox: 'sandbox',
  'api-credentials': 'token',
};

function targetLabel(t: ConfigAuditResult['findings'][number]['target']): string {
  const obj = [t.kind, t.namespace === null ? t.name : `${t.namespace}/${t.name ?? ''}`].filter((x) => x !== null && x !== '').join(' ');
  return `${t.file}${obj === '' ? '' : ` ${obj}`}${t.container === null ? '' : ` [${t.container}]`}`;
}

/** Plain-text report: findings by severity, then the isolation analysis of each workload. */
export function renderTable(result: ConfigAuditResult, pssVersion: string, decision?: PolicyDecision): string {
  const lines: string[] = [];
  const findings = [...result.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  lines.push(`Findings: ${findings.length} (${[...counts].map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}) — Pod Security Standards ${pssVersion}`, '');
  for (const f of findings) {
    const std = f.standard === null ? '' : ` [PSS ${f.standard.level} ${f.standard.check} ${f.standard.version}]`;
    lines.push(`${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}${std}`);
    lines.push(`         ${targetLabel(f.target)}${f.fieldPath === null ? '' : ` · ${f.fieldPath}`}`);
    lines.push(`         ${f.description}`);
    if (f.fix !== null) lines.push(`         fix: ${f.fix}`);
  }
  if (result.workloads.length > 0) {
    lines.push('', `Isolation (score 0–100; layers: held ■ partial ◧ missing □)`);
    const layers = Object.keys(LAYER_WEIGHTS) as IsolationLayerId[];
    for (const w of result.workloads) {
      const matrix = layers.map((l) => `${LAYER_SHORT[l]} ${w.layers[l].state === 'held' ? '■' : w.layers[l].state === 'partial' ? '◧' : '□'}`).join('  ');
      lines.push('', `${String(w.score).padStart(3)}  ${targetLabel(w.target)}`, `     ${matrix}`);
      for (const p of w.openPaths) {
        lines.push(`     ${p.certainty === 'open' ? 'OPEN' : 'MAYBE'} ${p.severity.padEnd(8)} ${p.name}`);
        if (p.unknowns.length > 0) lines.push(`          depends on: ${p.unknowns.join('; ')}`);
        lines.push(`          fix: ${p.fix}`);
      }
    }
  }
  if (result.fileErrors.length > 0) {
    lines.push('', 'Files not scanned:');
    for (const e of result.fileErrors) lines.push(`  ${e.file}: ${e.reason}${e.notApplicable === true ? ' (skipped)' : ''}`);
  }
  if (decision !== undefined) lines.push('', ...decisionLines(decision));
  const refused = refusedFiles(result);
  lines.push('', refused.length === 0 ? 'Status: complete' : `Status: INCOMPLETE — ${refused.length} file(s) or document(s) refused (see "Files not scanned")`);
  return `${lines.join('\n')}\n`;
}

/** File errors that make the report incomplete: everything but files that are simply not configuration. */
function refusedFiles(result: ConfigAuditResult): ConfigFileError[] {
  return result.fileErrors.filter((e) => e.notApplicable !== true);
}

/** Refused files as the report model's unknowns, for reportCompleteness and the gate. */
function unknownsOf(result: ConfigAuditResult): Unknown[] {
  return refusedFiles(result).map((e) => ({ location: { path: e.file, layerDigest: null, diffId: null, layerIndex: null }, foundBy: 'config', reason: e.reason }));
}

/**
 * The audit as a report, for the policy engine: the configuration findings, refused files as
 * unknowns, and `config` as the scanner that ran to the end.
 */
function auditReport(paths: readonly string[], result: ConfigAuditResult, unknowns: readonly Unknown[], toolVersion: string): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'sekisho', version: toolVersion },
    target: { reference: paths.join(' '), sourceType: 'rootfs', manifestDigest: null, configDigest: null, platform: null, repoTags: [] },
    image: null,
    distro: null,
    packages: [],
    relationships: [],
    findings: result.findings,
    unknowns,
    notChecked: [],
    scanners: [CONFIG_SCANNER],
  };
}

/**
 * The environment of audited workloads: `--env`, else the policy's mappings applied to the one
 * namespace the documents name. Documents in several namespaces (or in none) need `--env`.
 */
function configEnvironment(policy: PolicyDocument, flags: ConfigFlags, result: ConfigAuditResult): string {
  if (flags.env !== undefined) return flags.env;
  const namespaces = [...new Set([...result.workloads.map((w) => w.target.namespace), ...result.findings.map((f) => f.target.namespace)].filter((n): n is string => n !== null))].sort();
  if (namespaces.length !== 1) {
    const found = namespaces.length === 0 ? 'no namespace' : `${namespaces.length} namespaces (${namespaces.slice(0, 5).join(', ')})`;
    throw new SekishoError('USAGE_INVALID', `--policy: the audited documents name ${found}, so the environment cannot be chosen by namespace; --env NAME is required`);
  }
  return environmentOf(policy, flags, { namespace: namespaces[0] });
}

function hostFactsFrom(flags: ConfigFlags): HostFacts {
  const version = /^\d+(\.\d+){0,3}([-+.~][\w.~-]+)?$/;
  for (const [name, value] of [
    ['--kernel-version', flags.kernelVersion],
    ['--runc-version', flags.runcVersion],
    ['--containerd-version', flags.containerdVersion],
  ] as const) {
    if (value !== undefined && !version.test(value)) throw new SekishoError('USAGE_INVALID', `${name} must be a version like 1.2.3 (got "${value}")`);
  }
  if (flags.cgroupVersion !== undefined && flags.cgroupVersion !== '1' && flags.cgroupVersion !== '2') {
    throw new SekishoError('USAGE_INVALID', `--cgroup-version must be 1 or 2 (got "${flags.cgroupVersion}")`);
  }
  return {
    ...(flags.kernelVersion === undefined ? {} : { kernelVersion: flags.kernelVersion }),
    ...(flags.runcVersion === undefined ? {} : { runcVersion: flags.runcVersion.replace(/^v/, '') }),
    ...(flags.containerdVersion === undefined ? {} : { containerdVersion: flags.containerdVersion }),
    ...(flags.cgroupVersion === undefined ? {} : { cgroupVersion: flags.cgroupVersion === '1' ? 1 : 2 }),
  };
}

/** `--host-facts FILE`: a missing file is a usage error (2), a malformed one CONFIG_INVALID (8). */
async function readHostFacts(file: string): Promise<HostFacts> {
  let bytes: Uint8Array;
  try {
    if ((await stat(file)).size > MAX_HOST_FACTS_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', `${file} is larger than ${MAX_HOST_FACTS_BYTES} bytes`, { where: { file } });
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('USAGE_INVALID', `--host-facts: cannot read ${file}`, { where: { file }, cause: error });
  }
  return isolationHostFacts(parseHostFactsDocument(bytes, file));
}

export function configCommand(io: ConfigCommandIo = defaultConfigIo): Command {
  const command = new Command('config')
    .description('audit Kubernetes manifests, Dockerfiles, Compose files and docker inspect output; show which isolation layers hold and which breakout paths stay open')
    .argument('<paths...>', 'files or directories to scan (- reads standard input, e.g. helm template output)')
    .option('--type <type>', 'treat every input as this type: kubernetes, dockerfile, compose or docker-inspect')
    .option('--pss-version <version>', 'Pod Security Standards version, v1.<minor> or latest', 'latest')
    .option('-f, --format <format>', 'output format: table, json or sarif', 'table')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--fail-on <severity>', 'exit with 1 when a finding at or above this severity exists, or when a file was refused (unparseable YAML, alias bombs, limits)')
    .option('--allow-incomplete', ALLOW_INCOMPLETE_HELP)
    .option('--show-secrets', 'print values from the inputs in full (default: secret values redacted)')
    .option('--kernel-version <version>', "the nodes' kernel version, for kernel-dependent breakout paths (e.g. 5.15.0)")
    .option('--runc-version <version>', "the nodes' runc version, for runc CVEs (e.g. 1.1.12)")
    .option('--containerd-version <version>', "the nodes' containerd version")
    .option('--cgroup-version <1|2>', "the nodes' cgroup version (release_agent escapes need cgroup v1)")
    .option('--host-facts <file>', 'host facts from `sekisho host --facts-out` (kernel, runc, containerd, cgroup, AppArmor/SELinux, user namespaces); the version flags above override them')
    .option('--cluster <name>', 'with --server: the cluster (or other scope) the audited configuration belongs to')
    .option('--replace', "with --server: the audit covers the whole cluster, so the server drops the cluster's workloads it no longer names (only when the audit is complete)");
  addServerPushOptions(command, "also record the audit in a Sekisho server (POST URL/api/v1/config-audits): the dashboard's Workloads view; needs a scanner token");
  addPolicyOptions(command);
  return command.action(async (paths: string[], flags: ConfigFlags) => {
    if (flags.type !== undefined && !isConfigDocumentKind(flags.type))
      throw new SekishoError('USAGE_INVALID', `--type must be one of kubernetes, dockerfile, compose, docker-inspect (got "${flags.type}")`);
    if (!(FORMATS as readonly string[]).includes(flags.format)) throw new SekishoError('USAGE_INVALID', `--format must be one of ${FORMATS.join(', ')} (got "${flags.format}")`);
    if (flags.failOn !== undefined && !isSeverity(flags.failOn))
      throw new SekishoError('USAGE_INVALID', `--fail-on must be a severity: critical, high, medium, low, negligible (got "${flags.failOn}")`);
    const minor = parsePssVersion(flags.pssVersion);
    if (minor === null) throw new SekishoError('USAGE_INVALID', `--pss-version must be v1.<minor> or latest (got "${flags.pssVersion}")`);
    const pssVersion = `v1.${minor}`;
    const push = serverPushTarget(flags);
    if (push !== null && flags.cluster === undefined) throw new SekishoError('USAGE_INVALID', '--server needs --cluster: the cluster the audited configuration belongs to');
    if (push === null && (flags.cluster !== undefined || flags.replace === true)) throw new SekishoError('USAGE_INVALID', '--cluster and --replace need --server');
    // a broken policy file is exit 8 before anything is read
    const policy = await policyFromFlags(flags);

    const typeHint = flags.type;
    const { inputs, errors } = await collect(paths, typeHint, io, skipFrom(flags));
    if (inputs.length === 0 && errors.length === 0) throw new SekishoError('SOURCE_EMPTY', 'no configuration files found in the given paths');
    const hostFacts = { ...(flags.hostFacts === undefined ? {} : await readHostFacts(flags.hostFacts)), ...hostFactsFrom(flags) };
    const audited = auditConfig(inputs, { pssVersion, hostFacts });
    const result: ConfigAuditResult = { ...audited, fileErrors: [...errors, ...audited.fileErrors] };
    // Nothing judged at all (every file refused or not configuration): no report can pass a gate.
    const withErrors = new Set(result.fileErrors.map((e) => e.file));
    if (inputs.every((i) => withErrors.has(i.path)) && result.findings.length === 0 && result.workloads.length === 0) {
      const refused = refusedFiles(result);
      const first = (refused[0] ?? result.fileErrors[0])!;
      const more = result.fileErrors.length > 1 ? ` (and ${result.fileErrors.length - 1} more)` : '';
      throw new SekishoError(refused.length > 0 ? 'CONFIG_INVALID' : 'CONFIG_UNSUPPORTED', `no configuration could be read: ${first.reason}${more}`, { where: { file: first.file } });
    }
    const unknowns = unknownsOf(result);
    const completeness = reportCompleteness({ unknowns, notChecked: [] });
    const redactor = outputRedactor(flags.showSecrets === true);
    const shown = redactor.value(result);
    const report = auditReport(paths, result, unknowns, io.toolVersion);
    const decision = policy === null ? undefined : redactor.value(evaluatePolicy(report, policy, configEnvironment(policy, flags, result), { now: new Date() }));

    const document = {
      schema: 'sekisho.config-audit/v1',
      tool: { name: 'sekisho', version: io.toolVersion },
      status: completeness.status,
      statusReasons: completeness.reasons,
      pssVersion,
      scanners: report.scanners,
      ...shown,
      ...(decision === undefined ? {} : { policy: decision }),
    };
    let text: string;
    if (flags.format === 'json') {
      text = `${JSON.stringify(document, null, 2)}\n`;
    } else if (flags.format === 'sarif') {
      const log = toSarif(
        shown.findings,
        { name: 'sekisho', version: io.toolVersion },
        {
          notifications: shown.fileErrors.map((e) => ({ file: e.file, message: e.reason, level: e.notApplicable === true ? ('warning' as const) : ('error' as const) })),
          completeness,
          ...(decision === undefined ? {} : { policy: decision }),
        },
      );
      text = `${JSON.stringify(log, null, 2)}\n`;
    } else {
      text = renderTable(shown, pssVersion, decision);
    }
    if (flags.output !== undefined) await writeFile(flags.output, text);
    else io.stdout(text);

    const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
    if (push !== null && flags.cluster !== undefined) {
      const environment = flags.env ?? decision?.environment;
      await pushConfigAudit(
        document,
        push,
        { cluster: flags.cluster, replace: flags.replace === true, ...(environment === undefined ? {} : { environment }) },
        { stdout: io.stdout, stderr, isTty: false },
        false,
      );
    }
    applyGate({ findings: result.findings, unknowns, notChecked: [] }, flags, stderr, false);
    applyPolicyGate(decision, stderr);
  });
}
