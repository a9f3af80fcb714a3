import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { PolicyDecision, Report } from '@sekisho/model';
import { FINDING_KINDS, isSeverity } from '@sekisho/model';
import { EXIT_CODES, SBOM_INPUT_LIMITS, SekishoError, environmentFor, evaluatePolicy, loadPolicy, policyJsonSchema, renderDecision, reportFromSbom, resolveEnvironment } from '@sekisho/core';
import type { PolicyDocument, PolicySubject } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { writeOutput } from '../io.js';

/** The policy flags every gating command shares. */
export interface PolicyFlags {
  readonly policy?: string;
  readonly env?: string;
}

export function addPolicyOptions(command: Command): Command {
  return command
    .option('--policy <file>', 'evaluate a policy file (sekisho.yaml, docs/policy.md): exit 1 when a rule with action fail is violated or cannot be judged')
    .option('--env <name>', "the policy environment (default: the first mapping that matches the image, else the policy's defaultEnvironment)");
}

/**
 * Load the policy the flags name, before anything is scanned: a broken file (or an unknown
 * `--env`) is a configuration error, exit 8, not a scan that fails at the end. Null without --policy.
 */
export async function policyFromFlags(flags: PolicyFlags): Promise<PolicyDocument | null> {
  if (flags.policy === undefined) {
    if (flags.env !== undefined) throw new SekishoError('USAGE_INVALID', '--env needs --policy FILE');
    return null;
  }
  const policy = await loadPolicy(flags.policy);
  if (flags.env !== undefined) resolveEnvironment(policy, flags.env);
  return policy;
}

/** The environment of a subject: `--env` when given, else the policy's mappings (first match), else its defaultEnvironment. */
export function environmentOf(policy: PolicyDocument, flags: PolicyFlags, subject: PolicySubject): string {
  return flags.env ?? environmentFor(policy, subject);
}

/** Judge a report: the same `evaluatePolicy` call the server and the webhook make. */
export function decide(report: Report, policy: PolicyDocument, flags: PolicyFlags, now: Date): PolicyDecision {
  return evaluatePolicy(report, policy, environmentOf(policy, flags, { images: [report.target.reference, ...report.target.repoTags] }), { now });
}

/** Evaluate the policy the flags name, if any: the same `evaluatePolicy` call the server and the webhook make. */
export async function decisionFor(report: Report, flags: PolicyFlags, now: Date): Promise<PolicyDecision | null> {
  const policy = await policyFromFlags(flags);
  return policy === null ? null : decide(report, policy, flags, now);
}

/**
 * The policy's part of the exit code, after the `--fail-on` gate: 1 when the decision is fail,
 * unless the gate already set a stricter (higher) code. Printed even with --quiet: it explains the code.
 */
export function applyPolicyGate(decision: PolicyDecision | undefined, stderr: (text: string) => void): void {
  if (decision === undefined || decision.result !== 'fail') return;
  const failed = decision.rules.filter((r) => r.outcome === 'fail').map((r) => r.id);
  stderr(`sekisho: policy ${decision.policy} (environment ${decision.environment}) failed: ${failed.join(', ')}\n`);
  const current = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = Math.max(current, EXIT_CODES.policy);
}

const str = (v: unknown): boolean => typeof v === 'string';
const strings = (v: unknown): boolean => Array.isArray(v) && v.every(str);

/** The fields the policy engine reads, checked before it reads them: stored reports are input like any other. */
function isFindingShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  if (!(FINDING_KINDS as readonly unknown[]).includes(f['kind']) || !str(f['id']) || !str(f['ruleId']) || !str(f['title']) || typeof f['severity'] !== 'string' || !isSeverity(f['severity']))
    return false;
  if (f['removedInLayer'] !== null && typeof f['removedInLayer'] !== 'number') return false;
  if (f['kind'] === 'vulnerability') return str(f['vulnerabilityId']) && strings(f['aliases']) && str(f['packageName']) && str(f['installedVersion']) && strings(f['fixedVersions']);
  return true;
}

/** Image facts as the policy rules and compare read them: layers, labels and env of the right types. */
function isImageShape(value: unknown): value is NonNullable<Report['image']> {
  if (typeof value !== 'object' || value === null) return false;
  const image = value as { layers?: unknown; config?: unknown };
  if (!Array.isArray(image.layers) || typeof image.config !== 'object' || image.config === null) return false;
  const config = image.config as { labels?: unknown; env?: unknown; created?: unknown };
  const labelsOk = typeof config.labels === 'object' && config.labels !== null && Object.values(config.labels).every(str);
  return labelsOk && strings(config.env) && (config.created === null || str(config.created));
}

export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > SBOM_INPUT_LIMITS.maxBytes) throw new SekishoError('LIMIT_JSON_SIZE', `${file} is larger than ${SBOM_INPUT_LIMITS.maxBytes} bytes`, { where: { file } });
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('SOURCE_NOT_FOUND', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `${file} is not valid JSON`, { where: { file }, cause: error });
  }
  // A full Sekisho report keeps its findings and the scanners it ran; other inputs are inventories only.
  if (typeof parsed === 'object' && parsed !== null && (parsed as { schema?: unknown }).schema === 'sekisho.report/v1' && Array.isArray((parsed as { findings?: unknown }).findings)) {
    const inventory = reportFromSbom(text, file).report;
    const raw = parsed as { findings: Report['findings']; unknowns?: Report['unknowns']; notChecked?: Report['notChecked']; scanners?: unknown; image?: Report['image']; distro?: Report['distro'] };
    const scanners = Array.isArray(raw.scanners) ? raw.scanners.filter((s): s is string => typeof s === 'string') : undefined;
    const bad = raw.findings.findIndex((f) => !isFindingShape(f));
    if (bad >= 0) throw new SekishoError('CONFIG_INVALID', `${file}: findings[${bad}] is not a Sekisho finding`, { where: { file } });
    if (!Array.isArray(raw.unknowns ?? []) || !Array.isArray(raw.notChecked ?? [])) throw new SekishoError('CONFIG_INVALID', `${file}: unknowns and notChecked must be lists`, { where: { file } });
    // The distro comes from the validated inventory; image facts only when their shape is what the rules read.
    return {
      ...inventory,
      image: isImageShape(raw.image) ? raw.image : null,
      findings: raw.findings,
      unknowns: raw.unknowns ?? [],
      notChecked: raw.notChecked ?? [],
      ...(scanners === undefined ? {} : { scanners }),
    };
  }
  return reportFromSbom(text, file).report;
}

/** `sekisho policy validate|schema|evaluate`. */
export function policyCommand(io: CliIo): Command {
  const command = new Command('policy').description('Check policy files, print their JSON Schema, and evaluate stored reports against them (docs/policy.md)');
  command
    .command('validate')
    .description('Load a policy and resolve every environment: exit 8 with the field path when anything is wrong')
    .argument('<file>', 'the policy (sekisho.yaml)')
    .action(async (file: string) => {
      const policy: PolicyDocument = await loadPolicy(file);
      const lines = Object.keys(policy.environments)
        .sort()
        .map((name) => {
          const env = resolveEnvironment(policy, name);
          return `  ${name}${env.lineage.length > 1 ? ` (extends ${env.lineage.slice(0, -1).join(' → ')})` : ''}: ${env.rules.map((r) => `${r.id}[${r.action}]`).join(', ') || 'no rules'}`;
        });
      io.stdout(`${file}: policy ${policy.metadata.name} is valid\n${lines.join('\n')}\n`);
    });
  command
    .command('schema')
    .description('Print the JSON Schema of the policy file, for editors')
    .option('-o, --output <file>', 'write to FILE')
    .action(async (flags: { output?: string }) => {
      await writeOutput(io, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`, flags.output);
    });
  command
    .command('evaluate')
    .description('Evaluate a stored report (`sekisho image --format json`) or SBOM against a policy; exit 1 when the decision is fail')
    .argument('<report>', 'a Sekisho JSON report, or a CycloneDX SBOM (then only inventory rules can pass)')
    .requiredOption('--policy <file>', 'the policy')
    .option('--env <name>', "the environment (default: by the policy's mappings)")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to FILE')
    .action(async (file: string, flags: PolicyFlags & { format: string; output?: string }) => {
      const report = await readReport(file);
      const decision = await decisionFor(report, flags, new Date());
      if (decision === null) return;
      await writeOutput(io, flags.format === 'json' ? `${JSON.stringify(decision, null, 2)}\n` : renderDecision(decision), flags.output);
      if (decision.result === 'fail') process.exitCode = 1;
    });
  return command;
}
