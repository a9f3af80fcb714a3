/**
 * The event timeline in SQL: every event the other components send (`POST /events`), redacted,
 * kept for a retention period counted from when it arrived, listed newest first with filters and
 * counted per hour or day by severity for the timeline's plot. An event id seen before is kept once.
 */
import type { Redactor } from '@sekisho/core';
import { isSeverity, SEVERITIES, severityRank } from '@sekisho/model';
import type { EventHistogram, Page, PageRequest, SekishoEvent, Severity, StoredEvent, StoredEventFilter } from '@sekisho/model';
import { RepositoryError } from '../errors.js';
import { MAX_PAGE_SIZE } from '../types.js';
import type { EventBucket } from '../types.js';
import { decodeCursor, pageSize } from './cursor.js';
import type { SqlDriver, SqlValue } from './driver.js';
import { json } from './json-text.js';
import { iso, num, paged, parse, str } from './row.js';

/** Largest stored event (JSON characters): bigger ones are refused, not cut. */
export const MAX_STORED_EVENT_CHARS = 64 * 1024;
export const DEFAULT_EVENT_RETENTION_DAYS = 30;
/** Buckets one histogram may have: a longer window needs a coarser bucket. */
export const MAX_HISTOGRAM_BUCKETS = 2000;
const BUCKETS: Readonly<Record<EventBucket, { ms: number; chars: number; suffix: string }>> = {
  hour: { ms: 3_600_000, chars: 13, suffix: ':00:00.000Z' },
  day: { ms: 86_400_000, chars: 10, suffix: 'T00:00:00.000Z' },
};

export class SqlEventStore {
  readonly #driver: SqlDriver;
  readonly #now: () => Date;
  readonly #redactor: Redactor;
  readonly #retentionMs: number;

  constructor(driver: SqlDriver, now: () => Date, redactor: Redactor, retentionDays = DEFAULT_EVENT_RETENTION_DAYS) {
    if (!Number.isFinite(retentionDays) || retentionDays <= 0) throw new RepositoryError('STORE_INVALID', 'the event retention must be a positive number of days');
    this.#driver = driver;
    this.#now = now;
    this.#redactor = redactor;
    this.#retentionMs = retentionDays * 86_400_000;
  }

  /** All or nothing; returns how many were new. Events past the retention period are dropped on the way. */
  async record(events: readonly SekishoEvent[]): Promise<number> {
    if (events.length > MAX_PAGE_SIZE) throw new RepositoryError('STORE_INVALID', `at most ${MAX_PAGE_SIZE} events at once`);
    const now = this.#now();
    const receivedAt = iso(now);
    const rows = events.map((event) => {
      const clean = this.#redactor.value(event);
      if (typeof clean.id !== 'string' || clean.id === '' || clean.id.length > 200) throw new RepositoryError('STORE_INVALID', 'event id must be a non-empty string of at most 200 characters');
      if (!isSeverity(clean.severity)) throw new RepositoryError('STORE_INVALID', `event severity is not a severity: ${String(clean.severity)}`);
      const time = new Date(clean.time);
      if (Number.isNaN(time.getTime())) throw new RepositoryError('STORE_INVALID', `event ${clean.id}: time is not an ISO 8601 time`);
      const text = json(clean);
      if (text.length > MAX_STORED_EVENT_CHARS) throw new RepositoryError('STORE_INVALID', `event ${clean.id} is larger than ${MAX_STORED_EVENT_CHARS} characters`);
      const at = time.toISOString();
      return [clean.id, at, receivedAt, clean.kind, clean.severity, severityRank(clean.severity), clean.result, clean.subject.namespace ?? null, text] satisfies SqlValue[];
    });
    if (rows.length === 0) return 0;
    return this.#driver.transaction(async (tx) => {
      let added = 0;
      for (const row of rows) {
        added += await tx.run('INSERT INTO events (id, at, received_at, kind, severity, severity_rank, result, namespace, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', row);
      }
      await tx.run('DELETE FROM events WHERE received_at < ?', [iso(new Date(now.getTime() - this.#retentionMs))]);
      return added;
    });
  }

  /** Newest first. */
  async list(filter: StoredEventFilter, page?: PageRequest): Promise<Page<StoredEvent>> {
    const size = pageSize(page);
    const after = decodeCursor(page?.cursor, 'ss');
    const { where, params } = whereOf(filter);
    if (after !== null) {
      where.push('(at < ? OR (at = ? AND id < ?))');
      params.push(after[0] ?? '', after[0] ?? '', after[1] ?? '');
    }
    const rows = await this.#driver.all(`SELECT id, at, received_at, event FROM events ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY at DESC, id DESC LIMIT ?`, [
      ...params,
      size + 1,
    ]);
    const items = rows.slice(0, size).map((r) => ({ at: str(r['at']), id: str(r['id']), stored: { receivedAt: str(r['received_at']), event: parse(r['event']) as SekishoEvent } }));
    const { nextCursor } = paged(items, rows.length > size, (last) => [last.at, last.id]);
    return { items: items.map((i) => i.stored), nextCursor };
  }

  /** Events per bucket by severity, over [from, to]; empty buckets included so a plot's gaps are real. */
  async histogram(filter: StoredEventFilter & { readonly from: string; readonly to: string }, bucket: EventBucket): Promise<EventHistogram> {
    const spec = BUCKETS[bucket];
    const from = new Date(filter.from);
    const to = new Date(filter.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to < from) throw new RepositoryError('STORE_INVALID', 'a histogram needs from ≤ to, both ISO 8601 times');
    const first = Date.parse(`${from.toISOString().slice(0, spec.chars)}${spec.suffix}`);
    const count = Math.floor((to.getTime() - first) / spec.ms) + 1;
    if (count > MAX_HISTOGRAM_BUCKETS) throw new RepositoryError('STORE_INVALID', `at most ${MAX_HISTOGRAM_BUCKETS} buckets: use a larger bucket or a shorter window`);
    const { where, params } = whereOf(filter);
    const rows = await this.#driver.all(
      `SELECT SUBSTR(at, 1, ${spec.chars}) AS bucket, severity, COUNT(*) AS n FROM events WHERE ${where.join(' AND ')} GROUP BY SUBSTR(at, 1, ${spec.chars}), severity`,
      params,
    );
    const buckets = Array.from({ length: count }, (_, i) => ({
      at: new Date(first + i * spec.ms).toISOString(),
      counts: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    }));
    const index = new Map(buckets.map((b, i) => [b.at.slice(0, spec.chars), i]));
    for (const r of rows) {
      const i = index.get(str(r['bucket']));
      const severity = str(r['severity']);
      if (i !== undefined && isSeverity(severity)) (buckets[i] as (typeof buckets)[number]).counts[severity] += num(r['n']);
    }
    return { bucketMs: spec.ms, buckets };
  }
}

function whereOf(filter: StoredEventFilter): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.kinds !== undefined && filter.kinds.length > 0) {
    where.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.minSeverity !== undefined) {
    where.push('severity_rank >= ?');
    params.push(severityRank(filter.minSeverity));
  }
  if (filter.result !== undefined) {
    where.push('result = ?');
    params.push(filter.result);
  }
  if (filter.namespace !== undefined) {
    where.push('namespace = ?');
    params.push(filter.namespace);
  }
  for (const [op, value] of [
    ['>=', filter.from],
    ['<=', filter.to],
  ] as const) {
    if (value === undefined) continue;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new RepositoryError('STORE_INVALID', `not an ISO 8601 time: ${value.slice(0, 100)}`);
    where.push(`at ${op} ?`);
    params.push(date.toISOString());
  }
  return { where, params };
}
