import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionController } from '../controller.js';
import { fixtureRequest, testPolicy } from '../testing/fixtures.js';
import { HttpVerdictSource } from './verdicts.js';

const SCANNED = `sha256:${'a'.repeat(64)}`;
const OTHER_ENV = `sha256:${'c'.repeat(64)}`;
const BROKEN = `sha256:${'d'.repeat(64)}`;
const FAILING = `sha256:${'e'.repeat(64)}`;
const SLOW = `sha256:${'f'.repeat(64)}`;
const HUGE = `sha256:${'1'.repeat(64)}`;

function decision(environment: string, result: 'pass' | 'fail'): object {
  return {
    schema: 'sekisho.decision/v1',
    policy: 'acme',
    environment,
    result,
    score: 50,
    grade: 'C',
    rules:
      result === 'pass'
        ? []
        : [{ id: 'no-critical', kind: 'vulnerabilities', action: 'fail', status: 'violated', outcome: 'fail', message: '2 critical', evidence: [], evidenceCount: 0, excepted: 0, weight: 20 }],
    exceptions: { applied: [], expired: [] },
    evaluatedAt: '2026-12-01T00:00:00.000Z',
  };
}

/** What the fake server answers about an image or its decisions; null: it never answers. */
function imageAnswer(url: URL): [number, unknown] | null {
  const m = /^\/api\/v1\/images\/(sha256:[0-9a-f]{64})(\/decisions)?$/.exec(url.pathname);
  if (m === null) return [404, { error: 'not found' }];
  const [, digest = '', decisions] = m;
  if (digest === SLOW) return null;
  if (digest === FAILING) return [500, { error: 'database down' }];
  if (digest === HUGE) return [200, { pad: 'x'.repeat(5 * 1024 * 1024) }];
  if (![SCANNED, OTHER_ENV, BROKEN].includes(digest)) return [404, { error: 'no such image' }];
  if (decisions === undefined) return [200, { digest, lastScannedAt: '2026-12-01T00:00:00Z' }];
  if (digest === BROKEN) return [200, { items: [{ decision: { schema: 'something-else' } }] }];
  if (url.search !== '?limit=100') return [400, { error: `unexpected query ${url.search}` }];
  // newest first, several environments
  const items =
    digest === OTHER_ENV
      ? [{ digest, decision: decision('dev', 'fail') }]
      : [
          { digest, decision: decision('dev', 'pass') },
          { digest, decision: decision('prod', 'fail') },
          { digest, decision: decision('scanned', 'fail') },
          { digest, decision: decision('prod', 'pass') },
        ];
  return [200, { items, nextCursor: null }];
}

/** A stand-in for the server's /api/v1 on loopback. */
function fakeServer(log: string[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method ?? ''} ${url.pathname}${url.search} ${req.headers.authorization ?? ''}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/api/v1/jobs') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        log.push(`body ${body}`);
        json(202, { id: 'job-1' });
      });
      return;
    }
    const answer = imageAnswer(url);
    if (answer !== null) json(...answer);
  });
}

describe('HttpVerdictSource against a fake server on loopback', () => {
  const log: string[] = [];
  const server = fakeServer(log);
  let source: HttpVerdictSource;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    source = new HttpVerdictSource({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't0ken' });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const signal = (): AbortSignal => AbortSignal.timeout(2000);

  it('reads the stored decision of a digest for the environment, with the token', async () => {
    const verdict = await source.lookup(SCANNED, 'prod', signal());
    expect(verdict).toMatchObject({ kind: 'found', decision: { environment: 'prod', result: 'fail' }, scannedAt: '2026-12-01T00:00:00Z' });
    expect(log).toContain(`GET /api/v1/images/${SCANNED}/decisions?limit=100 Bearer t0ken`);
    expect(await source.lookup(SCANNED, 'dev', signal())).toMatchObject({ kind: 'found', decision: { environment: 'dev', result: 'pass' } });
  });

  it('a digest never scanned, or judged only for another environment, is missing', async () => {
    expect(await source.lookup(`sha256:${'9'.repeat(64)}`, 'prod', signal())).toMatchObject({ kind: 'missing' });
    expect(await source.lookup(OTHER_ENV, 'prod', signal())).toMatchObject({ kind: 'missing', why: expect.stringContaining('no decision for environment prod') as string });
  });

  it('a reply of the wrong shape, an error status or an oversized reply is an error, never a verdict', async () => {
    await expect(source.lookup(BROKEN, 'prod', signal())).rejects.toThrow('not a sekisho.decision/v1');
    await expect(source.lookup(FAILING, 'prod', signal())).rejects.toThrow('answered 500');
    await expect(source.lookup(HUGE, 'prod', signal())).rejects.toThrow('larger than');
    await expect(source.lookup('sha256:../../admin', 'prod', signal())).rejects.toThrow('not a digest');
  });

  it('asks for a scan with POST /api/v1/jobs (a scan-image job for the environment)', async () => {
    await source.requestScan(`registry.example.com/shop/web@${SCANNED}`, SCANNED, 'prod', signal());
    expect(log).toContain(`body ${JSON.stringify({ kind: 'scan-image', reference: `registry.example.com/shop/web@${SCANNED}`, digest: SCANNED, environment: 'prod' })}`);
  });

  it('through the controller: a failing or silent server gives a bounded decision per onError', async () => {
    const controller = new AdmissionController({ policy: testPolicy(), verdicts: source, budgetMs: 300 });
    const withImage = (digest: string, namespace: string): ReturnType<typeof fixtureRequest> => {
      const request = fixtureRequest('pod-create-restricted.json', namespace);
      const object = structuredClone(request.object) as { spec: { containers: { image: string }[] } };
      object.spec.containers[0]!.image = `registry.example.com/shop/web@${digest}`;
      return { ...request, object: object };
    };
    const started = Date.now();
    const slow = await controller.review(withImage(SLOW, 'scanned'), 'validate');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow.response.allowed).toBe(false);
    const failing = await controller.review(withImage(FAILING, 'scanned-lax'), 'validate');
    expect(failing.response.allowed).toBe(true);
    expect(failing.response.warnings?.join()).toContain('answered 500');
    const denied = await controller.review(withImage(SCANNED, 'scanned'), 'validate');
    expect(denied.response.status?.message).toContain('policy rule no-critical (vulnerabilities): 2 critical');
  });
});
