import { Command } from 'commander';
import { SekishoError, loadPolicy, removeTempDirsSync } from '@sekisho/core';
import { RepositoryError, startWorker } from '@sekisho/server';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { layerCacheDir } from '../global-options.js';
import { resolveDbPath } from './db.js';
import { addRegistryOptions, registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import { OUTPUTS_HELP, openEventOutputs } from './event-outputs.js';

interface WorkerFlags extends RegistryFlags {
  readonly outputs?: string;
  readonly database?: string;
  readonly concurrency: string;
  readonly perRegistry: string;
  readonly db?: string;
  readonly scanners: string;
  readonly policy?: string;
  readonly grace: string;
}

function positive(value: string, flag: string, max: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) throw new SekishoError('USAGE_INVALID', `${flag} takes a whole number from 1 to ${max}, got "${value.slice(0, 40)}"`);
  return Number(value);
}

/**
 * `sekisho worker`: take jobs (image and repository scans, re-matches, policy evaluations) from
 * the server's queue until SIGTERM or SIGINT, then finish the running ones (within --grace) and exit 0.
 * A second signal ends the process at once; an unfinished job is then retried by another worker.
 */
export function workerCommand(io: CliIo): Command {
  const command = new Command('worker')
    .description("Run scan jobs from the server's queue (PostgreSQL: any number of workers on any machines); stops gracefully on SIGTERM")
    .option('--database <url>', "the server's store: postgres://user@host/db (pg-boss queue) or a SQLite file (default: $SEKISHO_DATABASE)")
    .option('--concurrency <n>', 'image scans at once in this process', '2')
    .option('--per-registry <n>', 'jobs reading one registry at once, across all workers', '4')
    .option('--db <path>', 'advisory database file (default: $SEKISHO_DB, else <cache dir>/db/advisories.sqlite); a new version queues a re-match of every stored image')
    .option('--scanners <list>', 'what image scans look for besides the inventory (as `image --scanners`)', 'vuln,secret,hardening')
    .option('--policy <file>', 'policy applied by evaluate-policy jobs (without one they fail as not judged)')
    .option('--grace <seconds>', 'on SIGTERM, how long running jobs may take to finish before they are stopped and left to be retried', '30')
    .option('--outputs <file>', OUTPUTS_HELP);
  addRegistryOptions(command);
  command.action(async (flags: WorkerFlags, cmd: Command) => {
    const global = cmd.optsWithGlobals<GlobalOptions>();
    const database = flags.database ?? process.env['SEKISHO_DATABASE'];
    if (database === undefined || database === '') throw new SekishoError('USAGE_INVALID', 'worker needs --database postgres://… (or $SEKISHO_DATABASE)');
    const concurrency = positive(flags.concurrency, '--concurrency', 256);
    const perRegistry = positive(flags.perRegistry, '--per-registry', 256);
    const graceMs = positive(flags.grace, '--grace', 3600) * 1000;
    const policy = flags.policy === undefined ? null : await loadPolicy(flags.policy);
    const registry = await registryOptionsFrom(flags);
    const outputs = flags.outputs === undefined ? null : await openEventOutputs(flags.outputs);
    const say = (text: string): void => {
      if (global.quiet !== true) io.stderr(`sekisho worker: ${text}\n`);
    };
    const worker = await startWorker({
      database,
      concurrency,
      perRegistryConcurrency: perRegistry,
      dbPath: resolveDbPath(flags.db, global.cacheDir),
      cacheDir: layerCacheDir(global),
      scanners: flags.scanners,
      registry,
      policy,
      ...(outputs === null ? {} : { events: outputs.sink }),
      onRematchQueued: (q) => say(`advisory database ${q.dbVersion}: re-match of ${q.digests} image(s) queued in ${q.jobs.length} job(s)`),
      onError: (error) => say(`warning: ${error instanceof Error ? error.message : String(error)}`),
    }).catch((error: unknown) => {
      // A malformed database name is a usage error; an unreachable one says why (the cause names no password).
      if (error instanceof RepositoryError && error.code === 'STORE_INVALID') throw new SekishoError('USAGE_INVALID', `--database: ${error.message}`);
      if (error instanceof RepositoryError && error.cause instanceof Error) throw new Error(`${error.message}: ${error.cause.message}`, { cause: error });
      throw error;
    });
    say(`taking jobs (${concurrency} image scan(s) at once); SIGTERM stops after the running jobs`);
    await new Promise<void>((resolve) => {
      const graceful = (signal: NodeJS.Signals): void => {
        say(`${signal}: finishing running jobs (up to ${graceMs / 1000} s)`);
        // A second signal ends the process now: its running jobs are retried elsewhere.
        process.once(signal, () => process.exit(130));
        void worker
          .stop(graceMs)
          .then(() => outputs?.close())
          .finally(() => {
            removeTempDirsSync();
            resolve();
          });
      };
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        // The CLI's own handler exits at once; a worker finishes its jobs first.
        process.removeAllListeners(signal);
        process.once(signal, graceful);
      }
    });
    say('stopped');
  });
  return command;
}
