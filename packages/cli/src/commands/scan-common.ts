import { Option } from 'commander';
import type { Command } from 'commander';
import { getReporter, scanImage, SekishoError } from '@sekisho/core/scanning';
import type { ImageScan, PathSkip, ScannerSetup } from '@sekisho/core';
import { filterPkgTypes, skipFrom } from './trivy-compat.js';
import type { TrivyCompatFlags } from './trivy-compat.js';
import type { CliIo } from '../io.js';
import { addRegistryOptions, registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import { writeOutput } from '../io.js';
import { layerCacheDir, renderTime } from '../global-options.js';
import type { GlobalOptions } from '../global-options.js';
import { progressReporter } from '../progress.js';
import { renderReport } from '../redaction.js';
import { addTimeoutOption, timeoutFrom } from './timeout-option.js';
import type { Report } from '@sekisho/model';
import { isFileTreeSource } from '@sekisho/model';

export interface ScanFlags {
  readonly format: string;
  readonly output?: string;
  readonly platform?: string;
  /** `--show-secrets`: the only way to turn output redaction off. */
  readonly showSecrets?: boolean;
  readonly timeout?: string;
  /** Trivy's spellings (trivy-compat.ts): --skip-dirs, --skip-files, --pkg-types, --no-progress. */
  readonly skipDirs?: readonly string[];
  readonly skipFiles?: readonly string[];
  readonly pkgTypes?: TrivyCompatFlags['pkgTypes'];
  readonly progress?: boolean;
  /** `--include-dev-deps`: also report lockfile packages needed only for development. */
  readonly includeDevDeps?: boolean;
}

export function addScanOptions(command: Command, formats: readonly string[], defaultFormat: string): Command {
  addRegistryOptions(command);
  addTimeoutOption(command);
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(defaultFormat))
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of standard output')
    .option('--platform <os/arch[/variant]>', "pick this platform from a multi-platform image index (default: linux on this machine's architecture)");
}

export async function runScan(reference: string, flags: ScanFlags, global: GlobalOptions, io: CliIo, scanners?: ScannerSetup, extra: { readonly skip?: PathSkip | null } = {}): Promise<ImageScan> {
  const timeoutMs = timeoutFrom(flags);
  const registry = await registryOptionsFrom(flags as RegistryFlags, undefined, (message) => {
    if (global.quiet !== true) io.stderr(`sekisho: warning: ${message}\n`);
  });
  const progress = progressReporter(io, global.quiet === true || flags.progress === false);
  const skip = extra.skip === undefined ? skipFrom(flags) : extra.skip;
  try {
    const scan = await scanImage(reference, {
      registry,
      timeoutMs,
      // Layer results hold secret findings: with --show-secrets they are unredacted and never reach the disk.
      cacheDir: flags.showSecrets === true ? null : layerCacheDir(global),
      ...(scanners ? { analyzers: scanners.analyzers, configAnalyzers: scanners.configAnalyzers, analyzerOptions: scanners.analyzerOptions } : {}),
      ...(flags.platform === undefined ? {} : { platform: flags.platform }),
      ...(flags.includeDevDeps === true ? { includeDevDeps: true } : {}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      ...(skip === null ? {} : { skip }),
    });
    if (skip !== null && !isFileTreeSource(scan.report.target.sourceType) && global.quiet !== true) {
      io.stderr('sekisho: warning: --skip-dirs and --skip-files apply to directories (fs, repo, rootfs, dir:PATH); image layers are read whole\n');
    }
    const report = filterPkgTypes(scan.report, flags);
    // Not copied when unchanged: a cached scan reads its merged layers only when they are used.
    return report === scan.report ? scan : { ...scan, report };
  } finally {
    progress.stop();
  }
}

export async function writeReport(report: Report, flags: ScanFlags, io: CliIo): Promise<void> {
  const reporter = getReporter(flags.format);
  if (reporter === undefined) throw new SekishoError('USAGE_INVALID', `unknown format ${flags.format}`);
  await writeOutput(io, renderReport(reporter, report, { now: renderTime(), color: false, showSecrets: flags.showSecrets === true }), flags.output);
}
