/**
 * Workloads and the event timeline through Fastify's inject, on SQLite and on PostgreSQL (a
 * throwaway database; skipped with the reason when unreachable, failed under
 * SEKISHO_REQUIRE_FIXTURES=1). The audits are real: core's configuration audit of manifests.
 */
import { auditConfig } from '@sekisho/core';
import { createEvent } from '@sekisho/model';
import type { Page, StoredEvent, WorkloadOverview, WorkloadRecord } from '@sekisho/model';
import { afterAll, describe, expect, it } from 'vitest';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { apiHarness } from './testing/harness.js';
import type { ApiHarness, StoreKind } from './testing/harness.js';

const postgres = await throwawayDatabase();
if ('database' in postgres) afterAll(() => postgres.database.drop());
else console.warn(`workload API on PostgreSQL skipped: ${postgres.skip}`);

const stores: { name: string; store: StoreKind | null }[] = [
  { name: 'sqlite', store: { kind: 'sqlite' } },
  { name: 'database' in postgres ? 'postgres' : `postgres (skipped: ${postgres.skip})`, store: 'database' in postgres ? { kind: 'postgres', database: postgres.database } : null },
];

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: app
          image: registry.example/shop/web:1.1
          securityContext: { privileged: true }
---
apiVersion: v1
kind: Pod
metadata: { name: worker, namespace: shop }
spec:
  automountServiceAccountToken: false
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: main
      image: registry.example/shop/worker:2
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
      resources: { limits: { memory: 128Mi, cpu: 100m } }
`;

/** What `sekisho config -f json` writes, from a real audit of `text`. */
function auditDocument(text: string, status: 'complete' | 'incomplete' = 'complete') {
  const result = auditConfig([{ path: 'k8s/shop.yaml', content: new TextEncoder().encode(text) }], { pssVersion: 'v1.30' });
  return { schema: 'sekisho.config-audit/v1', tool: { name: 'sekisho', version: 'test' }, status, statusReasons: status === 'complete' ? [] : ['1 file refused'], pssVersion: 'v1.30', ...result };
}

for (const { name, store } of stores) {
  describe.skipIf(store === null)(name, () => {
    let shared: ApiHarness | null = null;
    const open = async (): Promise<ApiHarness> => (shared ??= await apiHarness(store!, { now: () => new Date('2026-11-20T12:00:00.000Z') }));
    afterAll(async () => shared?.close());

    it('takes a configuration audit from a scanner and lists workloads worst first with their layers and breakout paths', async () => {
      const h = await open();
      const doc = auditDocument(MANIFESTS);
      expect(doc.workloads.length).toBe(2);
      const refused = await h.call('viewer', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu', payload: doc });
      expect(refused.statusCode).toBe(403);
      const res = await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu&environment=prod', payload: doc });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ audit: { cluster: 'prod-eu', environment: 'prod', principal: 'scanner', status: 'complete', workloads: 2 }, removed: 0 });

      const list = (await h.call('viewer', { method: 'GET', url: '/api/v1/workloads' })).json<Page<WorkloadRecord>>();
      expect(list.items.map((w) => w.name)).toEqual(['web', 'worker']);
      const [web, worker] = list.items as [WorkloadRecord, WorkloadRecord];
      expect(web.score).toBeLessThan(worker.score);
      expect(web.openPaths).toBeGreaterThan(0);
      expect(web.layers['host-namespaces']?.state).toBe('missing');
      expect(web.paths.some((p) => p.certainty === 'open' && p.fix.length > 0)).toBe(true);
      expect(web.misconfigurations.high + web.misconfigurations.critical).toBeGreaterThan(0);
      expect(worker.layers['non-root']?.state).toBe('held');

      const one = await h.call('viewer', { method: 'GET', url: `/api/v1/workloads/${web.id}` });
      expect(one.json()).toEqual(web);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/workloads/0123abcd' })).statusCode).toBe(404);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/workloads?paths=open' })).json<Page<WorkloadRecord>>().items.map((w) => w.name)).toEqual(['web']);
      const overview = (await h.call('viewer', { method: 'GET', url: '/api/v1/workloads/overview?namespace=shop' })).json<WorkloadOverview>();
      expect(overview).toMatchObject({ workloads: 2, withOpenPaths: 1, clusters: ['prod-eu'], namespaces: ['shop'] });
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/config-audits' })).json<Page<{ id: string }>>().items).toHaveLength(1);
    });

    it('refuses what is not an audit document, and a complete cluster-wide audit removes workloads it no longer names', async () => {
      const h = await open();
      const bad = await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu', payload: { schema: 'sekisho.report/v1' } });
      expect(bad.statusCode).toBe(400);
      const noCluster = await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits', payload: auditDocument(MANIFESTS) });
      expect(noCluster.statusCode).toBe(400);
      const tooHigh = auditDocument(MANIFESTS);
      const broken = { ...tooHigh, workloads: tooHigh.workloads.map((w) => ({ ...w, score: 400 })) };
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu', payload: broken })).statusCode).toBe(400);
      const onlyWorker = MANIFESTS.split('---\n')[1] ?? '';
      const partial = await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu&replace=true', payload: auditDocument(onlyWorker, 'incomplete') });
      expect(partial.json()).toMatchObject({ removed: 0 });
      const whole = await h.call('scanner', { method: 'POST', url: '/api/v1/config-audits?cluster=prod-eu&replace=true', payload: auditDocument(onlyWorker) });
      expect(whole.json()).toMatchObject({ removed: 1 });
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/workloads?cluster=prod-eu' })).json<Page<WorkloadRecord>>().items.map((w) => w.name)).toEqual(['worker']);
    });

    it('keeps every event sent for the timeline, filtered by kind, severity, result and namespace, and counts them per hour', async () => {
      const h = await open();
      const base = { source: { component: 'runtime' as const, instance: 'node-1' }, subject: { type: 'workload' as const, id: 'shop/web', namespace: 'shop', name: 'web' } };
      const events = [
        createEvent({ ...base, kind: 'runtime', severity: 'critical', action: 'Terminal shell in container', result: 'detected', time: '2026-11-20T10:05:00.000Z' }),
        createEvent({ ...base, kind: 'runtime', severity: 'low', action: 'Read sensitive file', result: 'detected', time: '2026-11-20T10:40:00.000Z' }),
        createEvent({
          kind: 'admission',
          severity: 'high',
          source: { component: 'admission', instance: 'wh-1' },
          subject: { type: 'workload', id: 'dev/api', namespace: 'dev', name: 'api' },
          action: 'admission.validate',
          result: 'denied',
          time: '2026-11-20T11:15:00.000Z',
        }),
      ];
      const sent = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: events });
      expect(sent.statusCode, sent.body).toBe(200);
      const again = await h.call('scanner', { method: 'POST', url: '/api/v1/events', payload: events[0] });
      expect(again.statusCode).toBe(200);
      const list = async (q: string) => (await h.call('viewer', { method: 'GET', url: `/api/v1/events${q}` })).json<Page<StoredEvent>>().items.map((e) => e.event.action);
      expect(await list('')).toEqual(['admission.validate', 'Read sensitive file', 'Terminal shell in container']);
      expect(await list('?kind=runtime')).toEqual(['Read sensitive file', 'Terminal shell in container']);
      expect(await list('?kind=runtime&kind=admission&minSeverity=high')).toEqual(['admission.validate', 'Terminal shell in container']);
      expect(await list('?result=denied')).toEqual(['admission.validate']);
      expect(await list('?namespace=shop&limit=1')).toEqual(['Read sensitive file']);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/events?kind=nope' })).statusCode).toBe(400);
      const histogram = (await h.call('viewer', { method: 'GET', url: '/api/v1/events/histogram?from=2026-11-20T10:00:00Z&to=2026-11-20T11:59:00Z' })).json<{
        buckets: { at: string; counts: Record<string, number> }[];
      }>();
      expect(histogram.buckets.map((b) => [b.at.slice(11, 13), b.counts['critical'], b.counts['high'], b.counts['low']])).toEqual([
        ['10', 1, 0, 1],
        ['11', 0, 1, 0],
      ]);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/events/histogram?from=2020-01-01T00:00:00Z&to=2026-11-20T11:59:00Z' })).statusCode).toBe(400);
    });
  });
}
