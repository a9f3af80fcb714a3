import { Command, Option } from 'commander';
import { SEVERITIES, compareText } from '@sekisho/model';
import type { Severity } from '@sekisho/model';
import { RegistryClient, SekishoError, exitCodeFor, parseRegistryTarget, scanDeadline, scanImage } from '@sekisho/core/scanning';
import type { RegistryOptions } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { outputRedactor } from '../redaction.js';
import { processIo, writeOutput } from '../io.js';
import { layerCacheDir } from '../global-options.js';
import type { GlobalOptions } from '../global-options.js';
import { addTimeoutOption, timeoutFrom } from './timeout-option.js';

/** Flags that reach registries: shared by `registry scan` and (once wired) `image`/`sbom`. */
export interface RegistryFlags {
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly caCert?: readonly string[];
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly insecureRegistry?: readonly string[];
  readonly insecureTokenRealm?: readonly string[];
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];
const MAX_STDIN = 64 * 1024;

/** Add --username, --password-stdin, --ca-cert, --client-cert/--client-key, --insecure-registry. */
export function addRegistryOptions(command: Command): Command {
  return command
    .option('--username <user>', 'registry user name (the password comes from --password-stdin)')
    .option('--password-stdin', 'read the registry password or token from standard input')
    .option('--ca-cert <file>', 'trust this PEM CA certificate for registries, besides the system ones (repeatable)', collect)
    .option('--client-cert <file>', 'PEM client certificate for registries that require mutual TLS')
    .option('--client-key <file>', 'PEM key of --client-cert')
    .option('--insecure-registry <host[:port]>', 'reach this registry over plain HTTP or unverified TLS (repeatable; only for hosts named here)', collect)
    .option('--insecure-token-realm <host[:port]>', "send credentials over plain HTTP to a token realm on this host although it is not the registry's own host (repeatable; warns)", collect);
}

/** Read standard input to its end (bounded), for --password-stdin. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_STDIN) throw new SekishoError('USAGE_INVALID', 'standard input is too long for a password');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * RegistryOptions from the flags; credentials from SEKISHO_REGISTRY_USERNAME/PASSWORD and
 * ~/.docker/config.json are found by the core when no flags are given.
 */
export async function registryOptionsFrom(
  flags: RegistryFlags,
  input: () => Promise<string> = readStdin,
  onWarning: (message: string) => void = (message) => void process.stderr.write(`sekisho: warning: ${message}\n`),
): Promise<RegistryOptions> {
  let password: string | undefined;
  if (flags.passwordStdin === true) {
    if (flags.username === undefined) throw new SekishoError('USAGE_INVALID', '--password-stdin needs --username');
    password = (await input()).replace(/\r?\n$/, '');
    if (password === '') throw new SekishoError('USAGE_INVALID', '--password-stdin: standard input is empty');
  } else if (flags.username !== undefined) {
    throw new SekishoError('USAGE_INVALID', '--username needs --password-stdin (passwords are never taken from the command line)');
  }
  return {
    ...(flags.username === undefined || password === undefined ? {} : { username: flags.username, password }),
    ...(flags.caCert === undefined ? {} : { caCertFiles: flags.caCert }),
    ...(flags.clientCert === undefined ? {} : { clientCertFile: flags.clientCert }),
    ...(flags.clientKey === undefined ? {} : { clientKeyFile: flags.clientKey }),
    ...(flags.insecureRegistry === undefined ? {} : { insecureRegistries: flags.insecureRegistry }),
    ...(flags.insecureTokenRealm === undefined ? {} : { insecureTokenRealms: flags.insecureTokenRealm }),
    onWarning,
  };
}

interface ScanFlags extends RegistryFlags {
  readonly format: 'table' | 'json';
  readonly output?: string;
  readonly platform?: string;
  readonly concurrency: string;
  readonly maxRepositories: string;
  readonly maxTags: string;
  readonly timeout: string;
}

/** One image of a registry scan. */
export interface RegistryScanRow {
  readonly reference: string;
  readonly repository: string;
  readonly tag: string;
  readonly manifestDigest: string | null;
  readonly distro: string | null;
  readonly packages: number;
  readonly findings: Readonly<Record<Severity, number>>;
  readonly error: { readonly code: string; readonly message: string } | null;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new SekishoError('USAGE_INVALID', `${flag} must be a positive integer`);
  return n;
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof SekishoError) return { code: error.code, message: error.describe() };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Run `work` over `items`, at most `limit` at once, results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const emptyCounts = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

function renderTable(registry: string, rows: readonly RegistryScanRow[]): string {
  const header = ['IMAGE', 'DIGEST', 'OS', 'PACKAGES', 'CRIT', 'HIGH', 'MED', 'LOW', 'STATUS'];
  const lines = rows.map((r) => [
    `${r.repository}:${r.tag}`,
    r.manifestDigest === null ? '-' : r.manifestDigest.replace(/^sha256:/, '').slice(0, 12),
    r.distro ?? '-',
    r.error === null ? String(r.packages) : '-',
    ...(['critical', 'high', 'medium', 'low'] as const).map((s) => (r.error === null ? String(r.findings[s]) : '-')),
    r.error === null ? 'ok' : `${r.error.code}: ${r.error.message.slice(0, 120)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (i === header.length - 1 ? 0 : (l[i] ?? '').length))));
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const failed = rows.filter((r) => r.error !== null).length;
  return `${registry}: ${rows.length} image(s), ${rows.length - failed} scanned, ${failed} failed\n\n${[format(header), ...lines.map(format)].join('\n')}\n`;
}

/** `sekisho registry scan REGISTRY[/REPO]`: list repositories and tags, scan each image. */
export function registryCommand(io: CliIo = processIo, input: () => Promise<string> = readStdin): Command {
  const registry = new Command('registry').description('Work with OCI registries');
  const scan = new Command('scan')
    .description('List the repositories (catalog) and tags of a registry, or the tags of one repository, and scan every image')
    .argument('<target>', 'REGISTRY (e.g. registry.example.com:5000) or REGISTRY/REPO')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the output to FILE (atomically) instead of standard output')
    .option('--platform <os/arch[/variant]>', 'platform to pick from multi-platform images')
    .option('--concurrency <n>', 'images scanned at once', '2')
    .option('--max-repositories <n>', 'most repositories taken from the catalog', '1000')
    .option('--max-tags <n>', 'most tags scanned per repository', '100');
  addRegistryOptions(scan);
  addTimeoutOption(scan, 'listing the registry, and on each image,');
  scan.action(async (text: string, flags: ScanFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const target = parseRegistryTarget(text);
    const options = await registryOptionsFrom(flags, input, (message) => {
      if (global.quiet !== true) io.stderr(`sekisho: warning: ${message}\n`);
    });
    const timeoutMs = timeoutFrom(flags);
    const concurrency = positive(flags.concurrency, '--concurrency');
    const maxTags = positive(flags.maxTags, '--max-tags');
    const listing = timeoutMs > 0 ? scanDeadline(timeoutMs) : null;
    const client = new RegistryClient({ registry: target.registry, apiHost: target.apiHost }, { ...options, ...(listing === null ? {} : { signal: listing.signal }) });
    const rows: RegistryScanRow[] = [];
    const images: { repository: string; tag: string }[] = [];
    try {
      const repositories = target.repository === null ? (await client.catalog({ max: positive(flags.maxRepositories, '--max-repositories') })).sort() : [target.repository];
      for (const repository of repositories) {
        try {
          const tags = (await client.listTags(repository, { max: maxTags })).sort();
          for (const tag of tags) images.push({ repository, tag });
        } catch (error) {
          rows.push({ reference: `${target.registry}/${repository}`, repository, tag: '-', manifestDigest: null, distro: null, packages: 0, findings: emptyCounts(), error: errorOf(error) });
        }
      }
    } finally {
      listing?.cancel();
      await client.close();
    }
    const cacheDir = layerCacheDir(global);
    rows.push(
      ...(await pool(images, concurrency, async ({ repository, tag }): Promise<RegistryScanRow> => {
        const reference = `${target.registry}/${repository}:${tag}`;
        try {
          const { report } = await scanImage(`registry:${reference}`, {
            cacheDir,
            registry: options,
            timeoutMs,
            ...(flags.platform === undefined ? {} : { platform: flags.platform }),
          });
          const findings = emptyCounts();
          for (const f of report.findings) findings[f.severity] += 1;
          const distro = report.distro === null ? null : `${report.distro.id} ${report.distro.versionId ?? ''}`.trim();
          return { reference, repository, tag, manifestDigest: report.target.manifestDigest, distro, packages: report.packages.length, findings, error: null };
        } catch (error) {
          return { reference, repository, tag, manifestDigest: null, distro: null, packages: 0, findings: emptyCounts(), error: errorOf(error) };
        }
      })),
    );
    rows.sort((a, b) => compareText(a.reference, b.reference));
    // error messages of images that failed go through the same redactor as reports
    const shown = outputRedactor(false).value(rows);
    const text2 = flags.format === 'json' ? `${JSON.stringify({ registry: target.registry, repository: target.repository, images: shown }, null, 2)}\n` : renderTable(target.registry, shown);
    await writeOutput(io, text2, flags.output);
    const failed = rows.find((r) => r.error !== null);
    if (failed?.error) {
      const code = failed.error.code;
      process.exitCode = exitCodeFor(new SekishoError(code as SekishoError['code'], failed.error.message));
      if (global.quiet !== true) io.stderr(`sekisho: ${rows.filter((r) => r.error !== null).length} image(s) could not be scanned\n`);
    }
  });
  registry.addCommand(scan);
  return registry;
}
