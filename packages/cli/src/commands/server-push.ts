/**
 * `--server URL --token T` on scan commands: the finished report (already redacted, as every
 * output is) is POSTed to the server's /api/v1/scans, so CI runs feed the server's history. The
 * token comes from --token or $SEKISHO_SERVER_TOKEN (better: it stays out of the process list).
 */
import type { Command } from 'commander';
import { createRedactor, openAdvisoryStore, SekishoError } from '@sekisho/core';
import { toReportDocument } from '@sekisho/model';
import type { Report } from '@sekisho/model';
import type { CliIo } from '../io.js';

const TOKEN_VARIABLE = 'SEKISHO_SERVER_TOKEN';
const PUSH_TIMEOUT_MS = 120_000;

export interface ServerPushFlags {
  readonly server?: string;
  readonly token?: string;
}

export function addServerPushOptions(command: Command, serverHelp = 'also record the report in a Sekisho server (POST URL/api/v1/scans); needs a scanner token'): Command {
  return command.option('--server <url>', serverHelp).option('--token <token>', `API token for --server (default: $${TOKEN_VARIABLE}, which keeps it out of the process list)`);
}

/** The server's base URL, checked: http(s) only, no credentials in it. */
export function serverUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SekishoError('USAGE_INVALID', `--server ${text}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SekishoError('USAGE_INVALID', '--server must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') throw new SekishoError('USAGE_INVALID', '--server must not carry credentials: use --token');
  return url;
}

/** Checks the flags before anything is scanned, so a missing token fails fast. */
export function serverPushTarget(flags: ServerPushFlags): ServerTarget | null {
  if (flags.server === undefined) {
    if (flags.token !== undefined) throw new SekishoError('USAGE_INVALID', '--token needs --server');
    return null;
  }
  const url = serverUrl(flags.server);
  const token = flags.token ?? process.env[TOKEN_VARIABLE] ?? '';
  if (token === '') throw new SekishoError('USAGE_INVALID', `--server needs --token or $${TOKEN_VARIABLE}`);
  return { url, token };
}

/** The advisory database version a report was matched with: the build time of the database file. */
export function advisoryDbVersion(path: string): string | null {
  try {
    const store = openAdvisoryStore(path);
    try {
      return store.metadata().built;
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

export async function pushReport(report: Report, target: ServerTarget, dbVersion: string | null, io: CliIo, quiet: boolean): Promise<void> {
  const text = await postToServer(target, 'api/v1/scans', dbVersion === null ? {} : { dbVersion }, JSON.stringify(toReportDocument(createRedactor().report(report))), 'report');
  if (!quiet) {
    const scan = (JSON.parse(text) as { scan?: { id?: string; digest?: string } }).scan;
    io.stderr(`recorded in ${target.url.origin} as scan ${scan?.id ?? '?'} of ${scan?.digest ?? '?'}\n`);
  }
}

/** `sekisho config --server`: the audit document (already redacted) is recorded under its cluster. */
export async function pushConfigAudit(document: unknown, target: ServerTarget, scope: { cluster: string; environment?: string; replace: boolean }, io: CliIo, quiet: boolean): Promise<void> {
  const query: Record<string, string> = { cluster: scope.cluster, ...(scope.environment === undefined ? {} : { environment: scope.environment }), ...(scope.replace ? { replace: 'true' } : {}) };
  const text = await postToServer(target, 'api/v1/config-audits', query, JSON.stringify(createRedactor().value(document)), 'audit');
  if (!quiet) {
    const result = JSON.parse(text) as { audit?: { id?: string; workloads?: number }; removed?: number };
    io.stderr(
      `recorded in ${target.url.origin} as audit ${result.audit?.id ?? '?'} of ${scope.cluster}: ${result.audit?.workloads ?? 0} workload(s)${result.removed ? `, ${result.removed} no longer named removed` : ''}\n`,
    );
  }
}

export interface ServerTarget {
  readonly url: URL;
  readonly token: string;
}

/** POSTs JSON to the server; the answer's text when it says 201, a REGISTRY_HTTP error otherwise. */
async function postToServer(target: ServerTarget, path: string, query: Readonly<Record<string, string>>, body: string, what: string): Promise<string> {
  const endpoint = new URL(path, target.url.href.endsWith('/') ? target.url : new URL(`${target.url.href}/`));
  for (const [k, v] of Object.entries(query)) endpoint.searchParams.set(k, v);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new SekishoError('REGISTRY_HTTP', `could not push the ${what} to ${target.url.origin}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text();
  if (response.status !== 201) {
    let message = text.slice(0, 2000);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: the start of the text says enough
    }
    throw new SekishoError('REGISTRY_HTTP', `the server refused the ${what} (HTTP ${response.status}): ${message.slice(0, 500)}`);
  }
  return text;
}
