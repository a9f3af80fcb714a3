/**
 * Events in and incidents out through Fastify's inject, on SQLite and on PostgreSQL (a throwaway
 * database; skipped with the reason when unreachable, failed under SEKISHO_REQUIRE_FIXTURES=1).
 */
import { createEvent } from '@sekisho/model';
import type { AuditEvent, EventInput, SekishoEvent } from '@sekisho/model';
import { afterAll, describe, expect, it } from 'vitest';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { apiHarness } from './testing/harness.js';
import type { ApiHarness, StoreKind } from './testing/harness.js';

const postgres = await throwawayDatabase();
if ('database' in postgres) afterAll(() => postgres.database.drop());
else console.warn(`incident API on PostgreSQL skipped: ${postgres.skip}`);

const stores: { name: string; store: StoreKind | null }[] = [
  { name: 'sqlite', store: { kind: 'sqlite' } },
  { name: 'database' in postgres ? 'postgres' : `postgres (skipped: ${postgres.skip})`, store: 'database' in postgres ? { kind: 'postgres', database: postgres.database } : null },
];

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

function event(minute: number, over: Partial<EventInput> = {}): SekishoEvent {
  return createEvent({
    kind: 'runtime',
    severity: 'high',
    source: { component: 'runtime', instance: 'node-1' },
    subject: { type: 'workload', id: 'prod/Deployment/api', namespace: 'prod', name: 'api' },
    action: 'Terminal shell in container',
    result: 'detected',
    reasons: ['a shell was spawned in api'],
    time: at(minute),
    ...over,
  });
}

async function auditActions(h: ApiHarness, prefix: string): Promise<AuditEvent[]> {
  const rows = (await h.repository.listAudit({}, { limit: 500 })).items;
  return rows.filter((r) => r.action.startsWith(prefix)).reverse();
}

for (const { name, store } of stores) {
  describe.skipIf(store === null)(name, () => {
    let shared: ApiHarness | null = null;
    const open = async (): Promise<ApiHarness> => (shared ??= await apiHarness(store!, { now: () => new Date(at(30)) }));
    afterAll(async () => shared?.close());

    it('records events, files those that call for a response under incidents and says what it did with each', async () => {
      const h = await open();
      const kev = event(1, { kind: 'finding', subject: { type: 'image', id: 'registry.example/app@sha256:aa', digest: 'sha256:aa' }, details: { kev: true, vulnerability: 'CVE-2024-1' } });
      const batch = [
        event(0),
        event(5, { severity: 'critical' }),
        kev,
        event(2, { kind: 'finding', subject: { type: 'image', id: 'x', digest: 'sha256:bb' }, details: { kev: false } }),
        event(3, { kind: 'admission', result: 'allowed' }),
        event(3, { kind: 'admission', result: 'denied', subject: { type: 'workload', id: 'dev/Pod/x', namespace: 'dev', name: 'x' } }),
        event(4, { kind: 'rasp', result: 'blocked', subject: { type: 'function', id: 'checkout' } }),
        event(4, { kind: 'audit', result: 'success' }),
      ];
      const response = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: batch });
      expect(response.statusCode).toBe(200);
      const { results } = response.json<{ results: { eventId: string; outcome: string; reason: string | null; incidentId: string | null }[] }>();
      expect(results.map((r) => [r.outcome, r.reason])).toEqual([
        ['opened', 'runtime-alert'],
        ['joined', 'runtime-alert'],
        ['opened', 'kev-finding'],
        ['ignored', null],
        ['ignored', null],
        ['opened', 'admission-denied'],
        ['opened', 'rasp-detection'],
        ['ignored', null],
      ]);
      expect(results[1]?.incidentId).toBe(results[0]?.incidentId);
      // every event went on to the outputs; four incidents opened, each announced
      expect(h.events.filter((e) => batch.some((b) => b.id === e.id))).toHaveLength(batch.length);
      expect(h.events.filter((e) => e.kind === 'incident' && e.action === 'incident.open')).toHaveLength(4);
      expect(await auditActions(h, 'incident.open')).toHaveLength(4);

      // the same event again (an at-least-once redelivery) is a duplicate
      const again = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: batch[0] });
      expect(again.json()).toEqual({ results: [{ eventId: batch[0]!.id, outcome: 'duplicate', reason: 'runtime-alert', incidentId: results[0]!.incidentId }] });

      const list = await h.call('viewer', { method: 'GET', url: '/api/v1/incidents?severity=critical' });
      expect(list.json<{ items: { id: string; eventCount: number; state: string }[] }>().items).toEqual([expect.objectContaining({ id: results[0]!.incidentId, eventCount: 2, state: 'open' })]);
      const detail = await h.call('viewer', { method: 'GET', url: `/api/v1/incidents/${results[0]!.incidentId}` });
      expect(detail.statusCode).toBe(200);
      const body = detail.json<{ incident: { severity: string }; timeline: { items: { type: string }[] }; events: { items: { eventId: string }[] } }>();
      expect(body.incident.severity).toBe('critical');
      expect(body.timeline.items.map((e) => e.type)).toEqual(['opened']);
      expect(body.events.items.map((e) => e.eventId)).toEqual([batch[0]!.id, batch[1]!.id]);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/incidents/nope' })).statusCode).toBe(404);
    });

    it('acknowledges, assigns, annotates and resolves with the roles each needs; every change is an audit row and an incident event', async () => {
      const h = await open();
      const posted = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: event(10, { subject: { type: 'host', id: 'node-9' } }) });
      const id = posted.json<{ results: { incidentId: string }[] }>().results[0]!.incidentId;
      const url = `/api/v1/incidents/${id}`;
      expect((await h.call('scanner', { method: 'POST', url: `${url}/acknowledge` })).statusCode).toBe(403);
      expect((await h.call('viewer', { method: 'POST', url: `${url}/notes`, payload: { text: 'hi' } })).statusCode).toBe(403);
      expect((await h.call('anonymous', { method: 'GET', url: '/api/v1/incidents' })).statusCode).toBe(401);

      const acked = await h.call('approver', { method: 'POST', url: `${url}/acknowledge`, payload: { note: 'on it' } });
      expect(acked.statusCode).toBe(200);
      expect(acked.json()).toMatchObject({ id, state: 'acknowledged' });
      expect((await h.call('approver', { method: 'POST', url: `${url}/acknowledge` })).statusCode).toBe(409);
      expect((await h.call('approver', { method: 'POST', url: `${url}/assign`, payload: { owner: 'alice' } })).json()).toMatchObject({ owner: 'alice' });
      const note = await h.call('scanner', { method: 'POST', url: `${url}/notes`, payload: { text: 'pod restarted' } });
      expect(note.statusCode).toBe(201);
      expect(note.json()).toMatchObject({ type: 'note', principal: 'scanner', text: 'pod restarted' });
      expect((await h.call('approver2', { method: 'POST', url: `${url}/resolve`, payload: { note: 'image rebuilt' } })).json()).toMatchObject({ state: 'resolved', resolvedAt: at(30) });
      expect((await h.call('approver', { method: 'POST', url: `${url}/assign`, payload: { owner: 'bob' } })).statusCode).toBe(409);
      expect((await h.call('approver', { method: 'POST', url: '/api/v1/incidents/nope/resolve' })).statusCode).toBe(404);

      const timeline = (await h.call('viewer', { method: 'GET', url })).json<{ timeline: { items: { type: string; principal: string; to: string | null; text: string | null }[] } }>().timeline.items;
      expect(timeline.map((e) => [e.type, e.principal, e.to, e.text])).toEqual([
        ['opened', 'system', 'open', null],
        ['state', 'approver', 'acknowledged', 'on it'],
        ['owner', 'approver', 'alice', null],
        ['note', 'scanner', null, 'pod restarted'],
        ['state', 'approver2', 'resolved', 'image rebuilt'],
      ]);
      const changes = (await auditActions(h, 'incident.')).filter((r) => r.target === id).map((r) => [r.action, r.principal, r.details['to']]);
      expect(changes).toEqual([
        ['incident.open', 'scanner', undefined],
        ['incident.acknowledge', 'approver', 'acknowledged'],
        ['incident.assign', 'approver', 'alice'],
        ['incident.resolve', 'approver2', 'resolved'],
      ]);
      const announced = h.events.filter((e) => e.kind === 'incident' && e.subject.id === id).map((e) => [e.action, e.details['state']]);
      expect(announced).toEqual([
        ['incident.open', 'open'],
        ['incident.acknowledge', 'acknowledged'],
        ['incident.assign', 'acknowledged'],
        ['incident.resolve', 'resolved'],
      ]);
    });

    it('refuses malformed input with a 400 that names the field', async () => {
      const h = await open();
      const post = async (payload: unknown): Promise<{ status: number; field: string | undefined }> => {
        const r = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: payload as object });
        return { status: r.statusCode, field: r.json<{ error: { field?: string } }>().error.field };
      };
      const good = event(20);
      expect(await post({ ...good, severity: 'dire' })).toEqual({ status: 400, field: 'body.severity' });
      expect(await post([good, { ...good, subject: { type: 'workload' } }])).toEqual({ status: 400, field: 'body.1.subject.id' });
      expect(await post({ ...good, time: 'yesterday' })).toEqual({ status: 400, field: 'body.time' });
      expect(await post({ ...good, extra: 1 })).toMatchObject({ status: 400 });
      expect(await post([])).toEqual({ status: 400, field: 'body' });
      expect(await post([good, { ...event(21), details: { blob: 'x'.repeat(70_000) } }])).toEqual({ status: 400, field: 'body.1' });
      expect(await post(Array.from({ length: 501 }, () => good))).toEqual({ status: 400, field: 'body' });
      const text = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: '"text"', headers: { 'content-type': 'application/json' } });
      expect(text.json()).toMatchObject({ error: { field: 'body' } });
      expect(text.statusCode).toBe(400);
      const plain = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: 'text', headers: { 'content-type': 'text/plain' } });
      expect(plain.json()).toMatchObject({ error: { field: 'body' } });
      // nothing of a refused batch was filed
      expect((await h.repository.listIncidents({})).items.some((i) => i.lastEventAt === at(20))).toBe(false);
      const bad = async (method: 'GET' | 'POST', url: string, payload?: object): Promise<string | undefined> =>
        (await h.call('approver', { method, url, ...(payload === undefined ? {} : { payload }) })).json<{ error: { field?: string } }>().error.field;
      expect(await bad('GET', '/api/v1/incidents?state=closed')).toBe('querystring.state');
      expect(await bad('GET', '/api/v1/incidents?limit=9999')).toBe('querystring.limit');
      expect(await bad('POST', '/api/v1/incidents/x/notes', { text: '' })).toBe('body.text');
      expect(await bad('POST', '/api/v1/incidents/x/assign', {})).toBe('body.owner');
      expect(await bad('POST', '/api/v1/incidents/x/resolve', { note: 5 })).toBe('body.note');
      expect(await bad('POST', '/api/v1/incidents/x/resolve', { reason: 'x' })).toBe('body.reason');
    });

    it('stores and forwards no secret value whole', async () => {
      const h = await open();
      const token = 'ghp_Q8vR2mX9kL4pT7wZ3nB6yH1cF5dJ0sA8eG2u';
      const e = event(25, { subject: { type: 'host', id: 'node-secret' }, details: { cmdline: `git clone https://${token}@github.com/x/y` } });
      const r = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: e });
      expect(r.json<{ results: { outcome: string }[] }>().results[0]?.outcome).toBe('opened');
      expect(await h.storedText()).not.toContain(token);
      expect(JSON.stringify(h.events)).not.toContain(token);
    });
  });
}
