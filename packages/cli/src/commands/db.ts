import { addRegistryOptions, registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { buildAdvisoryDb, feedSources, openAdvisoryStore, pullAdvisoryDb, pushAdvisoryDb, SekishoError, updateAdvisoryDb } from '@sekisho/core';
import type { BuildReport, DbMetadata } from '@sekisho/core';
import { defaultCacheDir } from '../global-options.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';

export const DB_FILE_NAME = 'advisories.sqlite';

/**
 * The advisory database file: `--db PATH`, else `$SEKISHO_DB`, else
 * `<cache dir>/db/advisories.sqlite` (cache dir: --cache-dir, $SEKISHO_CACHE_DIR,
 * $XDG_CACHE_HOME/sekisho, ~/.cache/sekisho). Every command that reads the database should use this.
 */
export function resolveDbPath(flag?: string, cacheDir?: string): string {
  if (flag !== undefined && flag !== '') return flag;
  const env = process.env['SEKISHO_DB'];
  if (env !== undefined && env !== '') return env;
  return join(cacheDir ?? defaultCacheDir(), 'db', DB_FILE_NAME);
}

interface DbFlags {
  readonly db?: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `3d 4h`, `5h 2m`, `12m`: the age of a build. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

function pad(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const BUILD_LEGEND =
  'STORED: records now in the database. NOT USABLE: records that name nothing Sekisho can match ' +
  '(no package or version range, withdrawn, malformed); the first ones are listed above as warnings. ' +
  'REPEATED: records met again (the same advisory in two files, or twice in one file); one copy was kept, the newest by its modified date.';

function buildSummary(report: BuildReport): string {
  const rows = [['SOURCE', 'STORED', 'NOT USABLE', 'REPEATED'], ...report.sources.map((s) => [s.id, String(s.records), String(s.skipped), String(s.duplicates)])];
  const seconds = report.durationMs / 1000;
  const others = report.unrecognizedFiles > 0 ? ` (${report.unrecognizedFiles} other files are not feed files and were not read)` : '';
  return (
    `${pad(rows)}\n\n` +
    `${report.advisories} advisories and ${report.cveFacts} CVE facts stored from ${report.files} feed files${others} in ${seconds.toFixed(1)} s ` +
    `(${Math.round((report.advisories + report.cveFacts) / Math.max(seconds, 0.001))} records/s), ${formatBytes(report.bytes)}: ${report.out}\n` +
    `${BUILD_LEGEND}\n`
  );
}

function statusText(path: string, meta: DbMetadata, bytes: number, now: Date): string {
  const age = now.getTime() - Date.parse(meta.built);
  const rows = [
    ['SOURCE', 'STORED', 'NOT USABLE', 'FETCHED'],
    ...meta.sources.map((s) => [s.id, String(s.records), String(s.skipped), s.fetched === null ? '-' : `${s.fetched} (${formatAge(now.getTime() - Date.parse(s.fetched))} ago)`]),
  ];
  const total = meta.sources.reduce((n, s) => n + s.records, 0);
  return `Database: ${path}\nSchema:   ${meta.schemaVersion}\nBuilt:    ${meta.built} (${formatAge(age)} ago)\nSize:     ${formatBytes(bytes)}\nRecords:  ${total}\n\n${pad(rows)}\n`;
}

export interface DbCommandOptions {
  readonly io?: CliIo;
  /** Clock for status ages and build times (tests). */
  readonly now?: () => Date;
}

/** `sekisho db build|status|update`: the local advisory database. */
export function dbCommand(options: DbCommandOptions | CliIo = {}): Command {
  const opts: DbCommandOptions = 'stdout' in options ? { io: options } : options;
  const io = opts.io ?? processIo;
  const now = opts.now ?? (() => new Date());
  const dbOption = '--db <path>';
  const dbHelp = `advisory database file (default: $SEKISHO_DB, else <cache dir>/db/${DB_FILE_NAME})`;
  const command = new Command('db').description('Build, update and inspect the local advisory database used by vulnerability scans');

  const warn = (global: GlobalOptions) => (message: string) => {
    if (global.quiet !== true) io.stderr(`sekisho: warning: ${message}\n`);
  };

  command
    .command('build')
    .description('Build the database from feed files and folders (OSV JSON/YAML and all.zip, Debian tracker JSON and DSA/DLA lists, Alpine/Wolfi secdb, RustSec, npm NSP, NVD, EPSS, KEV)')
    .requiredOption('--from <path...>', 'feed files or folders; each importer recognizes its files by layout, name and content')
    .option(dbOption, dbHelp)
    .action(async (flags: DbFlags & { from: string[] }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const out = resolveDbPath(flags.db, global.cacheDir);
      const report = await buildAdvisoryDb({ out, from: flags.from, now: now(), onWarning: warn(global) });
      io.stdout(buildSummary(report));
    });

  command
    .command('status')
    .description('Show the sources, record counts, build time and age of the database')
    .option(dbOption, dbHelp)
    .option('--format <format>', 'text or json', 'text')
    .action((flags: DbFlags & { format: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (flags.format !== 'text' && flags.format !== 'json') throw new SekishoError('USAGE_INVALID', `--format must be text or json, not ${flags.format}`);
      const path = resolveDbPath(flags.db, global.cacheDir);
      const store = openAdvisoryStore(path);
      try {
        const meta = store.metadata();
        const bytes = statSync(path).size;
        const at = now();
        if (flags.format === 'json') {
          const ageSeconds = Math.round((at.getTime() - Date.parse(meta.built)) / 1000);
          io.stdout(`${JSON.stringify({ path, bytes, ageSeconds, ...meta }, null, 2)}\n`);
        } else io.stdout(statusText(path, meta, bytes, at));
      } finally {
        store.close();
      }
    });

  const sourceIds = feedSources().map((s) => `${s.id}${s.default ? '*' : ''}`);
  command
    .command('update')
    .description('Download the official feeds (verified, through HTTP(S)_PROXY when set), build, and replace the database atomically')
    .option(dbOption, dbHelp)
    .option('--mirror <base-url>', 'fetch every feed file from BASE/<path> (a static mirror of the official files) instead of the official URLs')
    .option('--source <id...>', `feeds to download (others are rebuilt from the local feed cache); * = default: ${sourceIds.join(', ')}`)
    .option('--feed-cache <dir>', 'where downloaded feed files are kept between updates (default: <db dir>/feeds)')
    .action(async (flags: DbFlags & { mirror?: string; source?: string[]; feedCache?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const db = resolveDbPath(flags.db, global.cacheDir);
      const report = await updateAdvisoryDb({
        db,
        now: now(),
        onWarning: warn(global),
        onProgress: (message) => {
          if (global.quiet !== true) io.stderr(`${message}\n`);
        },
        ...(flags.mirror === undefined ? {} : { mirror: flags.mirror }),
        ...(flags.source === undefined ? {} : { sources: flags.source }),
        ...(flags.feedCache === undefined ? {} : { feedCacheDir: flags.feedCache }),
      });
      const downloaded = report.downloaded.map((d) => `${d.source} (${formatBytes(d.bytes)}, ${d.verified === 'checksum' ? 'checksum verified' : 'size checked'})`);
      io.stdout(`Downloaded: ${downloaded.join(', ')}\n${buildSummary(report.build)}`);
    });

  addRegistryOptions(
    command
      .command('push')
      .description('Push the database to an OCI registry as an artifact (mirror it once for air-gapped scanners)')
      .argument('<reference>', 'registry/repository:tag')
      .option(dbOption, dbHelp),
  ).action(async (reference: string, flags: DbFlags & RegistryFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const db = resolveDbPath(flags.db, global.cacheDir);
    const pushed = await pushAdvisoryDb(db, reference, await registryOptionsFrom(flags));
    io.stdout(`Pushed ${db} to ${reference} (${pushed.digest}, ${formatBytes(pushed.size)} compressed)\n`);
  });

  addRegistryOptions(
    command
      .command('pull')
      .description('Pull a database pushed with db push; it replaces the local one only once it verified and opened')
      .argument('<reference>', 'registry/repository:tag or @digest')
      .option(dbOption, dbHelp),
  ).action(async (reference: string, flags: DbFlags & RegistryFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const db = resolveDbPath(flags.db, global.cacheDir);
    const pulled = await pullAdvisoryDb(reference, db, await registryOptionsFrom(flags));
    io.stdout(`Pulled ${reference} (${pulled.digest}) into ${db} (${formatBytes(pulled.size)})\n`);
  });

  return command;
}
