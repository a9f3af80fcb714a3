/**
 * Incidents in SQL: events grouped into incidents by kind and subject within a time window, their
 * state machine (open → acknowledged → resolved, open → resolved), owner, notes and timeline.
 * Used by SqlRepository; portable SQL like every query of this store. Every value is redacted
 * before it is written.
 */
import { randomUUID } from 'node:crypto';
import type { Redactor } from '@sekisho/core';
import { isSeverity, severityRank } from '@sekisho/model';
import type {
  EventKind,
  EventSubject,
  IncidentEventOutcome,
  IncidentEventRecord,
  IncidentFilter,
  IncidentRecord,
  IncidentState,
  IncidentTimelineEntry,
  IncidentTimelineType,
  Page,
  PageRequest,
  SekishoEvent,
  Severity,
} from '@sekisho/model';
import { RepositoryError } from '../errors.js';
import { MAX_PAGE_SIZE } from '../types.js';
import type { RecordIncidentEventOptions } from '../types.js';
import { decodeCursor, pageSize } from './cursor.js';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './driver.js';
import { json } from './json-text.js';
import { checkText, iso, num, optStr, paged, parse, str } from './row.js';

/** An event joins an open incident of its key when it comes at most this long after the incident's last event. */
export const DEFAULT_INCIDENT_WINDOW_MS = 60 * 60 * 1000;
/** Largest stored summary of one event (JSON characters): bigger events are refused, not cut. */
export const MAX_INCIDENT_EVENT_CHARS = 64 * 1024;
const MAX_NOTE = 4096;

/** Allowed state changes: acknowledging is optional, resolving is final. */
const TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: [],
};

/** The grouping key of an event: its kind and the most stable name of its subject. */
export function incidentKey(event: Pick<SekishoEvent, 'kind' | 'subject'>): string {
  return `${event.kind}|${subjectKey(event.subject)}`;
}

/** `workload:<namespace>/<name>`, `image:<digest>`, `host:<name>`, or `<type>:<id>`. */
export function subjectKey(subject: EventSubject): string {
  switch (subject.type) {
    case 'workload':
      return `workload:${subject.namespace !== undefined && subject.name !== undefined ? `${subject.namespace}/${subject.name}` : subject.id}`;
    case 'image':
      return `image:${subject.digest ?? subject.id}`;
    default:
      return `${subject.type}:${subject.id}`;
  }
}

export class SqlIncidentStore {
  readonly #driver: SqlDriver;
  readonly #now: () => Date;
  readonly #redactor: Redactor;

  constructor(driver: SqlDriver, now: () => Date, redactor: Redactor) {
    this.#driver = driver;
    this.#now = now;
    this.#redactor = redactor;
  }

  async recordEvent(event: SekishoEvent, options: RecordIncidentEventOptions = {}): Promise<IncidentEventOutcome> {
    const [outcome] = await this.recordEvents([event], options);
    if (outcome === undefined) throw new RepositoryError('STORE_UNAVAILABLE', 'no outcome for a recorded event');
    return outcome;
  }

  /** All or nothing: every event is checked before any is filed, and all are filed in one transaction. */
  async recordEvents(events: readonly SekishoEvent[], options: RecordIncidentEventOptions = {}): Promise<IncidentEventOutcome[]> {
    if (events.length > MAX_PAGE_SIZE) throw new RepositoryError('STORE_INVALID', `at most ${MAX_PAGE_SIZE} events at once`);
    const windowMs = options.windowMs ?? DEFAULT_INCIDENT_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs < 0) throw new RepositoryError('STORE_INVALID', 'the incident window must be a non-negative number of milliseconds');
    const prepared = events.map((e) => this.#prepare(e, windowMs));
    if (prepared.length === 0) return [];
    const now = iso(this.#now());
    return this.#driver.transaction(async (tx) => {
      // one writer per key, so two events of a new incident arriving together open it once
      await tx.lock(prepared.map((p) => `incident:${p.key}`));
      const out: IncidentEventOutcome[] = [];
      for (const p of prepared) out.push(await fileEvent(tx, p, now));
      return out;
    });
  }

  #prepare(event: SekishoEvent, windowMs: number): PreparedEvent {
    const clean = this.#redactor.value(event);
    const redacted = json(clean) !== json(event);
    checkText('event id', clean.id, 200);
    if (!isSeverity(clean.severity)) throw new RepositoryError('STORE_INVALID', `event severity is not a severity: ${String(clean.severity)}`);
    const at = isoText('event time', clean.time);
    const key = incidentKey(clean);
    checkText('incident key', key, 1024);
    const summary = {
      action: clean.action,
      result: clean.result,
      reasons: clean.reasons,
      principal: clean.principal,
      sourceIp: clean.sourceIp,
      source: clean.source,
      subject: clean.subject,
      links: clean.links,
      details: clean.details,
    };
    const summaryText = json(summary);
    if (summaryText.length > MAX_INCIDENT_EVENT_CHARS) throw new RepositoryError('STORE_INVALID', `event ${clean.id} is larger than ${MAX_INCIDENT_EVENT_CHARS} characters`);
    const time = Date.parse(at);
    return { clean, redacted, at, key, summaryText, since: new Date(time - windowMs).toISOString(), until: new Date(time + windowMs).toISOString() };
  }

  async get(id: string): Promise<IncidentRecord | null> {
    const row = (await this.#driver.all('SELECT * FROM incidents WHERE id = ?', [id]))[0];
    return row === undefined ? null : toIncident(row);
  }

  async list(filter: IncidentFilter, page?: PageRequest): Promise<Page<IncidentRecord>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.severity !== undefined) {
      where.push('severity = ?');
      params.push(filter.severity);
    }
    if (after !== null) {
      where.push('(opened_at < ? OR (opened_at = ? AND id < ?))');
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM incidents ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY opened_at DESC, id DESC LIMIT ?`, [...params, size + 1]);
    return paged(rows.slice(0, size).map(toIncident), rows.length > size, (i) => [i.openedAt, i.id]);
  }

  async events(id: string, page?: PageRequest): Promise<Page<IncidentEventRecord>> {
    await this.#exists(id);
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const params: SqlValue[] = [id];
    let where = 'incident_id = ?';
    if (after !== null) {
      where += ' AND (at > ? OR (at = ? AND event_id > ?))';
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT * FROM incident_events WHERE ${where} ORDER BY at, event_id LIMIT ?`, [...params, size + 1]);
    const items = rows.slice(0, size).map((r): IncidentEventRecord => ({
      incidentId: str(r['incident_id']),
      eventId: str(r['event_id']),
      at: str(r['at']),
      kind: str(r['kind']) as EventKind,
      severity: str(r['severity']) as Severity,
      summary: parse(r['summary']) as Record<string, unknown>,
      redacted: num(r['redacted']) === 1,
    }));
    return paged(items, rows.length > size, (e) => [e.at, e.eventId]);
  }

  async timeline(id: string, page?: PageRequest): Promise<Page<IncidentTimelineEntry>> {
    await this.#exists(id);
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'n');
    const params: SqlValue[] = [id];
    let where = 'incident_id = ?';
    if (after !== null) {
      where += ' AND id > ?';
      params.push(after[0] ?? 0);
    }
    const rows = await this.#driver.all(`SELECT * FROM incident_timeline WHERE ${where} ORDER BY id LIMIT ?`, [...params, size + 1]);
    return paged(rows.slice(0, size).map(toEntry), rows.length > size, (e) => [Number(e.id)]);
  }

  async transition(id: string, to: IncidentState, principal: string, note: string | null, at?: Date): Promise<IncidentRecord> {
    checkText('principal', principal, 200);
    if (note !== null) checkText('note', note, MAX_NOTE);
    const when = iso(at ?? this.#now());
    const text = note === null ? null : this.#redactor.text(note);
    return this.#driver.transaction(async (tx) => {
      await tx.lock([`incident-id:${id}`]);
      const current = await incident(tx, id);
      if (!TRANSITIONS[current.state].includes(to)) {
        throw new RepositoryError('STORE_CONFLICT', `incident ${id} is ${current.state}: it cannot become ${to}`);
      }
      // the state in the WHERE keeps a concurrent change on another connection from being overwritten
      const changed = await tx.run(`UPDATE incidents SET state = ?, updated_at = ?, resolved_at = ? WHERE id = ? AND state = ?`, [to, when, to === 'resolved' ? when : null, id, current.state]);
      if (changed === 0) throw new RepositoryError('STORE_CONFLICT', `incident ${id} changed meanwhile`);
      await appendTimeline(tx, { id, at: when, principal, type: 'state', from: current.state, to, text, details: {} });
      return incident(tx, id);
    });
  }

  async assign(id: string, owner: string | null, principal: string, at?: Date): Promise<IncidentRecord> {
    checkText('principal', principal, 200);
    if (owner !== null) checkText('owner', owner, 200);
    const when = iso(at ?? this.#now());
    const clean = owner === null ? null : this.#redactor.text(owner);
    return this.#driver.transaction(async (tx) => {
      await tx.lock([`incident-id:${id}`]);
      const current = await incident(tx, id);
      if (current.state === 'resolved') throw new RepositoryError('STORE_CONFLICT', `incident ${id} is resolved: its owner no longer changes`);
      await tx.run('UPDATE incidents SET owner = ?, updated_at = ? WHERE id = ?', [clean, when, id]);
      await appendTimeline(tx, { id, at: when, principal, type: 'owner', from: current.owner, to: clean, text: null, details: {} });
      return incident(tx, id);
    });
  }

  async note(id: string, principal: string, text: string, at?: Date): Promise<IncidentTimelineEntry> {
    checkText('principal', principal, 200);
    checkText('note', text, MAX_NOTE);
    return this.#entry(id, { at: iso(at ?? this.#now()), principal, type: 'note', from: null, to: null, text: this.#redactor.text(text), details: {} });
  }

  async action(id: string, principal: string, action: string, details: Readonly<Record<string, unknown>>, at?: Date): Promise<IncidentTimelineEntry> {
    checkText('principal', principal, 200);
    checkText('action', action, 200);
    const clean = this.#redactor.value(details);
    if (json(clean).length > MAX_INCIDENT_EVENT_CHARS) throw new RepositoryError('STORE_INVALID', 'action details are too large');
    return this.#entry(id, { at: iso(at ?? this.#now()), principal, type: 'action', from: null, to: this.#redactor.text(action), text: null, details: clean });
  }

  async #entry(id: string, entry: Omit<TimelineInsert, 'id'>): Promise<IncidentTimelineEntry> {
    return this.#driver.transaction(async (tx) => {
      await incident(tx, id);
      await tx.run('UPDATE incidents SET updated_at = ? WHERE id = ?', [entry.at, id]);
      const rowId = await appendTimeline(tx, { ...entry, id });
      const row = (await tx.all('SELECT * FROM incident_timeline WHERE id = ?', [rowId]))[0];
      if (row === undefined) throw new RepositoryError('STORE_UNAVAILABLE', 'the timeline entry just written is gone');
      return toEntry(row);
    });
  }

  async #exists(id: string): Promise<void> {
    if ((await this.#driver.all('SELECT id FROM incidents WHERE id = ?', [id])).length === 0) throw new RepositoryError('STORE_NOT_FOUND', `no incident ${id}`);
  }
}

interface PreparedEvent {
  readonly clean: SekishoEvent;
  readonly redacted: boolean;
  readonly at: string;
  readonly key: string;
  readonly summaryText: string;
  /** Incidents whose last event is at or after `since` and whose first is at or before `until` are joined. */
  readonly since: string;
  readonly until: string;
}

/** Files one checked event under the newest open incident of its key within the window, or a new one. The key is locked. */
async function fileEvent(tx: SqlExecutor, p: PreparedEvent, now: string): Promise<IncidentEventOutcome> {
  const { clean, at, key } = p;
  const seen = (await tx.all('SELECT incident_id FROM incident_events WHERE event_id = ?', [clean.id]))[0];
  if (seen !== undefined) return { outcome: 'duplicate', incident: await incident(tx, str(seen['incident_id'])) };
  // within the window after its last event, and not more than a window before its first (events arrive late and out of order)
  const open = (
    await tx.all(`SELECT * FROM incidents WHERE key = ? AND state <> 'resolved' AND last_event_at >= ? AND opened_at <= ? ORDER BY last_event_at DESC, id DESC LIMIT 1`, [key, p.since, p.until])
  )[0];
  let id: string;
  let outcome: 'opened' | 'joined';
  if (open === undefined) {
    id = randomUUID();
    outcome = 'opened';
    await tx.run(
      `INSERT INTO incidents (id, key, kind, title, severity, severity_rank, state, owner, opened_at, updated_at, last_event_at, resolved_at, subject, event_count)
       VALUES (?, ?, ?, ?, ?, ?, 'open', NULL, ?, ?, ?, NULL, ?, 1)`,
      [id, key, clean.kind, titleOf(clean), clean.severity, severityRank(clean.severity), at, now, at, json(clean.subject)],
    );
    await appendTimeline(tx, { id, at: now, principal: 'system', type: 'opened', to: 'open', text: null, details: { eventId: clean.id } });
  } else {
    id = str(open['id']);
    outcome = 'joined';
    const moreSevere = severityRank(clean.severity) > num(open['severity_rank']);
    await tx.run(
      `UPDATE incidents SET event_count = event_count + 1, updated_at = ?,
         last_event_at = CASE WHEN last_event_at < ? THEN ? ELSE last_event_at END,
         opened_at = CASE WHEN opened_at > ? THEN ? ELSE opened_at END,
         severity = ?, severity_rank = ? WHERE id = ?`,
      [now, at, at, at, at, moreSevere ? clean.severity : str(open['severity']), moreSevere ? severityRank(clean.severity) : num(open['severity_rank']), id],
    );
  }
  await tx.run('INSERT INTO incident_events (incident_id, event_id, at, kind, severity, summary, redacted) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    id,
    clean.id,
    at,
    clean.kind,
    clean.severity,
    p.summaryText,
    p.redacted ? 1 : 0,
  ]);
  return { outcome, incident: await incident(tx, id) };
}

interface TimelineInsert {
  readonly id: string;
  readonly at: string;
  readonly principal: string;
  readonly type: IncidentTimelineType;
  readonly from?: string | null;
  readonly to: string | null;
  readonly text: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

async function appendTimeline(tx: SqlExecutor, e: TimelineInsert): Promise<number> {
  const rows = await tx.all('INSERT INTO incident_timeline (incident_id, at, principal, type, from_value, to_value, text, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', [
    e.id,
    e.at,
    e.principal,
    e.type,
    e.from ?? null,
    e.to,
    e.text,
    json(e.details),
  ]);
  return num(rows[0]?.['id']);
}

async function incident(tx: SqlExecutor, id: string): Promise<IncidentRecord> {
  const row = (await tx.all('SELECT * FROM incidents WHERE id = ?', [id]))[0];
  if (row === undefined) throw new RepositoryError('STORE_NOT_FOUND', `no incident ${id}`);
  return toIncident(row);
}

function titleOf(event: SekishoEvent): string {
  const what = event.reasons[0] ?? event.action;
  const title = `${event.kind} on ${subjectKey(event.subject)}: ${what}`;
  return title.length > 300 ? `${title.slice(0, 299)}…` : title;
}

function toIncident(r: SqlRow): IncidentRecord {
  return {
    id: str(r['id']),
    key: str(r['key']),
    kind: str(r['kind']) as EventKind,
    title: str(r['title']),
    severity: str(r['severity']) as Severity,
    state: str(r['state']) as IncidentState,
    owner: optStr(r['owner']),
    openedAt: str(r['opened_at']),
    updatedAt: str(r['updated_at']),
    lastEventAt: str(r['last_event_at']),
    resolvedAt: optStr(r['resolved_at']),
    subject: parse(r['subject']) as EventSubject,
    eventCount: num(r['event_count']),
  };
}

function toEntry(r: SqlRow): IncidentTimelineEntry {
  return {
    id: String(num(r['id'])),
    incidentId: str(r['incident_id']),
    at: str(r['at']),
    principal: str(r['principal']),
    type: str(r['type']) as IncidentTimelineType,
    from: optStr(r['from_value']),
    to: optStr(r['to_value']),
    text: optStr(r['text']),
    details: parse(r['details']) as Record<string, unknown>,
  };
}

/** `text` comes from callers that may not have checked it: anything but a parseable time string is refused. */
function isoText(field: string, text: unknown): string {
  const date = typeof text === 'string' ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new RepositoryError('STORE_INVALID', `${field} is not an ISO 8601 time: ${typeof text === 'string' ? text.slice(0, 100) : typeof text}`);
  return date.toISOString();
}
