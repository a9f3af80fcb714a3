/**
 * Automated responses against a fake Kubernetes API server on loopback (node:http) that checks
 * each request (method, path, bearer token, content type, merge patch) and answers as the real
 * one does; outcomes are checked in the incident's timeline, the audit log and the events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@sekisho/model';
import type { EventSubject, IncidentRecord, SekishoEvent } from '@sekisho/model';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness } from '../api/testing/harness.js';
import { openSqliteRepository } from '../repository/open.js';
import type { Repository } from '../repository/types.js';
import { INCIDENT_LABEL, policyApplies, respondToIncident, workloadOf } from './respond.js';
import type { ResponsePolicy } from './respond.js';

const TOKEN = 'kube-token-0123456789abcdef0123456789';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** What the fake answers next: a status, or `hang` (never answers). */
let next: number | 'hang' = 200;

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      if (next === 'hang') return;
      const ok = req.headers.authorization === `Bearer ${TOKEN}` && req.headers['content-type'] === 'application/merge-patch+json' && req.method === 'PATCH';
      const status = ok ? next : 401;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { kind: 'Deployment', metadata: {} } : { kind: 'Status', status: 'Failure', message: 'deployments.apps "api" is forbidden' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let repository: Repository | null = null;
let dir: string | null = null;
const events: SekishoEvent[] = [];
const sink = { emit: (e: SekishoEvent) => (events.push(e), Promise.resolve()) };
afterEach(async () => {
  seen.length = 0;
  events.length = 0;
  next = 200;
  await repository?.close();
  repository = null;
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A fresh store with one incident on `subject`. */
async function incidentOn(subject: EventSubject, severity: 'critical' | 'medium' = 'critical'): Promise<{ incident: IncidentRecord; repository: Repository }> {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-respond-'));
  const store = await openSqliteRepository({ path: join(dir, 'sekisho.db') });
  repository = store;
  const event = createEvent({ kind: 'runtime', severity, source: { component: 'runtime', instance: 'n1' }, subject, action: 'shell', result: 'detected' });
  return { incident: (await store.recordIncidentEvent(event)).incident, repository: store };
}

const deployment: EventSubject = { type: 'workload', id: 'prod/Deployment/api', namespace: 'prod', name: 'api' };
const label: ResponsePolicy = { name: 'tag', action: 'label', dryRun: false };
const scale: ResponsePolicy = { name: 'stop', action: 'scale-to-zero', dryRun: true };

describe('respondToIncident', () => {
  it('labels the workload and scales it to zero (dry run) with bearer-token merge patches, and records both', async () => {
    const { incident, repository } = await incidentOn(deployment);
    const outcomes = await respondToIncident(incident, [label, scale], { repository, kubernetes: { server: base, token: TOKEN }, events: sink });
    expect(outcomes.map((o) => [o.result, o.status])).toEqual([
      ['success', 200],
      ['success', 200],
    ]);
    expect(seen).toEqual([
      {
        method: 'PATCH',
        url: '/apis/apps/v1/namespaces/prod/deployments/api',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { [INCIDENT_LABEL]: incident.id } } },
      },
      {
        method: 'PATCH',
        url: '/apis/apps/v1/namespaces/prod/deployments/api/scale?dryRun=All',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 0 } },
      },
    ]);
    const timeline = (await repository.incidentTimeline(incident.id)).items.filter((e) => e.type === 'action');
    expect(timeline.map((e) => [e.to, e.principal, e.details['dryRun'], e.details['result']])).toEqual([
      ['respond.label', 'system', false, 'success'],
      ['respond.scale-to-zero', 'system', true, 'success'],
    ]);
    const audit = [...(await repository.listAudit({ principal: 'system' })).items].reverse();
    expect(audit.map((a) => [a.action, a.method, a.result, a.target])).toEqual([
      ['incident.respond.label', 'PATCH', 'success', incident.id],
      ['incident.respond.scale-to-zero', 'PATCH', 'success', incident.id],
    ]);
    expect(events.map((e) => [e.kind, e.action, e.result])).toEqual([
      ['incident', 'incident.respond.label', 'success'],
      ['incident', 'incident.respond.scale-to-zero', 'success'],
    ]);
    expect(JSON.stringify(await repository.incidentTimeline(incident.id))).not.toContain(TOKEN);
  });

  it('records refusals, silence and unsupported targets as failures or skips, never as done', async () => {
    const { incident, repository } = await incidentOn(deployment);
    next = 403;
    const [refused] = await respondToIncident(incident, [label], { repository, kubernetes: { server: base, token: TOKEN } });
    expect(refused).toMatchObject({ result: 'failure', status: 403 });
    expect(refused?.reason).toContain('forbidden');
    const [unauthorised] = await respondToIncident(incident, [label], { repository, kubernetes: { server: base, token: 'wrong' } });
    expect(unauthorised).toMatchObject({ result: 'failure', status: 401 });
    next = 'hang';
    const [silent] = await respondToIncident(incident, [label], { repository, kubernetes: { server: base, token: TOKEN, timeoutMs: 200 } });
    expect(silent).toMatchObject({ result: 'failure', status: null });
    expect(silent?.reason).toContain('within 200 ms');
    const audit = (await repository.listAudit({ principal: 'system' })).items;
    expect(audit.map((a) => a.result)).toEqual(['failure', 'failure', 'failure']);
  });

  it('skips what it cannot act on: other subjects, unscalable kinds, malformed names; applies policies by severity, kind and namespace', async () => {
    const { incident: daemon, repository } = await incidentOn({ type: 'workload', id: 'prod/DaemonSet/agent', namespace: 'prod', name: 'agent' });
    const [skip] = await respondToIncident(daemon, [scale], { repository, kubernetes: { server: base, token: TOKEN } });
    expect(skip).toMatchObject({ result: 'skipped', request: null });
    expect(seen).toEqual([]);
    const timeline = (await repository.incidentTimeline(daemon.id)).items.filter((e) => e.type === 'action');
    expect(timeline.map((e) => e.details['result'])).toEqual(['skipped']);

    const at = { ...daemon };
    expect(workloadOf({ subject: { type: 'host', id: 'node-1' } })).toContain('not a Kubernetes workload');
    expect(workloadOf({ subject: { type: 'workload', id: 'prod/Deployment/../../x' } })).toContain('not namespace/Kind/name');
    expect(workloadOf({ subject: { type: 'workload', id: 'Prod/Deployment/api' } })).toContain('namespace');
    expect(workloadOf({ subject: { type: 'workload', id: 'prod/Deployment/a%2Fb' } })).toContain('name');
    expect(workloadOf({ subject: { type: 'workload', id: 'prod/CronJob/x' } })).toContain('kind');
    expect(workloadOf({ subject: deployment })).toEqual({ namespace: 'prod', kind: 'Deployment', name: 'api' });

    expect(policyApplies(label, at)).toBe(true);
    expect(policyApplies(label, { ...at, severity: 'high' })).toBe(false);
    expect(policyApplies({ ...label, minSeverity: 'high' }, { ...at, severity: 'high' })).toBe(true);
    expect(policyApplies({ ...label, kinds: ['admission'] }, at)).toBe(false);
    expect(policyApplies({ ...label, namespaces: ['dev'] }, at)).toBe(false);
    expect(policyApplies({ ...label, namespaces: ['prod'] }, at)).toBe(true);
  });

  it('runs from POST /api/v1/events once an incident reaches a policy, and once per policy', async () => {
    const h = await apiHarness({ kind: 'sqlite' }, { incidentResponses: { policies: [{ ...label, minSeverity: 'critical' }], kubernetes: { server: base, token: TOKEN } } });
    try {
      const post = (severity: 'high' | 'critical') =>
        h.call('scanner', {
          method: 'POST',
          url: '/api/v1/events',
          payload: createEvent({ kind: 'runtime', severity, source: { component: 'runtime', instance: 'n1' }, subject: deployment, action: 'shell', result: 'detected' }),
        });
      const first = (await post('high')).json<{ results: { incidentId: string }[] }>().results[0]!.incidentId;
      expect(seen).toEqual([]);
      await post('critical');
      await post('critical');
      expect(seen.map((r) => [r.method, r.url, r.body])).toEqual([['PATCH', '/apis/apps/v1/namespaces/prod/deployments/api', { metadata: { labels: { [INCIDENT_LABEL]: first } } }]]);
      const actions = (await h.repository.incidentTimeline(first)).items.filter((e) => e.type === 'action');
      expect(actions.map((e) => [e.to, e.details['result']])).toEqual([['respond.label', 'success']]);
    } finally {
      await h.close();
    }
  });
});
