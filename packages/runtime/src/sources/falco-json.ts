/**
 * Falco's JSON alerts as input (`json_output: true`; the Falcosidekick input shape: `time`,
 * `rule`, `priority`, `output`, `output_fields`, `source`, `tags`, `hostname`). Sekisho's rules
 * run on the fields each alert carries in `output_fields`: a field the alert did not print has no
 * value. Alerts without `source` (Falco before 0.31) are `syscall` alerts.
 */
import { DEFAULT_JSON_LIMITS, parseBoundedJson, type JsonLimits } from './bounded-json.js';
import { malformed, rfc3339Ns, type SourceItem } from './source-item.js';
import type { FlatEvent } from '../fields-flat.js';

const KNOWN_SOURCES = new Set(['syscall', 'k8s_audit']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The item of one parsed Falco alert. */
export function falcoAlertItem(value: unknown): SourceItem {
  if (!isRecord(value)) return malformed('not a Falco alert object');
  const fields = value['output_fields'];
  if (!isRecord(fields)) return malformed('Falco alert without output_fields');
  if (typeof value['rule'] !== 'string') return malformed('Falco alert without rule');
  const source = value['source'] === undefined ? 'syscall' : value['source'];
  if (typeof source !== 'string') return malformed(`Falco alert of unsupported source ${JSON.stringify(source)}`);
  if (!KNOWN_SOURCES.has(source)) return malformed(`Falco alert of unsupported source ${source}`);
  const timeNs = rfc3339Ns(value['time']) ?? (typeof fields['evt.time'] === 'number' && Number.isInteger(fields['evt.time']) ? BigInt(fields['evt.time']) : undefined);
  if (timeNs === undefined) return malformed('Falco alert without a valid time');
  const event: FlatEvent = typeof value['hostname'] === 'string' ? { fields, source, hostname: value['hostname'] } : { fields, source };
  return { kind: 'event', source, event, timeNs };
}

/**
 * The items of a body Falco's `http_output` (or a Falcosidekick-style forwarder) posts: one alert,
 * or an array of alerts.
 */
export function falcoAlertBodyItems(value: unknown): SourceItem[] {
  if (Array.isArray(value)) return value.length === 0 ? [malformed('empty alert array')] : value.map(falcoAlertItem);
  return [falcoAlertItem(value)];
}

export function falcoAlertLineItems(line: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): SourceItem[] {
  if (line.trim() === '') return [];
  const parsed = parseBoundedJson(line, limits);
  return [parsed.ok ? falcoAlertItem(parsed.value) : malformed(parsed.reason)];
}
