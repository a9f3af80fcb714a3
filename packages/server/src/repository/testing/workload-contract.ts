/**
 * The workload and event-timeline part of the repository contract (called from
 * `repositoryContract` for each backend): audits keep the latest analysis per workload, a
 * complete cluster-wide audit removes what it no longer names and an incomplete one does not,
 * worst-first paging, overview counts, redaction; events kept once per id, filtered, paged newest
 * first, counted per hour, dropped after the retention period.
 */
import type { ConfigTarget, WorkloadBreakoutPath, WorkloadLayerCell } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { codeOf } from './codes.js';
import type { RecordConfigAudit, Repository as Store } from '../types.js';
import { alert } from './incident-contract.js';
import { digestOf, report } from './reports.js';

const T = (day: number, hour = 0, minute = 0): Date => new Date(Date.UTC(2026, 10, day, hour, minute));

const held: WorkloadLayerCell = { state: 'held', detail: 'set' };
const missing: WorkloadLayerCell = { state: 'missing', detail: 'not set' };

function target(namespace: string, name: string, container = 'app'): ConfigTarget {
  return { file: `k8s/${name}.yaml`, document: 0, kind: 'Deployment', namespace, name, container };
}

function path(certainty: 'open' | 'conditional'): WorkloadBreakoutPath {
  return {
    techniqueId: 'privileged-devices',
    name: 'mount the host disk from a privileged container',
    impact: 'root on the node',
    severity: 'critical',
    certainty,
    because: ['privileged: true'],
    unknowns: certainty === 'open' ? [] : ['the image user'],
    fix: 'set privileged: false',
    references: [],
  };
}

function audit(over: Partial<RecordConfigAudit> = {}): RecordConfigAudit {
  return {
    cluster: 'prod-eu',
    environment: 'prod',
    principal: 'ci',
    status: 'complete',
    statusReasons: [],
    toolVersion: '1.0.0',
    replace: false,
    workloads: [
      {
        target: target('shop', 'web'),
        image: 'registry.example/shop/web:1.1',
        score: 35,
        layers: { 'non-root': missing, seccomp: missing, capabilities: held },
        paths: [path('open'), path('conditional')],
      },
      { target: target('shop', 'api'), image: `registry.example/shop/api@sha256:${'a'.repeat(64)}`, score: 80, layers: { 'non-root': held, seccomp: missing }, paths: [path('conditional')] },
      { target: target('data', 'etl'), image: null, score: 95, layers: { 'non-root': held, seccomp: held }, paths: [] },
    ],
    findings: [
      { severity: 'high', target: target('shop', 'web') },
      { severity: 'medium', target: { ...target('shop', 'web'), container: null } },
      { severity: 'low', target: target('shop', 'api') },
    ],
    ...over,
  };
}

export function workloadContractCases(open: () => Promise<Store>, clock: { now: Date }): void {
  describe('workloads', () => {
    it('keeps the latest analysis per workload, worst first, with misconfiguration counts and an overview', async () => {
      const repo = await open();
      const { audit: first } = await repo.recordConfigAudit(audit(), T(2));
      expect(first).toMatchObject({ cluster: 'prod-eu', environment: 'prod', status: 'complete', workloads: 3, findings: 3, principal: 'ci' });
      const page = await repo.listWorkloads({}, { limit: 2 });
      expect(page.items.map((w) => w.name)).toEqual(['web', 'api']);
      const web = page.items[0]!;
      expect(web).toMatchObject({ namespace: 'shop', kind: 'Deployment', container: 'app', score: 35, openPaths: 1, conditionalPaths: 1, auditId: first.id, auditComplete: true });
      expect(web.misconfigurations).toMatchObject({ high: 1, medium: 1, low: 0 });
      expect(web.layers.seccomp).toEqual(missing);
      expect(web.paths[0]?.fix).toBe('set privileged: false');
      expect((await repo.listWorkloads({}, { limit: 2, cursor: page.nextCursor })).items.map((w) => w.name)).toEqual(['etl']);
      expect(await repo.getWorkload(web.id)).toEqual(web);
      expect(await repo.getWorkload('nope')).toBeNull();
      expect((await repo.listWorkloads({ namespace: 'data' })).items.map((w) => w.name)).toEqual(['etl']);
      expect((await repo.listWorkloads({ paths: 'open' })).items.map((w) => w.name)).toEqual(['web']);
      expect((await repo.listWorkloads({ paths: 'any' })).items.map((w) => w.name)).toEqual(['web', 'api']);
      const overview = await repo.workloadOverview({});
      expect(overview).toMatchObject({ workloads: 3, withOpenPaths: 1, withConditionalPaths: 1, meanScore: 70, clusters: ['prod-eu'], namespaces: ['data', 'shop'] });
      expect(overview.missingLayers).toEqual({ 'non-root': 1, seccomp: 2 });
      expect((await repo.workloadOverview({ namespace: 'shop' })).workloads).toBe(2);

      // a later audit of one workload replaces its row and leaves the others
      const fixed = audit({ workloads: [{ target: target('shop', 'web'), image: 'registry.example/shop/web:1.2', score: 90, layers: { 'non-root': held }, paths: [] }], findings: [] });
      const { audit: second, removed } = await repo.recordConfigAudit(fixed, T(3));
      expect(removed).toBe(0);
      expect(await repo.getWorkload(web.id)).toMatchObject({ score: 90, openPaths: 0, auditId: second.id, auditedAt: T(3).toISOString() });
      expect((await repo.workloadOverview({})).workloads).toBe(3);
      expect((await repo.listConfigAudits()).items.map((a) => a.id)).toEqual([second.id, first.id]);
    });

    it('a complete cluster-wide audit removes what it no longer names; an incomplete one removes nothing', async () => {
      const repo = await open();
      await repo.recordConfigAudit(audit(), T(2));
      await repo.recordConfigAudit(audit({ cluster: 'dev', workloads: [{ target: target('dev', 'x'), image: 'nginx', score: 10, layers: {}, paths: [] }] }), T(2));
      const only = audit({ replace: true, workloads: audit().workloads.slice(0, 1) });
      const partial = await repo.recordConfigAudit({ ...only, status: 'incomplete', statusReasons: ['1 file refused'] }, T(3));
      expect(partial.removed).toBe(0);
      expect((await repo.listWorkloads({ cluster: 'prod-eu' })).items).toHaveLength(3);
      expect((await repo.listWorkloads({ cluster: 'prod-eu' })).items.find((w) => w.name === 'web')?.auditComplete).toBe(false);
      const whole = await repo.recordConfigAudit(only, T(4));
      expect(whole.removed).toBe(2);
      expect((await repo.listWorkloads({ cluster: 'prod-eu' })).items.map((w) => w.name)).toEqual(['web']);
      expect((await repo.listWorkloads({ cluster: 'dev' })).items).toHaveLength(1);
    });

    it('filters the fleet by the namespaces whose workloads run an image (by digest when pinned, else by repository) and by registry', async () => {
      const repo = await open();
      const pinned = `sha256:${'a'.repeat(64)}`;
      await repo.recordScan(report({ digest: digestOf(1), reference: 'registry.example/shop/web:1.1' }), 'db-1', { scannedAt: T(2) });
      await repo.recordScan(report({ digest: digestOf(2), reference: 'registry.example/shop/api:2' }), 'db-1', { scannedAt: T(2) });
      await repo.recordScan(report({ digest: pinned, reference: 'registry.example/shop/api:1' }), 'db-1', { scannedAt: T(2) });
      await repo.recordScan(report({ digest: digestOf(3), reference: 'ghcr.io/data/etl:1' }), 'db-1', { scannedAt: T(2) });
      await repo.recordConfigAudit(audit(), T(3));
      const digests = async (filter: Parameters<Store['summarizeImages']>[0]) => (await repo.summarizeImages(filter)).items.map((i) => i.digest).sort();
      // web by its repository; api only by the digest its workload pins, not its other image
      expect(await digests({ namespace: 'shop' })).toEqual([digestOf(1), pinned].sort());
      expect(await digests({ namespace: 'data' })).toEqual([]);
      expect(await digests({ registry: 'ghcr.io' })).toEqual([digestOf(3)]);
      expect(await digests({ registry: 'registry.example' })).toHaveLength(3);
      expect(await digests({ registry: 'registry.exam' })).toEqual([]);
      expect((await repo.fleetOverview({ namespace: 'shop' }, 30, T(4))).images).toBe(2);
    });

    it('refuses what it cannot store faithfully and redacts secrets', async () => {
      const repo = await open();
      expect(await codeOf(repo.recordConfigAudit(audit({ cluster: '' })))).toBe('STORE_INVALID');
      expect(await codeOf(repo.recordConfigAudit(audit({ workloads: [{ target: target('a', 'b'), image: null, score: 101, layers: {}, paths: [] }] })))).toBe('STORE_INVALID');
      expect((await repo.listConfigAudits()).items).toHaveLength(0);
      const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
      await repo.recordConfigAudit(
        audit({ workloads: [{ target: target('a', 'b'), image: null, score: 5, layers: { 'api-credentials': { state: 'missing', detail: `token ${token} mounted` } }, paths: [] }] }),
      );
      const [stored] = (await repo.listWorkloads({})).items;
      expect(JSON.stringify(stored)).not.toContain(token);
    });
  });

  describe('event timeline', () => {
    it('keeps each event once, newest first, filtered and paged; counts per hour by severity', async () => {
      const repo = await open();
      clock.now = T(5, 12);
      const a = alert(T(5, 9, 10));
      const b = alert(T(5, 10, 5), { severity: 'critical', subject: { type: 'workload', id: 'shop/web', namespace: 'shop', name: 'web' } });
      const c = alert(T(5, 10, 30), { kind: 'admission', result: 'denied', severity: 'medium', source: { component: 'admission', instance: 'wh-1' } });
      expect(await repo.recordEvents([a, b, c])).toBe(3);
      expect(await repo.recordEvents([a])).toBe(0);
      const all = await repo.listEvents({}, { limit: 2 });
      expect(all.items.map((e) => e.event.id)).toEqual([c.id, b.id]);
      expect(all.items[0]?.receivedAt).toBe(T(5, 12).toISOString());
      expect((await repo.listEvents({}, { limit: 2, cursor: all.nextCursor })).items.map((e) => e.event.id)).toEqual([a.id]);
      expect((await repo.listEvents({ kinds: ['admission'] })).items.map((e) => e.event.id)).toEqual([c.id]);
      expect((await repo.listEvents({ minSeverity: 'high' })).items.map((e) => e.event.id)).toEqual([b.id, a.id]);
      expect((await repo.listEvents({ namespace: 'shop' })).items.map((e) => e.event.id)).toEqual([b.id]);
      expect((await repo.listEvents({ result: 'denied' })).items.map((e) => e.event.id)).toEqual([c.id]);
      expect((await repo.listEvents({ from: T(5, 10).toISOString(), to: T(5, 10, 20).toISOString() })).items.map((e) => e.event.id)).toEqual([b.id]);
      const histogram = await repo.eventHistogram({ from: T(5, 8, 30).toISOString(), to: T(5, 11).toISOString() }, 'hour');
      expect(histogram.buckets.map((x) => x.at)).toEqual([T(5, 8), T(5, 9), T(5, 10), T(5, 11)].map((d) => d.toISOString()));
      expect(histogram.buckets.map((x) => [x.counts.critical, x.counts.high, x.counts.medium])).toEqual([
        [0, 0, 0],
        [0, 1, 0],
        [1, 0, 1],
        [0, 0, 0],
      ]);
      expect((await repo.eventHistogram({ kinds: ['runtime'], from: T(5).toISOString(), to: T(5, 23).toISOString() }, 'day')).buckets).toEqual([
        { at: T(5).toISOString(), counts: { critical: 1, high: 1, medium: 0, low: 0, negligible: 0, unknown: 0 } },
      ]);
      expect(await codeOf(repo.eventHistogram({ from: T(1).toISOString(), to: T(30).toISOString() }, 'hour'))).toBe('resolved');
      expect(await codeOf(repo.eventHistogram({ from: T(1).toISOString(), to: new Date(Date.UTC(2027, 11, 1)).toISOString() }, 'hour'))).toBe('STORE_INVALID');
    });

    it('drops events older than the retention period, redacts, and refuses a bad batch whole', async () => {
      const repo = await open();
      clock.now = T(1);
      const old = alert(T(1));
      await repo.recordEvents([old]);
      clock.now = T(20);
      const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
      const fresh = alert(T(20), { reasons: [`found ${token}`] });
      await repo.recordEvents([fresh]);
      expect((await repo.listEvents({})).items).toHaveLength(2);
      clock.now = T(40);
      await repo.recordEvents([alert(T(40))]);
      const left = (await repo.listEvents({})).items.map((e) => e.event.id);
      expect(left).not.toContain(old.id);
      expect(left).toContain(fresh.id);
      expect(JSON.stringify((await repo.listEvents({})).items)).not.toContain(token);
      const bad = { ...alert(T(40)), time: 'yesterday' };
      const good = alert(T(40));
      expect(await codeOf(repo.recordEvents([good, bad]))).toBe('STORE_INVALID');
      expect((await repo.listEvents({})).items.map((e) => e.event.id)).not.toContain(good.id);
    });
  });
}
