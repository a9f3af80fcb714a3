/**
 * Incidents: events that call for a response (runtime alerts, admission denials, in-app attacks,
 * new KEV-listed findings) grouped by what they are about and when, with a state, an owner and a
 * timeline. The server stores them; the API and the dashboard show them. Browser-safe.
 */
import type { EventKind, EventSubject } from './event.js';
import type { Severity } from './severity.js';

export const INCIDENT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export interface IncidentRecord {
  readonly id: string;
  /** The grouping key: the events' kind and subject (`runtime|workload:prod/api`). */
  readonly key: string;
  readonly kind: EventKind;
  readonly title: string;
  /** The most severe of its events. */
  readonly severity: Severity;
  readonly state: IncidentState;
  readonly owner: string | null;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** The time of its newest event: a later event within the window joins the incident. */
  readonly lastEventAt: string;
  readonly resolvedAt: string | null;
  readonly subject: EventSubject;
  readonly eventCount: number;
}

/** One event of an incident, as stored (redacted). */
export interface IncidentEventRecord {
  readonly incidentId: string;
  readonly eventId: string;
  readonly at: string;
  readonly kind: EventKind;
  readonly severity: Severity;
  /** Action, result, reasons, principal, source, details and links of the event, redacted. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** True when redaction changed something in the event. */
  readonly redacted: boolean;
}

export type IncidentTimelineType = 'opened' | 'state' | 'owner' | 'note' | 'action';

export interface IncidentTimelineEntry {
  readonly id: string;
  readonly incidentId: string;
  readonly at: string;
  /** Who: a token name, or `system` for what the server did by itself. */
  readonly principal: string;
  readonly type: IncidentTimelineType;
  /** The state or owner before (`state`, `owner`). */
  readonly from: string | null;
  /** The state or owner after (`state`, `owner`), or the action taken (`action`). */
  readonly to: string | null;
  /** The note, or the reason given with a change. */
  readonly text: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What recording one event did. */
export interface IncidentEventOutcome {
  readonly outcome: 'opened' | 'joined' | 'duplicate';
  readonly incident: IncidentRecord;
}

export interface IncidentFilter {
  readonly state?: IncidentState;
  readonly severity?: Severity;
}
