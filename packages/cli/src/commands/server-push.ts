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

export function addServerPushOptions(command: Command): Command {
  return command
    .option('--server <url>', 'also record the report in a Sekisho server (POST URL/api/v1/scans); needs a scanner token')
    .option('--token <token>', `API token for --server (default: $${TOKEN_VARIABLE}, which keeps it out of the process list)`);
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
export function serverPushTarget(flags: ServerPushFlags): { url: URL; token: string } | null {
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

export async function pushReport(report: Report, target: { url: URL; token: string }, dbVersion: string | null, io: CliIo, quiet: boolean): Promise<void> {
  const endpoint = new URL('api/v1/scans', target.url.href.endsWith('/') ? target.url : new URL(`${target.url.href}/`));
  if (dbVersion !== null) endpoint.searchParams.set('dbVersion', dbVersion);
  const body = JSON.stringify(toReportDocument(createRedactor().report(report)));
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
    throw new SekishoError('REGISTRY_HTTP', `could not push the report to ${target.url.origin}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = (await response.text()).slice(0, 2000);
  if (response.status !== 201) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not JSON: the start of the text says enough
    }
    throw new SekishoError('REGISTRY_HTTP', `the server refused the report (HTTP ${response.status}): ${message.slice(0, 500)}`);
  }
  if (!quiet) {
    const scan = (JSON.parse(text) as { scan?: { id?: string; digest?: string } }).scan;
    io.stderr(`recorded in ${target.url.origin} as scan ${scan?.id ?? '?'} of ${scan?.digest ?? '?'}\n`);
  }
}
