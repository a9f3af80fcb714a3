import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const RULES = ['command-injection', 'path-traversal', 'ssrf', 'code-injection', 'sql-injection', 'prototype-pollution'] as const;
export type RuleId = (typeof RULES)[number];
export type RuleMode = 'off' | 'report' | 'block';

export interface RaspConfig {
  readonly rules: Readonly<Record<RuleId, RuleMode>>;
  /** Directories request-derived file paths may resolve into; empty: any path without `..` climbing or absolute request input. */
  readonly fsRoots: readonly string[];
  /** Outbound requests to private (RFC 1918, ULA, loopback) addresses built from request data are allowed. Link-local and metadata endpoints never are. */
  readonly allowPrivateNetworks: boolean;
  /** Request values shorter than this are not matched inside sink arguments (a lone `1` is everywhere). */
  readonly minValueLength: number;
  readonly events: { readonly stdout: boolean; readonly webhook: string | null };
  /** Reported as the source instance of every event. */
  readonly service: string;
}

export const DEFAULT_CONFIG: RaspConfig = {
  rules: Object.fromEntries(RULES.map((r) => [r, 'report'])) as Record<RuleId, RuleMode>,
  fsRoots: [],
  allowPrivateNetworks: false,
  minValueLength: 3,
  events: { stdout: true, webhook: null },
  service: 'app',
};

const isMode = (v: unknown): v is RuleMode => v === 'off' || v === 'report' || v === 'block';

/**
 * The configuration: `SEKISHO_RASP_CONFIG` (a JSON file: `{ "mode": "block", "rules": { "ssrf": "report" }, "fsRoots": ["./public"], … }`),
 * then `SEKISHO_RASP_MODE` (report|block|off for every rule). A file that cannot be read or is
 * invalid stops the application at start-up: protection that silently did not load is worse than none.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RaspConfig {
  let file: Record<string, unknown> = {};
  const path = env['SEKISHO_RASP_CONFIG'];
  if (path !== undefined && path !== '') {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`sekisho rasp: ${path} is not a JSON object`);
    file = parsed as Record<string, unknown>;
  }
  const envMode = env['SEKISHO_RASP_MODE'];
  const globalMode = envMode ?? file['mode'];
  if (globalMode !== undefined && !isMode(globalMode)) throw new Error(`sekisho rasp: mode must be off, report or block (got ${JSON.stringify(globalMode)})`);
  const rules: Record<RuleId, RuleMode> = { ...DEFAULT_CONFIG.rules };
  for (const r of RULES) if (globalMode !== undefined) rules[r] = globalMode;
  const perRule = file['rules'];
  if (perRule !== undefined) {
    if (typeof perRule !== 'object' || perRule === null) throw new Error('sekisho rasp: rules must be an object');
    for (const [name, mode] of Object.entries(perRule)) {
      if (!(RULES as readonly string[]).includes(name)) throw new Error(`sekisho rasp: unknown rule ${name} (known: ${RULES.join(', ')})`);
      if (!isMode(mode)) throw new Error(`sekisho rasp: rule ${name}: mode must be off, report or block`);
      rules[name as RuleId] = mode;
    }
  }
  const roots = Array.isArray(file['fsRoots']) ? file['fsRoots'].filter((r): r is string => typeof r === 'string').map((r) => resolve(r)) : [];
  const events = (file['events'] ?? {}) as { stdout?: unknown; webhook?: unknown };
  return {
    rules,
    fsRoots: roots,
    allowPrivateNetworks: file['allowPrivateNetworks'] === true,
    minValueLength: typeof file['minValueLength'] === 'number' && file['minValueLength'] >= 1 ? file['minValueLength'] : DEFAULT_CONFIG.minValueLength,
    events: { stdout: events.stdout !== false, webhook: webhookUrl(typeof events.webhook === 'string' ? events.webhook : (env['SEKISHO_RASP_WEBHOOK'] ?? null)) },
    service: typeof file['service'] === 'string' ? file['service'] : (env['SEKISHO_RASP_SERVICE'] ?? DEFAULT_CONFIG.service),
  };
}

/** An http(s) URL, or none; anything else stops the application at start-up rather than losing events later. */
function webhookUrl(text: string | null): string | null {
  if (text === null || text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('sekisho rasp: the events webhook is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('sekisho rasp: the events webhook must be an http or https URL');
  return url.href;
}
