/**
 * Kubernetes audit events (audit.k8s.io/v1 Event, or an EventList of them, as the API server's
 * log and webhook backends write them) as source items for the `k8s_audit` rules.
 */
import { auditEventsOf, K8S_AUDIT_SOURCE, NOT_AN_AUDIT_EVENT } from '../engine.js';
import { auditTimeNs } from '../detector.js';
import { K8S_AUDIT_FIELDS } from '../fields-k8saudit.js';
import { DEFAULT_JSON_LIMITS, parseBoundedJson, type JsonLimits } from './bounded-json.js';
import { malformed, type SourceItem } from './source-item.js';

/** Every k8s_audit field: the audit event carries the whole request. */
export const K8S_AUDIT_PROVIDES: ReadonlySet<string> = new Set(K8S_AUDIT_FIELDS.keys());

/** The items of one parsed JSON value. */
export function auditItems(value: unknown): SourceItem[] {
  const events = auditEventsOf(value);
  // The k8saudit plugin's own words, so tooling that greps Falco's errors finds Sekisho's.
  if (events === undefined) return [malformed(NOT_AN_AUDIT_EVENT)];
  return events.map((event) => ({ kind: 'event', source: K8S_AUDIT_SOURCE, event, timeNs: auditTimeNs(event) }));
}

/** The items of one JSON line of an audit log. */
export function auditLineItems(line: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): SourceItem[] {
  if (line.trim() === '') return [];
  const parsed = parseBoundedJson(line, limits);
  return parsed.ok ? auditItems(parsed.value) : [malformed(`${NOT_AN_AUDIT_EVENT} (${parsed.reason})`)];
}
