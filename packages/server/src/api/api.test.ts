/**
 * The API end to end through Fastify's inject, on SQLite and on PostgreSQL (a throwaway database;
 * skipped with the reason when unreachable, failed under SEKISHO_REQUIRE_FIXTURES=1).
 */
import type { AuditEvent } from '@sekisho/model';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { throwawayDatabase } from '../repository/testing/postgres.js';
import { digestOf, pkg, report, secret, vuln } from '../repository/testing/reports.js';
import { apiHarness } from './testing/harness.js';
import type { ApiHarness, StoreKind } from './testing/harness.js';

const postgres = await throwawayDatabase();
if ('database' in postgres) afterAll(() => postgres.database.drop());
else console.warn(`API on PostgreSQL skipped: ${postgres.skip}`);

const stores: { name: string; store: StoreKind | null }[] = [
  { name: 'sqlite', store: { kind: 'sqlite' } },
  { name: 'database' in postgres ? 'postgres' : `postgres (skipped: ${postgres.skip})`, store: 'database' in postgres ? { kind: 'postgres', database: postgres.database } : null },
];

const REF = 'registry.example/team/app';
const POLICY = `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  no-critical: { kind: vulnerabilities, severity: critical, action: fail }
environments:
  prod: {}
defaultEnvironment: prod
`;

/** Audit rows are written once a response is sent: wait until `n` are there. */
async function auditRows(h: ApiHarness, n: number): Promise<AuditEvent[]> {
  for (let i = 0; i < 100; i++) {
    const page = await h.repository.listAudit({}, { limit: 500 });
    if (page.items.length >= n) return [...page.items];
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} audit rows`);
}

for (const { name, store } of stores) {
  describe.skipIf(store === null)(name, () => {
    // One server per store for the file (building one costs most of a test); the audit test has its own.
    let h: ApiHarness;
    let shared: ApiHarness | null = null;
    const open = async (): Promise<ApiHarness> => {
      shared ??= await apiHarness(store!);
      h = shared;
      return h;
    };
    afterAll(async () => shared?.close());

    it('records a pushed scan and serves images, scans, the rebuilt report and filtered findings', async () => {
      await open();
      const d = digestOf(1);
      const findings = [
        vuln({ cve: 'CVE-2024-1', pkg: 'openssl', severity: 'critical', fixed: true, kev: true }),
        vuln({ cve: 'CVE-2024-2', pkg: 'zlib', severity: 'low' }),
        vuln({ cve: 'CVE-2024-3', pkg: 'curl', severity: 'high', fixed: true }),
      ];
      const push = await h.call('scanner', { method: 'POST', url: '/api/v1/scans?dbVersion=db-1', payload: report({ digest: d, reference: `${REF}:1.0`, findings }) });
      expect(push.statusCode).toBe(201);
      const { scan } = push.json<{ scan: { id: string; digest: string; findingCount: number } }>();
      expect(scan).toMatchObject({ digest: d, findingCount: 3 });

      const images = await h.call('viewer', { method: 'GET', url: `/api/v1/images?repository=${REF}` });
      expect(images.json()).toMatchObject({ items: [{ digest: d, repositories: [REF] }], nextCursor: null });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/images/${d}` })).json()).toMatchObject({ digest: d, size: 1234 });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/images/${digestOf(9)}` })).statusCode).toBe(404);
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/tags?repository=${REF}` })).json()).toMatchObject({ items: [{ tag: '1.0', digest: d }] });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/scans?digest=${d}` })).json()).toMatchObject({ items: [{ id: scan.id, dbVersion: 'db-1' }] });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/scans/${scan.id}` })).json()).toMatchObject({ id: scan.id });
      const rebuilt = (await h.call('viewer', { method: 'GET', url: `/api/v1/scans/${scan.id}/report` })).json<{ findings: unknown[]; target: { reference: string } }>();
      expect(rebuilt.findings).toHaveLength(3);
      expect(rebuilt.target.reference).toBe(`${REF}:1.0`);

      const ids = async (query: string): Promise<string[]> => {
        const r = await h.call('viewer', { method: 'GET', url: `/api/v1/findings?digest=${d}${query}` });
        expect(r.statusCode, r.body).toBe(200);
        return r.json<{ items: { finding: { vulnerabilityId: string } }[] }>().items.map((f) => f.finding.vulnerabilityId);
      };
      expect(await ids('')).toEqual(['CVE-2024-1', 'CVE-2024-3', 'CVE-2024-2']);
      expect(await ids('&severity=critical&severity=high')).toEqual(['CVE-2024-1', 'CVE-2024-3']);
      expect(await ids('&severity=low')).toEqual(['CVE-2024-2']);
      expect(await ids('&kev=true')).toEqual(['CVE-2024-1']);
      expect(await ids('&fixable=false')).toEqual(['CVE-2024-2']);
      expect(await ids('&firstSeenFrom=2000-01-01T00:00:00Z&firstSeenTo=2001-01-01T00:00:00Z')).toEqual([]);
      const first = await h.call('viewer', { method: 'GET', url: `/api/v1/findings?digest=${d}&limit=2` });
      const cursor = first.json<{ nextCursor: string }>().nextCursor;
      expect(await ids(`&limit=2&cursor=${encodeURIComponent(cursor)}`)).toEqual(['CVE-2024-2']);
    });

    it('evaluates a stored digest against a policy with approved exceptions; the environment filter hides what they excuse', async () => {
      await open();
      const d = digestOf(2);
      await h.call('scanner', {
        method: 'POST',
        url: '/api/v1/scans',
        payload: report({ digest: d, reference: `${REF}:2.0`, findings: [vuln({ cve: 'CVE-2024-9', pkg: 'openssl', severity: 'critical' })] }),
      });
      const evaluate = () => h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: d, policy: POLICY } });
      const failing = await evaluate();
      expect(failing.statusCode, failing.body).toBe(201);
      expect(failing.json()).toMatchObject({ digest: d, decision: { result: 'fail', environment: 'prod', policy: 'acme' } });

      const proposed = await h.call('scanner', {
        method: 'POST',
        url: '/api/v1/exceptions',
        payload: { match: { id: 'CVE-2024-9', environments: ['prod'] }, owner: 'team-a', reason: 'not reachable', expires: '2099-12-31' },
      });
      expect(proposed.statusCode, proposed.body).toBe(201);
      const id = proposed.json<{ id: string }>().id;
      expect(await findingCount(h, d, 'prod')).toBe(1);
      // four eyes: the proposer is not an approver here, but an approver cannot approve their own either
      const own = await h.call('approver', { method: 'POST', url: '/api/v1/exceptions', payload: { match: { rule: 'no-critical' }, owner: 'x', reason: 'y', expires: '2099-01-01' } });
      const ownId = own.json<{ id: string }>().id;
      const self = await h.call('approver', { method: 'POST', url: `/api/v1/exceptions/${ownId}/approve` });
      expect(self.statusCode).toBe(403);
      expect(self.json()).toMatchObject({ error: { code: 'FOUR_EYES' } });

      const approved = await h.call('approver', { method: 'POST', url: `/api/v1/exceptions/${id}/approve` });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ state: 'approved', approvedBy: 'approver', proposedBy: 'scanner' });
      expect((await h.call('approver', { method: 'POST', url: `/api/v1/exceptions/${id}/approve` })).statusCode).toBe(409);
      expect(await findingCount(h, d, 'prod')).toBe(0);
      expect(await findingCount(h, d, 'dev')).toBe(1);

      const passing = await evaluate();
      expect(passing.json()).toMatchObject({ decision: { result: 'pass', exceptions: { applied: [{ id: 'CVE-2024-9', matched: 1 }] } } });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/images/${d}/decisions` })).json<{ items: unknown[] }>().items).toHaveLength(2);
      expect(h.events.filter((e) => e.kind === 'policy-decision').map((e) => e.result)).toEqual(['denied', 'allowed']);

      const expired = await h.call('approver2', { method: 'POST', url: `/api/v1/exceptions/${id}/expire` });
      expect(expired.json()).toMatchObject({ state: 'expired', expiredBy: 'approver2' });
      expect(await findingCount(h, d, 'prod')).toBe(1);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/exceptions?state=expired' })).json<{ items: unknown[] }>().items).toHaveLength(1);
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: d } })).json()).toMatchObject({ error: { field: 'body.policy' } });
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: d, policy: 'kind: Nope' } })).statusCode).toBe(400);
      const unknownEnv = await h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: d, policy: POLICY, environment: 'staging' } });
      expect(unknownEnv.statusCode).toBe(400);
      expect(unknownEnv.json<{ error: { message: string } }>().error.message).toMatch(/unknown environment "staging"/);
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: digestOf(99), policy: POLICY } })).statusCode).toBe(404);
    });

    it('compares two scans and draws the open-findings trend from the intervals', async () => {
      await open();
      const day = (n: number) => new Date(Date.UTC(2026, 10, n));
      const a = digestOf(3);
      const b = digestOf(4);
      const before = await h.repository.recordScan(
        report({
          digest: a,
          reference: `${REF}:1`,
          packages: [pkg('openssl', '3.0.1')],
          findings: [vuln({ cve: 'CVE-A', pkg: 'openssl', severity: 'critical' }), vuln({ cve: 'CVE-B', pkg: 'openssl', severity: 'low' })],
        }),
        'db-1',
        { scannedAt: day(2) },
      );
      const after = await h.repository.recordScan(
        report({ digest: b, reference: `${REF}:2`, packages: [pkg('openssl', '3.0.2')], findings: [vuln({ cve: 'CVE-B', pkg: 'openssl', severity: 'low' })] }),
        'db-1',
        { scannedAt: day(5) },
      );
      const compared = await h.call('viewer', { method: 'GET', url: `/api/v1/compare?before=${before.scan.id}&after=${after.scan.id}` });
      expect(compared.statusCode, compared.body).toBe(200);
      expect(compared.json()).toMatchObject({
        schema: 'sekisho.comparison/v1',
        vulnerabilities: { fixed: [{ id: 'CVE-A' }], introduced: [], unchanged: 1 },
        packages: { changed: [{ name: 'openssl', from: '3.0.1', to: '3.0.2', direction: 'upgraded' }] },
      });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/compare?before=${before.scan.id}&after=nope` })).json()).toMatchObject({ error: { field: 'querystring.after' } });

      const trend = await h.call('viewer', { method: 'GET', url: `/api/v1/trends?repository=${REF}&from=2026-11-01T00:00:00Z&to=2026-11-07T00:00:00Z` });
      expect(trend.statusCode, trend.body).toBe(200);
      const points = trend.json<{ points: { at: string; open: Record<string, number> }[] }>().points;
      expect(points.map((p) => [p.at.slice(0, 10), p.open.critical, p.open.low])).toEqual([
        ['2026-11-02', 0, 0],
        ['2026-11-03', 1, 1],
        ['2026-11-04', 1, 1],
        ['2026-11-05', 1, 1],
        ['2026-11-06', 0, 1],
        ['2026-11-07', 0, 1],
      ]);
      // CVE-A, first seen on day 2, fixed by the day-5 image: 3 days to fix, counted on the day it was fixed
      expect(trend.json<{ points: { meanDaysToFix: number | null }[] }>().points.map((p) => p.meanDaysToFix)).toEqual([null, null, null, null, 3, null]);
      // per advisory-database version, in a repository of its own (other tests share this store):
      // v1 then v2 of the image under db-1, then db-2 re-matches v2 and finds CVE-C
      const UPD = 'registry.example/team/updates';
      const [u1, u2] = [digestOf(31), digestOf(32)];
      const a1 = [vuln({ cve: 'CVE-A', pkg: 'openssl', severity: 'critical' }), vuln({ cve: 'CVE-B', pkg: 'openssl', severity: 'low' })];
      await h.repository.recordScan(report({ digest: u1, reference: `${UPD}:1`, findings: a1 }), 'db-1', { scannedAt: day(2) });
      await h.repository.recordScan(report({ digest: u2, reference: `${UPD}:2`, findings: [vuln({ cve: 'CVE-B', pkg: 'openssl', severity: 'low' })] }), 'db-1', { scannedAt: day(5) });
      await h.repository.recordScan(
        report({ digest: u2, reference: `${UPD}:2`, findings: [vuln({ cve: 'CVE-B', pkg: 'openssl', severity: 'low' }), vuln({ cve: 'CVE-C', pkg: 'openssl', severity: 'high' })] }),
        'db-2',
        { scannedAt: day(6) },
      );
      const updates = await h.call('viewer', { method: 'GET', url: `/api/v1/trends/advisory-updates?repository=${UPD}` });
      expect(updates.statusCode, updates.body).toBe(200);
      expect(updates.json()).toEqual({
        scope: `repo:${UPD}`,
        updates: [
          { dbVersion: 'db-1', firstUsedAt: day(2).toISOString(), scans: 2, openedByAdvisories: 0, openedByNewImages: 2, fixedByAdvisories: 0, fixedByNewImages: 1 },
          { dbVersion: 'db-2', firstUsedAt: day(6).toISOString(), scans: 1, openedByAdvisories: 1, openedByNewImages: 0, fixedByAdvisories: 0, fixedByNewImages: 0 },
        ],
      });
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/trends/advisory-updates' })).statusCode).toBe(400);
      // an environment's trend sums the repositories of its images: here only UPD is in qa
      const qa = POLICY.replace('prod: {}', 'qa: {}').replace('defaultEnvironment: prod', 'defaultEnvironment: qa');
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: u2, policy: qa } })).statusCode).toBe(201);
      const window = 'from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z';
      const byEnv = await h.call('viewer', { method: 'GET', url: `/api/v1/trends?environment=qa&${window}` });
      expect(byEnv.statusCode, byEnv.body).toBe(200);
      const byRepo = await h.call('viewer', { method: 'GET', url: `/api/v1/trends?repository=${UPD}&${window}` });
      expect(byEnv.json<{ scope: string; points: unknown[] }>().points).toEqual(byRepo.json<{ points: unknown[] }>().points);
      expect(byEnv.json<{ scope: string }>().scope).toBe('env:qa');
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/trends?environment=qa&repository=${UPD}` })).statusCode).toBe(400);
      const weekly = await h.call('viewer', { method: 'GET', url: `/api/v1/trends?digest=${a}&bucket=week&from=2026-11-01T00:00:00Z&to=2026-11-15T00:00:00Z` });
      expect(weekly.json<{ points: { open: Record<string, number> }[] }>().points.map((p) => p.open.critical)).toEqual([1, 1]);
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/trends' })).statusCode).toBe(400);
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/trends?repository=${REF}&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z` })).statusCode).toBe(400);
    });

    it('queues scan jobs (one per digest while queued) and lists them', async () => {
      await open();
      const job = await h.call('scanner', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-image', reference: `${REF}@${digestOf(5)}`, digest: digestOf(5) } });
      expect(job.statusCode, job.body).toBe(202);
      const again = await h.call('scanner', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-image', reference: `${REF}:other`, digest: digestOf(5) } });
      expect(again.json<{ id: string }>().id).toBe(job.json<{ id: string }>().id);
      await h.call('scanner', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-repository', repository: REF } });
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/jobs?kind=scan-repository' })).json()).toMatchObject({
        items: [{ kind: 'scan-repository', payload: { repository: REF }, state: 'queued' }],
      });
      expect((await h.call('viewer', { method: 'GET', url: `/api/v1/jobs/${job.json<{ id: string }>().id}` })).json()).toMatchObject({ kind: 'scan-image' });
      expect((await h.call('viewer', { method: 'GET', url: '/api/v1/jobs/stats' })).json()).toMatchObject({ queued: 2 });
      expect((await h.call('scanner', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-image' } })).json()).toMatchObject({ error: { field: 'body.reference' } });
    });

    it('writes an audit row for every request: time, source IP, method, action, principal, result; and an audit event', async () => {
      const outer = h;
      h = await apiHarness(store!);
      onTestFinished(async () => {
        await h.close();
        h = outer;
      });
      await h.call('viewer', { method: 'GET', url: '/api/v1/images' });
      await h.call('viewer', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-repository', repository: REF } });
      await h.call('anonymous', { method: 'GET', url: '/api/v1/images' });
      await h.call('scanner', { method: 'GET', url: '/api/v1/no-such-route' });
      await h.call(`skt_000000000000.${'A'.repeat(43)}`, { method: 'GET', url: '/api/v1/images' });
      const rows = await auditRows(h, 5);
      // rows are written after each answer, so their order may differ from the requests'
      const seen = (list: unknown[][]) => list.map((x) => JSON.stringify(x)).sort();
      expect(seen(rows.map((r) => [r.method, r.action, r.principal, r.result, r.details['status']]))).toEqual(
        seen([
          ['GET', 'images.list', 'viewer', 'success', 200],
          ['POST', 'jobs.enqueue', 'viewer', 'denied', 403],
          ['GET', 'images.list', 'anonymous', 'denied', 401],
          ['GET', 'unmatched', 'anonymous', 'failure', 404],
          ['GET', 'images.list', 'anonymous', 'denied', 401],
        ]),
      );
      expect(rows.every((r) => r.sourceIp === '127.0.0.1' && !Number.isNaN(Date.parse(r.at)))).toBe(true);
      expect(rows.find((r) => r.result === 'denied' && r.details['status'] === 401)?.details['denial']).toBe('unknown token');
      expect(rows.find((r) => r.details['status'] === 404)?.details['error']).toEqual({ code: 'NOT_FOUND' });
      expect(rows.find((r) => r.details['status'] === 403)?.details['error']).toEqual({ code: 'FORBIDDEN' });
      const audit = await h.call('admin', { method: 'GET', url: '/api/v1/audit?principal=viewer' });
      expect(audit.json<{ items: unknown[] }>().items).toHaveLength(2);
      expect(h.events.filter((e) => e.kind === 'audit').length).toBeGreaterThanOrEqual(5);
      expect(h.events.find((e) => e.kind === 'audit' && e.action === 'POST jobs.enqueue')).toMatchObject({
        result: 'denied',
        schema: 'sekisho.event/v1',
        source: { component: 'server' },
        principal: 'viewer',
        sourceIp: '127.0.0.1',
      });
    });

    it('issues tokens (admin), shows the secret once, stores only its hash, honours revocation; the bootstrap token works', async () => {
      await open();
      const created = await h.call('bootstrap-token-for-tests-0123456789abcdef', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci-bot', role: 'scanner' } });
      expect(created.statusCode, created.body).toBe(201);
      const { token, record } = created.json<{ token: string; record: { id: string; role: string } }>();
      expect(token).toMatch(/^skt_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
      expect(record.role).toBe('scanner');
      expect(await h.storedText()).not.toContain(token.split('.')[1]);
      expect((await h.call(token, { method: 'GET', url: '/api/v1/images' })).statusCode).toBe(200);
      const listed = await h.call('admin', { method: 'GET', url: '/api/v1/tokens' });
      expect(listed.body).not.toContain(token.split('.')[1]);
      expect(listed.json<{ items: { name: string }[] }>().items.map((t) => t.name)).toContain('ci-bot');
      expect((await h.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci-bot', role: 'viewer' } })).statusCode).toBe(409);
      expect((await h.call('admin', { method: 'POST', url: `/api/v1/tokens/${record.id}/revoke` })).json()).toMatchObject({ revokedBy: 'admin' });
      const revoked = await h.call(token, { method: 'GET', url: '/api/v1/images' });
      expect(revoked.statusCode).toBe(401);
      expect(revoked.headers['www-authenticate']).toBe('Bearer');
      // the same id with another secret is refused
      const forged = `${token.split('.')[0]}.${'B'.repeat(43)}`;
      expect((await h.call(forged, { method: 'GET', url: '/api/v1/images' })).statusCode).toBe(401);
      const expiring = await h.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'old', role: 'viewer', expiresAt: '2000-01-01T00:00:00Z' } });
      expect((await h.call(expiring.json<{ token: string }>().token, { method: 'GET', url: '/api/v1/images' })).json()).toMatchObject({
        error: { message: expect.stringMatching(/^token expired/) as unknown },
      });
    });

    it('never stores or answers a pushed secret whole', async () => {
      await open();
      const key = 'AKIAZ3MXQ7RDLW5PQ2TN';
      const token = 'ghp_Q8vR2mX9kL4pT7wZ3nB6yH1cF5dJ0sA8eG2u';
      const d = digestOf(6);
      const push = await h.call('scanner', {
        method: 'POST',
        url: '/api/v1/scans',
        payload: report({ digest: d, reference: `${REF}:secret`, findings: [secret('/app/.env', key)], env: [`GITHUB_TOKEN=${token}`] }),
      });
      expect(push.statusCode, push.body).toBe(201);
      const scanId = push.json<{ scan: { id: string } }>().scan.id;
      const bodies = [push.body];
      for (const url of [`/api/v1/findings?digest=${d}`, `/api/v1/scans/${scanId}/report`, `/api/v1/scans?digest=${d}`, '/api/v1/audit']) {
        const r = await h.call('admin', { method: 'GET', url });
        expect(r.statusCode).toBe(200);
        bodies.push(r.body);
      }
      await auditRows(h, 5);
      const all = [...bodies, await h.storedText(), JSON.stringify(h.events)].join('\n');
      expect(all).toContain('AKIA…(20 chars)');
      expect(all).not.toContain(key);
      expect(all).not.toContain(token);
    });
  });
}

async function findingCount(h: ApiHarness, digest: string, environment: string): Promise<number> {
  const r = await h.call('viewer', { method: 'GET', url: `/api/v1/findings?digest=${digest}&environment=${environment}` });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ items: unknown[] }>().items.length;
}
