/**
 * The incident part of the repository contract (called from `repositoryContract` for each
 * backend): grouping by kind, subject and time window, the state machine, owner, notes, timeline,
 * paging and redaction.
 */
import { createEvent } from '@sekisho/model';
import type { EventInput, SekishoEvent } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import type { Repository as Store } from '../types.js';
import { codeOf } from './codes.js';

const T = (day: number, hour = 0, minute = 0): Date => new Date(Date.UTC(2026, 10, day, hour, minute));

/** A runtime alert on the workload prod/api (or what `over` says) at `at`. */
export function alert(at: Date, over: Partial<EventInput> = {}): SekishoEvent {
  return createEvent({
    kind: 'runtime',
    severity: 'high',
    source: { component: 'runtime', instance: 'node-1' },
    subject: { type: 'workload', id: 'prod/Deployment/api', namespace: 'prod', name: 'api' },
    action: 'Terminal shell in container',
    result: 'detected',
    reasons: ['a shell was spawned in api'],
    time: at.toISOString(),
    ...over,
  });
}

/** What the cases need of the contract's subject and clock (declared here: contract.ts imports this file). */
interface StoredBytes {
  storedText(): Promise<string>;
}

export function incidentContractCases(open: () => Promise<Store>, subject: () => StoredBytes | null, clock: { now: Date }): void {
  describe('incidents', () => {
    it('groups events by kind and subject within the window after the last event; a duplicate event id changes nothing', async () => {
      const repo = await open();
      clock.now = T(2, 12);
      const first = await repo.recordIncidentEvent(alert(T(2, 10)));
      expect(first.outcome).toBe('opened');
      expect(first.incident).toMatchObject({ state: 'open', owner: null, severity: 'high', eventCount: 1, key: 'runtime|workload:prod/api', openedAt: T(2, 10).toISOString() });
      expect(first.incident.title).toContain('a shell was spawned in api');
      // 50 min later joins, and raises the severity
      const second = await repo.recordIncidentEvent(alert(T(2, 10, 50), { severity: 'critical' }));
      expect(second).toMatchObject({ outcome: 'joined', incident: { id: first.incident.id, eventCount: 2, severity: 'critical', lastEventAt: T(2, 10, 50).toISOString() } });
      // 55 min after the last one still joins (the window runs from the last event, not the first)
      const thirdEvent = alert(T(2, 11, 45), { severity: 'low' });
      const third = await repo.recordIncidentEvent(thirdEvent);
      expect(third).toMatchObject({ outcome: 'joined', incident: { id: first.incident.id, eventCount: 3, severity: 'critical' } });
      // an event id seen before
      const again = await repo.recordIncidentEvent(thirdEvent);
      expect(again).toMatchObject({ outcome: 'duplicate', incident: { id: first.incident.id, eventCount: 3 } });
      // more than an hour after the last event: a new incident
      const later = await repo.recordIncidentEvent(alert(T(2, 12, 46)));
      expect(later.outcome).toBe('opened');
      expect(later.incident.id).not.toBe(first.incident.id);
      // a late event from before the incident joins when within the window of its first event, and moves its start
      const early = await repo.recordIncidentEvent(alert(T(2, 9, 30)));
      expect(early).toMatchObject({ outcome: 'joined', incident: { id: first.incident.id, openedAt: T(2, 9, 30).toISOString(), lastEventAt: T(2, 11, 45).toISOString() } });
      // one from far before it, or from a far future, opens its own
      expect((await repo.recordIncidentEvent(alert(T(2, 7)))).outcome).toBe('opened');
      const future = await repo.recordIncidentEvent(alert(T(20)));
      expect(future.outcome).toBe('opened');
      expect((await repo.recordIncidentEvent(alert(T(2, 12, 50)))).incident.id).toBe(later.incident.id);
      // another subject, another kind: other incidents
      const other = await repo.recordIncidentEvent(alert(T(2, 12, 47), { subject: { type: 'workload', id: 'prod/Deployment/web', namespace: 'prod', name: 'web' } }));
      const denial = await repo.recordIncidentEvent(
        alert(T(2, 12, 47), { kind: 'admission', result: 'denied', subject: { type: 'workload', id: 'prod/Deployment/api', namespace: 'prod', name: 'api' } }),
      );
      const image = await repo.recordIncidentEvent(
        alert(T(2, 12, 48), { kind: 'finding', subject: { type: 'image', id: 'registry.example/app@sha256:ab', digest: 'sha256:ab' }, details: { kev: true } }),
      );
      expect([other.outcome, denial.outcome, image.outcome]).toEqual(['opened', 'opened', 'opened']);
      expect(image.incident.key).toBe('finding|image:sha256:ab');
      const events = await repo.listIncidentEvents(first.incident.id);
      expect(events.items.map((e) => e.at)).toEqual([T(2, 9, 30), T(2, 10), T(2, 10, 50), T(2, 11, 45)].map((d) => d.toISOString()));
      expect(events.items[1]?.summary).toMatchObject({ action: 'Terminal shell in container', result: 'detected', reasons: ['a shell was spawned in api'] });
    });

    it('files a batch in order in one transaction, all or nothing', async () => {
      const repo = await open();
      const a = alert(T(8, 0));
      const host = { type: 'host', id: 'node-3' } as const;
      const outcomes = await repo.recordIncidentEvents([a, alert(T(8, 0, 5), { subject: host }), alert(T(8, 0, 10)), a, alert(T(8, 0, 15), { subject: host })]);
      expect(outcomes.map((o) => o.outcome)).toEqual(['opened', 'opened', 'joined', 'duplicate', 'joined']);
      expect(outcomes[2]?.incident.id).toBe(outcomes[0]?.incident.id);
      expect(outcomes[4]?.incident).toMatchObject({ id: outcomes[1]?.incident.id, eventCount: 2 });
      const before = (await repo.listIncidents({})).items.length;
      expect(await codeOf(repo.recordIncidentEvents([alert(T(8, 1), { subject: { type: 'host', id: 'node-4' } }), { ...alert(T(8, 2)), time: 'never' }]))).toBe('STORE_INVALID');
      expect((await repo.listIncidents({})).items.length).toBe(before);
      expect(await repo.recordIncidentEvents([])).toEqual([]);
      expect(await codeOf(repo.recordIncidentEvents(Array.from({ length: 501 }, (_, i) => alert(T(8, 3, i % 60)))))).toBe('STORE_INVALID');
    });

    it('never reopens a resolved incident: the next event opens a new one', async () => {
      const repo = await open();
      clock.now = T(3, 1);
      const { incident } = await repo.recordIncidentEvent(alert(T(3, 0)));
      await repo.transitionIncident(incident.id, 'resolved', 'alice', 'false positive', T(3, 0, 10));
      const next = await repo.recordIncidentEvent(alert(T(3, 0, 20)));
      expect(next.outcome).toBe('opened');
      expect(next.incident.id).not.toBe(incident.id);
      expect((await repo.getIncident(incident.id))?.eventCount).toBe(1);
    });

    it('moves open → acknowledged → resolved (or open → resolved) and refuses every other change', async () => {
      const repo = await open();
      const a = (await repo.recordIncidentEvent(alert(T(4, 0)))).incident;
      const b = (await repo.recordIncidentEvent(alert(T(4, 0), { subject: { type: 'host', id: 'node-7' } }))).incident;
      expect(await codeOf(repo.transitionIncident(a.id, 'open', 'alice'))).toBe('STORE_CONFLICT');
      const acked = await repo.transitionIncident(a.id, 'acknowledged', 'alice', 'looking', T(4, 1));
      expect(acked).toMatchObject({ state: 'acknowledged', updatedAt: T(4, 1).toISOString(), resolvedAt: null });
      expect(await codeOf(repo.transitionIncident(a.id, 'acknowledged', 'alice'))).toBe('STORE_CONFLICT');
      expect(await codeOf(repo.transitionIncident(a.id, 'open', 'alice'))).toBe('STORE_CONFLICT');
      expect(await repo.transitionIncident(a.id, 'resolved', 'bob', null, T(4, 2))).toMatchObject({ state: 'resolved', resolvedAt: T(4, 2).toISOString() });
      expect(await codeOf(repo.transitionIncident(a.id, 'acknowledged', 'alice'))).toBe('STORE_CONFLICT');
      expect(await codeOf(repo.transitionIncident(a.id, 'open', 'alice'))).toBe('STORE_CONFLICT');
      expect(await repo.transitionIncident(b.id, 'resolved', 'bob', null, T(4, 3))).toMatchObject({ state: 'resolved' });
      expect(await codeOf(repo.transitionIncident('nope', 'resolved', 'bob'))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(repo.transitionIncident(b.id, 'resolved', ''))).toBe('STORE_INVALID');
      // two approvers acknowledging at once: exactly one wins
      const c = (await repo.recordIncidentEvent(alert(T(4, 5), { subject: { type: 'host', id: 'node-8' } }))).incident;
      const results = await Promise.all([1, 2, 3].map((n) => codeOf(repo.transitionIncident(c.id, 'acknowledged', `p${n}`))));
      expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
      expect(results.filter((r) => r === 'STORE_CONFLICT')).toHaveLength(2);
    });

    it('keeps owner, notes, actions and state changes in the timeline, oldest first, paged', async () => {
      const repo = await open();
      clock.now = T(5, 0);
      const { incident } = await repo.recordIncidentEvent(alert(T(5, 0)));
      await repo.assignIncident(incident.id, 'alice', 'lead', T(5, 1));
      await repo.addIncidentNote(incident.id, 'alice', 'checking the pod', T(5, 2));
      await repo.recordIncidentAction(incident.id, 'system', 'label', { dryRun: true, workload: 'prod/api' }, T(5, 3));
      await repo.transitionIncident(incident.id, 'acknowledged', 'alice', null, T(5, 4));
      await repo.assignIncident(incident.id, 'bob', 'lead', T(5, 5));
      await repo.transitionIncident(incident.id, 'resolved', 'bob', 'patched', T(5, 6));
      expect(await codeOf(repo.assignIncident(incident.id, 'carol', 'lead'))).toBe('STORE_CONFLICT');
      const first = await repo.incidentTimeline(incident.id, { limit: 4 });
      const rest = await repo.incidentTimeline(incident.id, { limit: 4, cursor: first.nextCursor });
      expect(rest.nextCursor).toBeNull();
      const all = [...first.items, ...rest.items];
      expect(all.map((e) => [e.type, e.principal, e.from, e.to, e.text])).toEqual([
        ['opened', 'system', null, 'open', null],
        ['owner', 'lead', null, 'alice', null],
        ['note', 'alice', null, null, 'checking the pod'],
        ['action', 'system', null, 'label', null],
        ['state', 'alice', 'open', 'acknowledged', null],
        ['owner', 'lead', 'alice', 'bob', null],
        ['state', 'bob', 'acknowledged', 'resolved', 'patched'],
      ]);
      expect(all[3]?.details).toEqual({ dryRun: true, workload: 'prod/api' });
      expect(await repo.getIncident(incident.id)).toMatchObject({ owner: 'bob', state: 'resolved', updatedAt: T(5, 6).toISOString() });
      expect(await codeOf(repo.addIncidentNote('nope', 'alice', 'x'))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(repo.incidentTimeline('nope'))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(repo.addIncidentNote(incident.id, 'alice', ''))).toBe('STORE_INVALID');
      expect(await codeOf(repo.addIncidentNote(incident.id, 'alice', 'x'.repeat(5000)))).toBe('STORE_INVALID');
    });

    it('lists newest opened first, filtered by state and severity, paged by cursor', async () => {
      const repo = await open();
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) {
        const { incident } = await repo.recordIncidentEvent(alert(T(6, n), { severity: n % 2 === 0 ? 'high' : 'medium', subject: { type: 'host', id: `node-${n}` } }));
        ids.push(incident.id);
      }
      await repo.transitionIncident(ids[4]!, 'acknowledged', 'alice');
      const page1 = await repo.listIncidents({}, { limit: 2 });
      const page2 = await repo.listIncidents({}, { limit: 2, cursor: page1.nextCursor });
      const page3 = await repo.listIncidents({}, { limit: 2, cursor: page2.nextCursor });
      expect([...page1.items, ...page2.items, ...page3.items].map((i) => i.id)).toEqual([...ids].reverse());
      expect(page3.nextCursor).toBeNull();
      expect((await repo.listIncidents({ severity: 'medium' })).items.map((i) => i.id)).toEqual([ids[3], ids[1]]);
      expect((await repo.listIncidents({ state: 'acknowledged' })).items.map((i) => i.id)).toEqual([ids[4]]);
      expect((await repo.listIncidents({ state: 'open', severity: 'high' })).items.map((i) => i.id)).toEqual([ids[2], ids[0]]);
      expect(await codeOf(repo.listIncidents({}, { cursor: 'garbage' }))).toBe('STORE_INVALID');
    });

    it('refuses events it cannot judge and stores no secret value whole', async () => {
      const repo = await open();
      expect(await codeOf(repo.recordIncidentEvent({ ...alert(T(7)), time: 'yesterday' }))).toBe('STORE_INVALID');
      expect(await codeOf(repo.recordIncidentEvent({ ...alert(T(7)), details: { blob: 'x'.repeat(70_000) } }))).toBe('STORE_INVALID');
      const key = 'AKIAZ3MXQ7RDLW5PQ2TN';
      const token = 'ghp_Q8vR2mX9kL4pT7wZ3nB6yH1cF5dJ0sA8eG2u';
      const { incident } = await repo.recordIncidentEvent(alert(T(7), { reasons: [`curl with ${key}`], details: { cmdline: `git clone https://${token}@github.com/x/y` } }));
      await repo.addIncidentNote(incident.id, 'alice', `rotated ${token}`);
      await repo.recordIncidentAction(incident.id, 'system', 'scale', { header: `Bearer ${token}` });
      await repo.transitionIncident(incident.id, 'resolved', 'alice', `key ${key} revoked`);
      const [stored] = (await repo.listIncidentEvents(incident.id)).items;
      expect(stored?.redacted).toBe(true);
      expect(JSON.stringify(stored)).not.toContain(key);
      const text = await subject()!.storedText();
      expect(text).not.toContain(key);
      expect(text).not.toContain(token);
      expect((await repo.getIncident(incident.id))?.title).not.toContain(key);
    });
  });
}
