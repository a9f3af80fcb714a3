/**
 * `sekisho server`: the HTTP API over a store (SQLite file by default, or PostgreSQL), and
 * `sekisho server token create` to put the first API tokens in that store.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadPolicy, openAdvisoryStore, SekishoError } from '@sekisho/core';
import type { PolicyDocument } from '@sekisho/core';
import { API_ROLES, isApiRole } from '@sekisho/model';
import type { Repository } from '@sekisho/server';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../global-options.js';
import { resolveDbPath } from './db.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { OUTPUTS_HELP, openEventOutputs } from './event-outputs.js';

const ADMIN_TOKEN_VARIABLE = 'SEKISHO_ADMIN_TOKEN';

interface ServerFlags {
  readonly database?: string;
  readonly listen: string;
  readonly policy?: string;
  readonly db?: string;
  readonly maxReportMb: string;
  readonly trustProxy?: string;
  readonly outputs?: string;
  readonly eventRetentionDays: string;
}

interface TokenFlags {
  readonly database?: string;
  readonly name: string;
  readonly role: string;
  readonly expires?: string;
}

/** `$SEKISHO_SERVER_DATABASE`, else a SQLite file in `$XDG_DATA_HOME/sekisho` (or ~/.local/share/sekisho). */
export function defaultDatabase(): string {
  const env = process.env;
  if (env['SEKISHO_SERVER_DATABASE']) return env['SEKISHO_SERVER_DATABASE'];
  return `sqlite:${join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'sekisho', 'server.db')}`;
}

/** `HOST:PORT`, `[IPv6]:PORT` or `PORT` (on 127.0.0.1). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text) ?? /^()()(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) throw new SekishoError('USAGE_INVALID', `--listen ${text}: expected HOST:PORT, e.g. 127.0.0.1:8080`);
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

export function serverCommand(io: CliIo): Command {
  const command = new Command('server')
    .description(
      `Run the Sekisho server API (REST under /api/v1, the Harbor scanner adapter under /harbor/api/v1, /healthz, /readyz, /metrics); the first admin token comes from $${ADMIN_TOKEN_VARIABLE} or \`sekisho server token create\``,
    )
    .option('--database <url>', 'the store: sqlite:PATH or postgres://… (default: $SEKISHO_SERVER_DATABASE, else sqlite:~/.local/share/sekisho/server.db)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .option('--policy <file>', 'the policy evaluations use when a request sends none')
    .option('--db <path>', 'the advisory database whose age /metrics and the Harbor metadata report (default: as `sekisho db`)')
    .option('--max-report-mb <n>', 'largest pushed report, in MiB', '64')
    .option('--trust-proxy <addresses>', 'take the client address from X-Forwarded-For when the peer is one of these proxies (comma-separated IPs or CIDRs); the audit log records it')
    .option('--outputs <file>', OUTPUTS_HELP)
    .option('--event-retention-days <n>', 'days the event timeline keeps an event (runtime alerts, admission decisions…), counted from its arrival', '30')
    .action(async (flags: ServerFlags, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const listen = parseListen(flags.listen);
      const maxReportMb = Number(flags.maxReportMb);
      if (!Number.isInteger(maxReportMb) || maxReportMb < 1 || maxReportMb > 1024) throw new SekishoError('USAGE_INVALID', '--max-report-mb must be a whole number from 1 to 1024');
      const eventRetentionDays = Number(flags.eventRetentionDays);
      if (!Number.isInteger(eventRetentionDays) || eventRetentionDays < 1 || eventRetentionDays > 3650)
        throw new SekishoError('USAGE_INVALID', '--event-retention-days must be a whole number from 1 to 3650');
      const policy: PolicyDocument | null = flags.policy === undefined ? null : await loadPolicy(flags.policy);
      const bootstrapToken = process.env[ADMIN_TOKEN_VARIABLE] ?? null;
      const outputs = flags.outputs === undefined ? null : await openEventOutputs(flags.outputs);
      // loaded here, not at start-up: every other command would pay for Fastify and pg
      const { attachWorkers, buildApiServer, openDatabase, openPgBossQueue, openSqliteStore, parseDatabaseSpec } = await import('@sekisho/server');
      const spec = parseDatabaseSpec(flags.database ?? defaultDatabase());
      const dbPath = resolveDbPath(flags.db, global.cacheDir);
      // SQLite: the store and the in-process job pool share one connection, and this process works
      // the jobs. PostgreSQL: jobs go to pg-boss, worked by `sekisho worker` processes anywhere.
      const { repository, queue } =
        spec.kind === 'sqlite'
          ? await openSqliteStore({ path: spec.path, eventRetentionDays })
          : { repository: await openDatabase(spec, { eventRetentionDays }), queue: await openPgBossQueue({ connectionString: spec.url }) };
      const workers =
        spec.kind === 'sqlite'
          ? await attachWorkers(repository, queue, {
              concurrency: 2,
              dbPath,
              cacheDir: global.cacheDir ?? null,
              policy,
              ...(outputs === null ? {} : { events: outputs.sink }),
              onError: (error: unknown) => io.stderr(`sekisho server: job failed: ${error instanceof Error ? error.message : String(error)}\n`),
            })
          : null;
      let app;
      try {
        app = await buildApiServer({
          repository,
          queue,
          policy,
          bootstrapToken: bootstrapToken === '' ? null : bootstrapToken,
          maxReportBytes: maxReportMb * 1024 * 1024,
          ...(flags.trustProxy === undefined ? {} : { trustProxy: trustedProxies(flags.trustProxy) }),
          dbBuiltAt: () => advisoryDbBuilt(dbPath),
          uiDir: dashboardDir(),
          events: outputs?.sink ?? null,
          logger: global.quiet === true ? false : { level: 'info' },
        });
        const address = await app.listen({ host: listen.host, port: listen.port });
        io.stderr(`sekisho server listening on ${address} (store: ${repository.dialect})\n`);
      } catch (error) {
        await app?.close().catch(() => {});
        await repository.close().catch(() => {});
        await outputs?.close().catch(() => {});
        throw error;
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      io.stderr('sekisho server stopping\n');
      await app.close();
      if (workers !== null) await workers.stop(30_000);
      else await queue.stop(30_000);
      await repository.close();
      await outputs?.close();
    });

  const token = new Command('token').description('Manage API tokens in the store (the API has the same under /api/v1/tokens)');
  token
    .command('create')
    .description('Create an API token and print it once (the store keeps only its SHA-256)')
    .option('--database <url>', 'the store: sqlite:PATH or postgres://… (default as for `sekisho server`)')
    .requiredOption('--name <name>', 'who the token acts as (unique)')
    .addOption(new Option('--role <role>', 'what it may do: viewer < scanner < approver < admin').choices([...API_ROLES]).makeOptionMandatory())
    .option('--expires <time>', 'last moment it is accepted (ISO 8601)')
    .action(async (_flags: TokenFlags, cmd: Command) => {
      // --database may sit before `token` (on `server`) or after `create`
      const flags = cmd.optsWithGlobals<TokenFlags>();
      if (!isApiRole(flags.role)) throw new SekishoError('USAGE_INVALID', `unknown role ${flags.role}`);
      if (!/^[A-Za-z0-9][A-Za-z0-9@._:-]{0,199}$/.test(flags.name)) throw new SekishoError('USAGE_INVALID', '--name: letters, digits, @ . _ : - (at most 200)');
      const expiresAt = flags.expires === undefined ? null : new Date(flags.expires);
      if (expiresAt !== null && Number.isNaN(expiresAt.getTime())) throw new SekishoError('USAGE_INVALID', '--expires is not an ISO 8601 time');
      const { issueToken, openDatabase, parseDatabaseSpec, RepositoryError } = await import('@sekisho/server');
      const repository: Repository = await openDatabase(parseDatabaseSpec(flags.database ?? defaultDatabase()));
      try {
        const issued = await issueToken(repository, { name: flags.name, role: flags.role, createdBy: 'cli', expiresAt }).catch((error: unknown) => {
          if (error instanceof RepositoryError && error.code === 'STORE_CONFLICT') throw new SekishoError('USAGE_INVALID', `a token named ${flags.name} exists`);
          throw error;
        });
        io.stdout(`${issued.token}\n`);
        io.stderr(`created token ${issued.record.id} for ${issued.record.name} (${issued.record.role}); it is shown only now\n`);
      } finally {
        await repository.close();
      }
    });
  command.addCommand(token);
  return command;
}

/** `10.0.0.1,10.1.0.0/16` → the list Fastify's trustProxy takes; `true`-like values are refused (trusting every peer lets anyone forge the audited address). */
export function trustedProxies(text: string): string[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0 || list.some((s) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s))) {
    throw new SekishoError('USAGE_INVALID', '--trust-proxy takes IP addresses or CIDRs, comma-separated');
  }
  return list;
}

/** When the local advisory database was built; null when there is none or it cannot be read. */
function advisoryDbBuilt(path: string): Date | null {
  try {
    const store = openAdvisoryStore(path);
    try {
      const built = new Date(store.metadata().built);
      return Number.isNaN(built.getTime()) ? null : built;
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

/** The built dashboard beside the installed packages, or null (the API still serves; /ui/ is then absent). */
function dashboardDir(): string | null {
  try {
    const index = createRequire(import.meta.url).resolve('@sekisho/dashboard/dist');
    return existsSync(index) ? dirname(index) : null;
  } catch {
    return null;
  }
}
