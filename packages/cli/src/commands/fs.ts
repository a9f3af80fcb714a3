import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import type { Finding, Report, Unknown } from '@sekisho/model';
import { SekishoError, auditConfig, combineSkips, isConfigCandidate, parseScanners, setupScanners, sortFindings, withPostScanFindings } from '@sekisho/core';
import type { ConfigFileError, ConfigInput, PathSkip, Scanner } from '@sekisho/core';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { renderTime } from '../global-options.js';
import { addScanOptions, runScan } from './scan-common.js';
import type { ScanFlags } from './scan-common.js';
import { VULNERABILITY_FORMATS, addVulnerabilityOptions, runVulnerabilityScan, writeScanReport } from './vulnerability-options.js';
import type { VulnerabilityFlags } from './vulnerability-options.js';
import { addGateOptions, applyGate } from './gate.js';
import type { GateFlags } from './gate.js';
import { imageCommand } from './image.js';
import { skipFrom } from './trivy-compat.js';

/*
 * `sekisho fs DIR` and `sekisho repo DIR` (Trivy's fs and repo): a project directory read as a
 * root file system (`dir:` source: lockfiles and manifests of every ecosystem, secrets) plus the
 * configuration audit of `sekisho config` (Dockerfiles, Kubernetes, Compose), in one report.
 * `repo` also honours the checkout's .gitignore files and never reads .git; git is never run.
 * `sekisho rootfs DIR` is `sekisho image dir:DIR`.
 */

interface FsFlags extends ScanFlags, GateFlags, VulnerabilityFlags {
  readonly scanners: string;
  readonly showSecrets?: boolean;
  readonly secretConfig?: string;
  readonly pssVersion?: string;
  readonly includeDevDeps?: boolean;
}

export const FS_DEFAULT_SCANNERS = 'vuln,secret,misconfig';
const CONFIG_SCANNER_NAMES = new Set(['misconfig', 'config']);
const CONFIG_SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;
const MAX_CONFIG_FILES = 20_000;

/** Our scanners plus Trivy's `misconfig` (also `config`): the configuration audit. */
export function parseFsScanners(text: string): { scanners: Set<Scanner>; misconfig: boolean } {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const relative = parts.length > 0 && parts.every((p) => p.startsWith('+') || p.startsWith('-'));
  let misconfig = relative;
  const rest: string[] = [];
  for (const part of parts) {
    const name = relative ? part.slice(1) : part;
    if (CONFIG_SCANNER_NAMES.has(name)) misconfig = !(relative && part.startsWith('-'));
    else rest.push(part);
  }
  const defaults: Scanner[] = ['vuln', 'secret'];
  try {
    const scanners = rest.length === 0 ? new Set<Scanner>(relative ? defaults : []) : parseScanners(rest.join(','), defaults);
    return { scanners, misconfig };
  } catch (error) {
    throw new SekishoError('USAGE_INVALID', error instanceof Error ? error.message : String(error));
  }
}

/**
 * A checkout's .gitignore files (every directory's, read when the walk gets there) and
 * .git/info/exclude, as a PathSkip; `.git` itself is always skipped. Matching is the `ignore`
 * package's (gitignore(5) semantics: negation, anchoring, directory-only patterns).
 */
export function gitignoreSkip(root: string): PathSkip {
  const matchers = new Map<string, Ignore | null>();
  const load = (dir: string): Ignore | null => {
    const known = matchers.get(dir);
    if (known !== undefined) return known;
    const files = [path.join(root, dir, '.gitignore'), ...(dir === '' ? [path.join(root, '.git', 'info', 'exclude')] : [])];
    let matcher: Ignore | null = null;
    for (const file of files) {
      try {
        const text = readFileSync(file, 'utf8');
        matcher = (matcher ?? ignore()).add(text);
      } catch {
        // no such file: nothing ignored at this level
      }
    }
    matchers.set(dir, matcher);
    return matcher;
  };
  return {
    test: (imagePath, isDir) => {
      const rel = imagePath.replace(/^\/+/, '');
      if (rel === '.git' || rel.startsWith('.git/')) return true;
      const parts = rel.split('/');
      // Each ancestor's .gitignore judges the path relative to that ancestor (deeper files win by being later: any match skips).
      for (let depth = 0; depth < parts.length; depth += 1) {
        const dir = parts.slice(0, depth).join('/');
        const matcher = load(dir);
        if (matcher === null) continue;
        const sub = parts.slice(depth).join('/');
        if (matcher.ignores(isDir ? `${sub}/` : sub)) return true;
      }
      return false;
    },
    patterns: ['gitignore:.gitignore'],
    skippedPaths: [],
  };
}

interface ConfigFiles {
  readonly inputs: ConfigInput[];
  readonly errors: ConfigFileError[];
}

/** Configuration candidates under `root` (paths from it, with a leading slash as in the rest of the report), honouring `skip`. */
async function collectConfigFiles(root: string, skip: PathSkip | null): Promise<ConfigFiles> {
  const inputs: ConfigInput[] = [];
  const errors: ConfigFileError[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (error) {
      errors.push({ file: `/${rel}`, reason: `unreadable directory: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (skip?.test(`/${child}`, e.isDirectory()) === true) continue;
      if (e.isDirectory()) {
        if (!CONFIG_SKIP_DIRS.has(e.name)) await walk(child);
      } else if (e.isFile() && isConfigCandidate(e.name)) {
        if (inputs.length >= MAX_CONFIG_FILES) throw new SekishoError('LIMIT_ENTRY_COUNT', `more than ${MAX_CONFIG_FILES} configuration files`);
        const full = path.join(root, child);
        const info = await lstat(full);
        if (info.size > MAX_CONFIG_FILE_BYTES) {
          errors.push({ file: `/${child}`, reason: `larger than ${MAX_CONFIG_FILE_BYTES} bytes` });
          continue;
        }
        try {
          inputs.push({ path: `/${child}`, content: await readFile(full) });
        } catch (error) {
          errors.push({ file: `/${child}`, reason: `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
        }
      }
    }
  };
  await walk('');
  return { inputs, errors };
}

/** The configuration audit of a directory as report findings and unknowns (refused files). */
export async function auditDirectory(root: string, skip: PathSkip | null, pssVersion?: string): Promise<{ findings: Finding[]; unknowns: Unknown[] }> {
  const { inputs, errors } = await collectConfigFiles(root, skip);
  const audited = auditConfig(inputs, pssVersion === undefined ? {} : { pssVersion });
  const refused = [...errors, ...audited.fileErrors].filter((e) => e.notApplicable !== true);
  return {
    // The report's reporters locate a finding by its location: the configuration file.
    findings: audited.findings.map((f) => (f.location === null ? { ...f, location: { path: f.target.file, layerDigest: null, diffId: null, layerIndex: null } } : f)),
    unknowns: refused.map((e) => ({ location: { path: e.file, layerDigest: null, diffId: null, layerIndex: null }, foundBy: 'config', reason: e.reason })),
  };
}

async function requireDirectory(dir: string): Promise<string> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new SekishoError('SOURCE_NOT_FOUND', `no such directory ${dir}`, { where: { path: dir }, cause: error });
  }
  if (!info.isDirectory()) throw new SekishoError('USAGE_INVALID', `${dir} is not a directory (an image archive? use sekisho image ${dir})`, { where: { path: dir } });
  return path.resolve(dir);
}

function directoryCommand(io: CliIo, name: 'fs' | 'repo', description: string): Command {
  const command = new Command(name)
    .description(description)
    .argument('<path>', name === 'repo' ? 'a local git checkout (remote URLs are not fetched)' : 'a project directory')
    .option('--scanners <list>', 'what to look for besides the inventory: vuln, secret, misconfig (configuration audit), malware, hardening; +name or -name changes the defaults', FS_DEFAULT_SCANNERS)
    .option('--show-secrets', 'print secrets in full (default: first 4 characters and the length)')
    .option('--secret-config <file>', 'user secret rules: a gitleaks .toml or a Trivy trivy-secret.yaml')
    .option('--pss-version <version>', 'Pod Security Standards version for the configuration audit, v1.<minor> or latest')
    .option('--fail-on <severity>', 'exit with code 1 when a finding at or above this severity exists, or when the report is incomplete');
  addScanOptions(command, [...VULNERABILITY_FORMATS], 'table');
  addVulnerabilityOptions(command);
  addGateOptions(command);
  // Another change may add --include-dev-deps to shared scan options: define it only once.
  if (!command.options.some((o) => o.long === '--include-dev-deps')) {
    command.option('--include-dev-deps', 'also report lockfile packages needed only for development (marked dev); left out by default');
  }
  command.action(async (dir: string, flags: FsFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const root = await requireDirectory(dir);
    const { scanners: selected, misconfig } = parseFsScanners(flags.scanners);
    if (flags.secretConfig !== undefined) selected.add('secret');
    const setup = await setupScanners(selected, {
      showSecrets: flags.showSecrets === true,
      distroTrees: true,
      ...(flags.secretConfig === undefined ? {} : { secretConfig: flags.secretConfig }),
    });
    const skip = combineSkips([skipFrom(flags), name === 'repo' ? gitignoreSkip(root) : null]);
    const scan = await runScan(`dir:${root}`, flags, global, io, setup, { skip });
    let report: Report = withPostScanFindings(scan, setup, new Date());
    if (misconfig) {
      const audit = await auditDirectory(root, skip, flags.pssVersion);
      report = {
        ...report,
        findings: sortFindings([...report.findings, ...audit.findings]),
        unknowns: [...report.unknowns, ...audit.unknowns],
        scanners: [...new Set([...(report.scanners ?? []), 'config'])],
      };
    }
    report = { ...report, target: { ...report.target, reference: dir } };
    if (selected.has('vuln')) {
      report = await runVulnerabilityScan(report, flags, io, { quiet: global.quiet === true, ...(global.cacheDir ? { cacheDir: global.cacheDir } : {}) });
    }
    await writeScanReport(report, flags, io, renderTime());
    applyGate(report, flags, io.stderr, global.quiet === true);
  });
  return command;
}

/** `sekisho fs DIR`: packages (lockfiles, manifests), secrets and configuration of a project directory. */
export function fsCommand(io: CliIo): Command {
  return directoryCommand(
    io,
    'fs',
    "Scan a project directory (Trivy's fs): packages from lockfiles and manifests of every ecosystem, secrets, and the configuration audit (Dockerfiles, Kubernetes, Compose) in one report",
  );
}

/** `sekisho repo DIR`: as fs, for a local git checkout, honouring its .gitignore files. */
export function repoCommand(io: CliIo): Command {
  return directoryCommand(io, 'repo', "Scan a local git checkout (Trivy's repo): as fs, skipping what its .gitignore files ignore and .git itself; git is never run");
}

/** `sekisho rootfs DIR`: `sekisho image dir:DIR` (Trivy's rootfs). */
export function rootfsCommand(io: CliIo): Command {
  const command = imageCommand(io).name('rootfs').description("Scan an unpacked root file system (Trivy's rootfs): the same as sekisho image dir:PATH");
  command.hook('preAction', (thisCommand) => {
    const given = thisCommand.processedArgs[0] as unknown;
    if (typeof given === 'string' && !given.startsWith('dir:')) {
      if (!existsSync(given)) throw new SekishoError('SOURCE_NOT_FOUND', `no such directory ${given}`, { where: { path: given } });
      thisCommand.processedArgs[0] = `dir:${given}`;
    }
  });
  return command;
}
