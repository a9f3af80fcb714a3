import { existsSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { Finding, Report } from '@sekisho/model';
import { SEVERITIES, isOsPackageType } from '@sekisho/model';
import { SekishoError, skipGlobs } from '@sekisho/core/scanning';
import type { PathSkip } from '@sekisho/core';
import type { CliIo } from '../io.js';

/**
 * Trivy's and Grype's spellings of our flags, so their users are at home: added to every scanning
 * command by `addTrivyCompat` (program.ts), never by the commands themselves. Aliases set the same
 * value as our flag; the rest (`--exit-code`, `--skip-dirs`, `--pkg-types`…) are read by
 * scan-common.ts and gate.ts. docs/cli.md lists each one with its Trivy/Grype equivalent.
 */
export interface TrivyCompatFlags {
  /** `--exit-code N`: exit N when findings (of the `--severity` list, when given) remain. */
  readonly exitCode?: number;
  readonly skipDirs?: readonly string[];
  readonly skipFiles?: readonly string[];
  /** `--list-all-pkgs`: the table lists every package, not only vulnerable ones. */
  readonly listAllPkgs?: boolean;
  /** `--pkg-types os,library`. */
  readonly pkgTypes?: readonly PkgType[];
  /** Commander sets this false for `--no-progress`. */
  readonly progress?: boolean;
}

export const PKG_TYPES = ['os', 'library'] as const;
export type PkgType = (typeof PKG_TYPES)[number];

/** Commands that scan something and report findings or packages. */
export const SCANNING_COMMANDS = ['image', 'sbom', 'sbom-scan', 'config', 'fs', 'rootfs', 'repo'] as const;
/** Commands that walk directories (`--skip-dirs`, `--skip-files` apply). */
const SKIPPING_COMMANDS = new Set(['image', 'sbom', 'config', 'fs', 'rootfs', 'repo']);
/** Commands with an inventory (`--pkg-types`, `--list-all-pkgs`). */
const PACKAGE_COMMANDS = new Set(['image', 'sbom', 'sbom-scan', 'fs', 'rootfs', 'repo']);

/** `cyclonedx` is Trivy's name for CycloneDX JSON. */
export const FORMAT_ALIASES: Readonly<Record<string, string>> = { cyclonedx: 'cyclonedx-json' };

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

function findOption(command: Command, long: string): Option | undefined {
  return command.options.find((o) => o.long === long);
}

/** Severity values in any case (`HIGH`, `High`, `high`): Trivy and Grype users type them upper-case. */
function caseInsensitiveSeverity(option: Option): void {
  const allowed = option.argChoices ?? SEVERITIES.filter((s) => s !== 'unknown');
  option.argParser((value: string): string => {
    const lower = value.trim().toLowerCase();
    if (!allowed.includes(lower)) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')} (any case).`);
    return lower;
  });
}

/** `--format cyclonedx` (Trivy) means cyclonedx-json; format names in any case. */
function formatAliases(option: Option): void {
  const allowed = option.argChoices;
  const aliases = Object.entries(FORMAT_ALIASES).filter(([, target]) => allowed === undefined || allowed.includes(target));
  if (allowed !== undefined) option.argChoices = [...allowed, ...aliases.map(([alias]) => alias)];
  option.argParser((value: string): string => {
    const lower = value.trim().toLowerCase();
    const target = aliases.find(([alias]) => alias === lower)?.[1] ?? lower;
    if (allowed !== undefined && !allowed.includes(target)) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.`);
    return target;
  });
}

function exitCodeArg(value: string): number {
  if (!/^\d{1,3}$/.test(value.trim()) || Number(value) > 255) throw new InvalidArgumentError('a whole number from 0 to 255');
  return Number(value);
}

function pkgTypesArg(value: string, previous: readonly PkgType[] | undefined): PkgType[] {
  const out = new Set<PkgType>(previous ?? []);
  for (const raw of value.split(',')) {
    const v = raw.trim().toLowerCase();
    if (v === '') continue;
    if (!(PKG_TYPES as readonly string[]).includes(v)) throw new InvalidArgumentError(`Allowed types are ${PKG_TYPES.join(', ')}.`);
    out.add(v as PkgType);
  }
  return [...out];
}

/** An alias option that sets `attribute` (our flag's value) when given. */
function alias(command: Command, flags: string, description: string, attribute: string, value?: unknown): void {
  const option = new Option(flags, description);
  command.addOption(option);
  command.on(`option:${option.name()}`, (given: unknown) => {
    command.setOptionValueWithSource(attribute, value ?? given, 'cli');
  });
}

/** Add the Trivy/Grype spellings to one command (a no-op for commands that scan nothing). */
export function addTrivyCompat(command: Command, io: CliIo): Command {
  const name = command.name();
  if (!(SCANNING_COMMANDS as readonly string[]).includes(name)) return command;
  if (name === 'sbom') refuseSbomInput(command);
  const failOn = findOption(command, '--fail-on');
  if (failOn !== undefined) caseInsensitiveSeverity(failOn);
  const format = findOption(command, '--format');
  if (format !== undefined) formatAliases(format);
  if (name !== 'sbom') {
    command.addOption(
      new Option('--exit-code <code>', 'exit with CODE when findings remain (only those of --severity, when given); --fail-on and errors take precedence (Trivy)').argParser(exitCodeArg),
    );
  }
  if (SKIPPING_COMMANDS.has(name)) {
    command
      .addOption(
        new Option(
          '--skip-dirs <globs>',
          'do not read directories matching these globs (comma-separated or repeated; a bare name matches at any depth, ./x only at the top); recorded in the report as skipped, not unknown',
        ).argParser(collect),
      )
      .addOption(new Option('--skip-files <globs>', 'do not read files matching these globs (as --skip-dirs)').argParser(collect));
  }
  if (PACKAGE_COMMANDS.has(name)) {
    // The vulnerability options define --list-all-pkgs on the commands that have them.
    if (findOption(command, '--list-all-pkgs') === undefined)
      command.option('--list-all-pkgs', 'list every package in the table, not only those with findings (Trivy; JSON and SBOM formats always list them)');
    command.addOption(new Option('--pkg-types <types>', 'package types to report: os, library, or os,library (default: both)').argParser(pkgTypesArg));
  }
  if (findOption(command, '--no-progress') === undefined) command.option('--no-progress', 'no progress display (as --quiet, without silencing warnings)');
  if (findOption(command, '--ignore-file') !== undefined) alias(command, '--ignorefile <file>', 'the same as --ignore-file (Trivy)', 'ignoreFile');
  if (findOption(command, '--offline') !== undefined && findOption(command, '--offline-scan') === undefined) alias(command, '--offline-scan', 'the same as --offline (Trivy)', 'offline', true);
  if (findOption(command, '--output') !== undefined) {
    command.hook('preAction', (thisCommand) => {
      const output = thisCommand.getOptionValue('output') as string | undefined;
      const formats = findOption(thisCommand, '--format')?.argChoices ?? [];
      if (output !== undefined && formats.includes(output.toLowerCase()) && !existsSync(output) && thisCommand.getOptionValueSource('format') !== 'cli') {
        io.stderr(`sekisho: warning: -o names the output FILE "${output}"; did you mean --format ${output.toLowerCase()}?\n`);
      }
    });
  }
  return command;
}

const SHORT_FLAGS: Readonly<Record<string, string>> = { '--format': '-f', '--output': '-o' };

/** `-f` for --format and `-o` for --output on every command that has them (and no other use for the letter). */
export function alignShortFlags(root: Command): void {
  const commands = [root];
  for (let i = 0; i < commands.length; i += 1) {
    const command = commands[i];
    if (command === undefined) continue;
    commands.push(...command.commands);
    for (const option of command.options) {
      const short = option.long === undefined ? undefined : SHORT_FLAGS[option.long];
      if (short === undefined || option.short !== undefined || command.options.some((o) => o.short === short)) continue;
      option.short = short;
      option.flags = `${short}, ${option.flags}`;
    }
  }
}

/** `--skip-dirs` and `--skip-files` as the core's PathSkip, or null. */
export function skipFrom(flags: TrivyCompatFlags): PathSkip | null {
  return skipGlobs({ dirs: flags.skipDirs ?? [], files: flags.skipFiles ?? [] });
}

/** `--pkg-types`: keep OS packages (deb, apk, rpm), language packages (library), or both. */
export function filterPkgTypes(report: Report, flags: TrivyCompatFlags): Report {
  const wanted = flags.pkgTypes;
  if (wanted === undefined || wanted.length === 0 || wanted.length === PKG_TYPES.length) return report;
  const keepOs = wanted.includes('os');
  const packages = report.packages.filter((p) => isOsPackageType(p.type) === keepOs);
  const kept = new Set(packages.map((p) => p.id));
  const dropped = new Set(report.packages.filter((p) => !kept.has(p.id)).map((p) => p.id));
  return {
    ...report,
    packages,
    relationships: report.relationships.filter((r) => !dropped.has(r.from) && !dropped.has(r.to)),
    findings: report.findings.filter((f) => f.kind !== 'vulnerability' || !dropped.has(f.packageId)),
  };
}

function severityList(text: string | undefined): readonly string[] | null {
  if (text === undefined || text.trim() === '') return null;
  return text.split(',').map((s) => s.trim().toLowerCase());
}

/**
 * Trivy's `--exit-code N`: N when findings of the `--severity` list (all findings without it)
 * remain in the report; 0 otherwise. Ignored findings (VEX, exceptions) are no longer in it.
 */
export function trivyExitCode(findings: readonly Pick<Finding, 'severity'>[], flags: { readonly exitCode?: number; readonly severity?: string }): number {
  if (flags.exitCode === undefined || flags.exitCode === 0) return 0;
  const listed = severityList(flags.severity);
  for (const s of listed ?? []) if (!(SEVERITIES as readonly string[]).includes(s)) throw new SekishoError('USAGE_INVALID', `unknown severity "${s.slice(0, 40)}" in --severity`);
  return findings.some((f) => listed === null || listed.includes(f.severity)) ? flags.exitCode : 0;
}

const SBOM_FILE = /\.(json|spdx|cdx|sbom)$/i;

/**
 * `sekisho sbom FILE.json`: in Trivy, `sbom` scans an SBOM; here it makes one. Given an SBOM,
 * say which command reads it (a usage error, exit 2) rather than failing to open it as an image.
 */
export function refuseSbomInput(command: Command): Command {
  command.hook('preAction', async (thisCommand) => {
    const given = thisCommand.processedArgs[0] as unknown;
    if (typeof given !== 'string' || !SBOM_FILE.test(given) || !existsSync(given)) return;
    const { open } = await import('node:fs/promises');
    const handle = await open(given, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
      if (!buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{')) return;
    } finally {
      await handle.close();
    }
    throw new SekishoError('USAGE_INVALID', `${given} is an SBOM: sekisho sbom makes SBOMs from images; to find vulnerabilities in an SBOM use: sekisho sbom-scan ${given}`);
  });
  return command;
}
