/**
 * The API's edges: malformed input is a 400 naming the field (never a 500 or a stack), unknown
 * routes are 404 JSON, bodies are bounded, every mutating route enforces its role, the OpenAPI
 * document is valid OpenAPI 3.1, probes and metrics answer.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { ApiRole } from '@sekisho/model';
import { API_ROLES, createEvent } from '@sekisho/model';
import type { InjectOptions } from 'fastify';
import { noiseBytes } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, report } from '../repository/testing/reports.js';
import { apiHarness } from './testing/harness.js';
import type { ApiHarness } from './testing/harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ kind: 'sqlite' }, { maxReportBytes: 256 * 1024 });
});
afterAll(async () => h.close());

const D = digestOf(1);
const valid = report({ digest: D });

interface BadInput {
  readonly name: string;
  readonly request: InjectOptions;
  readonly status: number;
  /** The field the error names, when the input had one. */
  readonly field?: string;
}

const BAD: readonly BadInput[] = [
  { name: 'report that is not JSON', request: { method: 'POST', url: '/api/v1/scans', headers: { 'content-type': 'application/json' }, payload: '{"schema": ' }, status: 400, field: 'body' },
  { name: 'report without target', request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, target: undefined } }, status: 400, field: 'body.target' },
  {
    name: 'report with a bad digest',
    request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, target: { ...valid.target, manifestDigest: 'sha256:zz' } } },
    status: 400,
    field: 'body.target.manifestDigest',
  },
  { name: 'report of another schema', request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, schema: 'other/v9' } }, status: 400, field: 'body.schema' },
  {
    name: 'finding with an unknown severity',
    request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, findings: [{ id: 'x', kind: 'vulnerability', ruleId: 'r', title: 't', severity: 'apocalyptic', location: null }] } },
    status: 400,
    field: 'body.findings.0.severity',
  },
  { name: 'packages not an array', request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, packages: 'many' } }, status: 400, field: 'body.packages' },
  { name: 'report with neither digest', request: { method: 'POST', url: '/api/v1/scans', payload: { ...valid, target: { ...valid.target, manifestDigest: null } } }, status: 400 },
  { name: 'dbVersion with spaces', request: { method: 'POST', url: '/api/v1/scans?dbVersion=a%20b', payload: valid }, status: 400, field: 'querystring.dbVersion' },
  { name: 'a report as text', request: { method: 'POST', url: '/api/v1/scans', headers: { 'content-type': 'text/plain' }, payload: 'hello' }, status: 400, field: 'body' },
  { name: 'a report as XML', request: { method: 'POST', url: '/api/v1/scans', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, status: 415 },
  { name: 'findings without digest', request: { method: 'GET', url: '/api/v1/findings' }, status: 400, field: 'querystring.digest' },
  { name: 'findings with a bad severity', request: { method: 'GET', url: `/api/v1/findings?digest=${D}&severity=urgent` }, status: 400, field: 'querystring.severity.0' },
  { name: 'findings with kev=maybe', request: { method: 'GET', url: `/api/v1/findings?digest=${D}&kev=maybe` }, status: 400, field: 'querystring.kev' },
  { name: 'findings with an unknown filter', request: { method: 'GET', url: `/api/v1/findings?digest=${D}&colour=red` }, status: 400, field: 'querystring.colour' },
  { name: 'findings with a date that is not one', request: { method: 'GET', url: `/api/v1/findings?digest=${D}&firstSeenFrom=yesterday` }, status: 400, field: 'querystring.firstSeenFrom' },
  { name: 'a cursor of another list', request: { method: 'GET', url: `/api/v1/findings?digest=${D}&cursor=bm90LWEtY3Vyc29y` }, status: 400 },
  { name: 'limit 0', request: { method: 'GET', url: '/api/v1/images?limit=0' }, status: 400, field: 'querystring.limit' },
  { name: 'limit 100000', request: { method: 'GET', url: '/api/v1/images?limit=100000' }, status: 400, field: 'querystring.limit' },
  { name: 'limit abc', request: { method: 'GET', url: '/api/v1/images?limit=abc' }, status: 400, field: 'querystring.limit' },
  { name: 'image with a bad digest', request: { method: 'GET', url: '/api/v1/images/not-a-digest' }, status: 400, field: 'params.digest' },
  { name: 'trend bucket month', request: { method: 'GET', url: `/api/v1/trends?digest=${D}&bucket=month` }, status: 400, field: 'querystring.bucket' },
  {
    name: 'exception without owner',
    request: { method: 'POST', url: '/api/v1/exceptions', payload: { match: { id: 'CVE-1' }, reason: 'r', expires: '2030-01-01' } },
    status: 400,
    field: 'body.owner',
  },
  {
    name: 'exception with a bad date',
    request: { method: 'POST', url: '/api/v1/exceptions', payload: { match: { id: 'CVE-1' }, owner: 'o', reason: 'r', expires: '2030-02-31x' } },
    status: 400,
    field: 'body.expires',
  },
  {
    name: 'exception naming id and rule',
    request: { method: 'POST', url: '/api/v1/exceptions', payload: { match: { id: 'CVE-1', rule: 'r' }, owner: 'o', reason: 'r', expires: '2030-01-01' } },
    status: 400,
    field: 'body.match',
  },
  {
    name: 'exception with an unknown match key',
    request: { method: 'POST', url: '/api/v1/exceptions', payload: { match: { id: 'CVE-1', everything: true }, owner: 'o', reason: 'r', expires: '2030-01-01' } },
    status: 400,
    field: 'body.match.everything',
  },
  { name: 'job of an unknown kind', request: { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'mine-bitcoin' } }, status: 400, field: 'body.kind' },
  { name: 'job as an array', request: { method: 'POST', url: '/api/v1/jobs', payload: [1, 2] }, status: 400, field: 'body' },
  {
    name: 'job with __proto__',
    request: { method: 'POST', url: '/api/v1/jobs', headers: { 'content-type': 'application/json' }, payload: '{"kind":"scan-repository","repository":"r","__proto__":{"admin":true}}' },
    status: 400,
  },
  { name: 'evaluation of a malformed digest', request: { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: '../../etc/passwd' } }, status: 400, field: 'body.digest' },
  { name: 'token with an unknown role', request: { method: 'POST', url: '/api/v1/tokens', payload: { name: 'x', role: 'root' } }, status: 400, field: 'body.role' },
  { name: 'token name with spaces', request: { method: 'POST', url: '/api/v1/tokens', payload: { name: 'a b', role: 'viewer' } }, status: 400, field: 'body.name' },
  { name: 'compare without after', request: { method: 'GET', url: '/api/v1/compare?before=x' }, status: 400, field: 'querystring.after' },
  { name: 'harbor scan without artifact', request: { method: 'POST', url: '/harbor/api/v1/scan', payload: { registry: { url: 'https://r.example' } } }, status: 422 },
];

describe('malformed input', () => {
  it.each(BAD)('$name → $status', async ({ request, status, field }) => {
    const r = await h.call('admin', request);
    expect(r.statusCode, r.body).toBe(status);
    expect(r.headers['content-type']).toMatch(/json/);
    const body = r.json<{ error: { message: string; field?: string } }>();
    expect(body.error.message.length).toBeGreaterThan(0);
    if (field !== undefined) expect(body.error.field ?? body.error.message).toContain(field);
    expect(r.body).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|stack/);
  });

  it('answers unknown routes with 404 JSON and refuses bodies over the limit with 413', async () => {
    const missing = await h.call('anonymous', { method: 'GET', url: '/api/v2/nothing?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v2/nothing' } });
    expect(missing.headers['x-request-id']).toBe(missing.json<{ error: { requestId: string } }>().error.requestId);
    const big = await h.call('scanner', { method: 'POST', url: '/api/v1/scans', payload: { ...valid, packages: [], padding: 'x'.repeat(300 * 1024) } });
    expect(big.statusCode).toBe(413);
    const bigJob = await h.call('scanner', { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-repository', repository: 'r'.repeat(2 * 1024 * 1024) } });
    expect(bigJob.statusCode).toBe(413);
  });

  it('never answers 500 to hostile bodies on any mutating route (noise, deep nesting, wrong shapes)', async () => {
    const bodies: string[] = [
      noiseBytes(2048, 7).toString('latin1'),
      '['.repeat(5000) + ']'.repeat(5000),
      JSON.stringify({ a: 'x'.repeat(1000) }),
      'null',
      '"text"',
      '1e999',
      JSON.stringify({ ...valid, findings: [{ ...valid.findings[0], id: 1 }], packages: [null] }),
      JSON.stringify({ ...valid, target: { ...valid.target, reference: '' } }),
      JSON.stringify({ constructor: { prototype: { admin: true } } }),
    ];
    for (const { request } of Object.values(MUTATING)) {
      for (const [i, payload] of bodies.entries()) {
        const r = await h.call('admin', { method: request.method, url: request.url, headers: { 'content-type': 'application/json' }, payload });
        const url = typeof request.url === 'string' ? request.url : JSON.stringify(request.url);
        expect(r.statusCode, `${url} body ${i}: ${r.body}`).toBeLessThan(500);
        expect(r.statusCode, `${url} body ${i}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('turns an unexpected failure into a 500 that says nothing about the code', async () => {
    h.queue.broken = true;
    try {
      const r = await h.call('viewer', { method: 'GET', url: '/api/v1/jobs/stats' });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: { code: 'INTERNAL', message: expect.stringMatching(/^internal error/) as unknown, requestId: expect.any(String) as unknown } });
      expect(r.body).not.toContain('queue unreachable');
    } finally {
      h.queue.broken = false;
    }
  });
});

/** The least role of every mutating route, and a request that passes validation. */
const MUTATING: Readonly<Record<string, { role: ApiRole; request: InjectOptions }>> = {
  'POST /api/v1/scans': { role: 'scanner', request: { method: 'POST', url: '/api/v1/scans', payload: valid } },
  'POST /api/v1/policy/evaluate': { role: 'scanner', request: { method: 'POST', url: '/api/v1/policy/evaluate', payload: { digest: D } } },
  'POST /api/v1/exceptions': { role: 'scanner', request: { method: 'POST', url: '/api/v1/exceptions', payload: { match: { id: 'CVE-1' }, owner: 'o', reason: 'r', expires: '2030-01-01' } } },
  'POST /api/v1/exceptions/{id}/approve': { role: 'approver', request: { method: 'POST', url: '/api/v1/exceptions/none/approve' } },
  'POST /api/v1/exceptions/{id}/expire': { role: 'approver', request: { method: 'POST', url: '/api/v1/exceptions/none/expire' } },
  'POST /api/v1/jobs': { role: 'scanner', request: { method: 'POST', url: '/api/v1/jobs', payload: { kind: 'scan-repository', repository: 'r.example/x' } } },
  'POST /api/v1/tokens': { role: 'admin', request: { method: 'POST', url: '/api/v1/tokens', payload: { name: 'new-one', role: 'viewer' } } },
  'POST /api/v1/tokens/{id}/revoke': { role: 'admin', request: { method: 'POST', url: '/api/v1/tokens/none/revoke' } },
  'POST /api/v1/events': {
    role: 'scanner',
    request: {
      method: 'POST',
      url: '/api/v1/events',
      payload: createEvent({ kind: 'test', severity: 'low', source: { component: 'cli', instance: 't' }, subject: { type: 'system', id: 's' }, action: 'test', result: 'info' }),
    },
  },
  'POST /api/v1/config-audits': {
    role: 'scanner',
    request: {
      method: 'POST',
      url: '/api/v1/config-audits?cluster=c1',
      payload: { schema: 'sekisho.config-audit/v1', tool: { name: 'sekisho', version: 't' }, status: 'complete', statusReasons: [], workloads: [], findings: [] },
    },
  },
  'POST /api/v1/incidents/{id}/acknowledge': { role: 'approver', request: { method: 'POST', url: '/api/v1/incidents/none/acknowledge' } },
  'POST /api/v1/incidents/{id}/resolve': { role: 'approver', request: { method: 'POST', url: '/api/v1/incidents/none/resolve' } },
  'POST /api/v1/incidents/{id}/assign': { role: 'approver', request: { method: 'POST', url: '/api/v1/incidents/none/assign', payload: { owner: 'alice' } } },
  'POST /api/v1/incidents/{id}/notes': { role: 'scanner', request: { method: 'POST', url: '/api/v1/incidents/none/notes', payload: { text: 'x' } } },
  'POST /harbor/api/v1/scan': {
    role: 'scanner',
    request: { method: 'POST', url: '/harbor/api/v1/scan', payload: { registry: { url: 'https://r.example' }, artifact: { repository: 'library/app', digest: D } } },
  },
};

describe('roles', () => {
  it('every mutating route of the OpenAPI document is in the role table', async () => {
    const doc = (await h.call('anonymous', { method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const mutating = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'get' && m !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(mutating.sort()).toEqual(Object.keys(MUTATING).sort());
  });

  it.each(Object.entries(MUTATING))('%s: refused below its role, allowed from it', async (_route, { role, request }) => {
    expect((await h.call('anonymous', request)).statusCode).toBe(401);
    for (const r of API_ROLES) {
      const res = await h.call(r, request);
      if (API_ROLES.indexOf(r) < API_ROLES.indexOf(role)) {
        expect(res.statusCode, `${r}: ${res.body}`).toBe(403);
        expect(res.json<{ error: { message: string } }>().error.message).toMatch(/needs the \w+ role/);
      } else {
        expect([401, 403], `${r}: ${res.body}`).not.toContain(res.statusCode);
      }
    }
  });

  it('reads need a token; the audit log and tokens need admin', async () => {
    expect((await h.call('anonymous', { method: 'GET', url: '/api/v1/images' })).statusCode).toBe(401);
    expect((await h.call('viewer', { method: 'GET', url: '/api/v1/images' })).statusCode).toBe(200);
    expect((await h.call('approver', { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
    expect((await h.call('approver', { method: 'GET', url: '/api/v1/tokens' })).statusCode).toBe(403);
    expect((await h.call('admin', { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(200);
    expect((await h.call('viewer', { method: 'GET', url: '/api/v1/images', headers: { authorization: 'Basic dXNlcjpwYXNz' } })).statusCode).toBe(401);
  });
});

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and documents the routes with their schemas', async () => {
    const r = await h.call('anonymous', { method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[]; responses?: Record<string, unknown> }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.paths['/api/v1/findings']?.['get']?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['digest', 'severity', 'kev', 'fixable', 'firstSeenFrom', 'environment']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/images/{digest}', '/api/v1/trends', '/harbor/api/v1/scan/{scan_request_id}/report']));
  });
});

describe('probes and metrics', () => {
  it('answers /healthz, /readyz (503 when the queue is down) and /metrics without a token', async () => {
    expect((await h.call('anonymous', { method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.call('anonymous', { method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    h.queue.broken = true;
    try {
      expect((await h.call('anonymous', { method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      h.queue.broken = false;
    }
    await h.call('scanner', { method: 'POST', url: '/api/v1/scans', payload: report({ digest: digestOf(77) }) });
    await h.queue.enqueue('scan-image', { reference: 'r.example/a:1' });
    const metrics = await h.call('anonymous', { method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^sekisho_queue_jobs\{state="queued"\} [1-9]/m);
    expect(metrics.body).toMatch(/^sekisho_scans_recorded_total [1-9]/m);
    expect(metrics.body).toMatch(/^sekisho_advisory_db_age_seconds nan$/im);
    expect(metrics.body).toMatch(/^sekisho_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/scans".*\}/m);
  });
});
