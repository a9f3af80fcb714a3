import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionController } from './controller.js';
import { createAdmissionServer, timeoutOf, type AdmissionServer } from './server.js';
import { makeCertificate, type TestCertificate } from './testing/certs.js';
import { reviewJson, testPolicy } from './testing/fixtures.js';

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly fingerprint256: string;
}

/** One request on a fresh TLS connection, trusting only the given CAs. */
function post(port: number, ca: readonly string[], urlPath: string, body: string | Buffer | null, method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        ca: [...ca],
        servername: 'localhost',
        agent: false,
        headers: body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const socket = res.socket;
        const fingerprint256 = socket instanceof TLSSocket ? socket.getPeerCertificate().fingerprint256 : '';
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint256 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.end(body ?? undefined);
  });
}

describe('admission server over HTTPS on loopback', () => {
  let dir: string;
  let first: TestCertificate;
  let second: TestCertificate;
  let server: AdmissionServer;
  let port: number;
  const certFile = (): string => path.join(dir, 'tls.crt');
  const keyFile = (): string => path.join(dir, 'tls.key');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sekisho-admission-'));
    [first, second] = await Promise.all([makeCertificate('sekisho-admission-a'), makeCertificate('sekisho-admission-b')]);
    await writeFile(certFile(), first.cert);
    await writeFile(keyFile(), first.key);
    const controller = new AdmissionController({ policy: testPolicy() });
    server = await createAdmissionServer({ controller, certFile: certFile(), keyFile: keyFile(), host: '127.0.0.1', port: 0, reloadIntervalMs: 60_000 });
    port = (await server.listen()).port;
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers an AdmissionReview with the uid echoed, and serves /healthz and /metrics', async () => {
    const review = reviewJson('deployment-create-privileged.json');
    const reply = await post(port, [first.cert], '/validate?timeout=10s', JSON.stringify(review));
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as { apiVersion: string; kind: string; response: { uid: string; allowed: boolean; status: { code: number } } };
    expect(body).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: (review['request'] as { uid: string }).uid, allowed: false, status: { code: 403 } } });
    expect((await post(port, [first.cert], '/healthz', null, 'GET')).status).toBe(200);
    const metrics = await post(port, [first.cert], '/metrics', null, 'GET');
    expect(metrics.body).toContain('sekisho_admission_requests_total{endpoint="validate",result="denied"} 1');
    expect(metrics.body).toContain('sekisho_admission_request_duration_seconds_bucket');
    expect((await post(port, [first.cert], '/nope', null, 'GET')).status).toBe(404);
    expect((await post(port, [first.cert], '/validate', null, 'GET')).status).toBe(405);
  });

  it('refuses TLS older than 1.2', async () => {
    const error = await new Promise<Error | null>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.1', minVersion: 'TLSv1', ca: [first.cert], servername: 'localhost' }, () => {
        socket.destroy();
        resolve(null);
      });
      socket.on('error', resolve);
    });
    expect(error).not.toBeNull();
  });

  it('refuses hostile bodies with a clear status, and keeps serving', async () => {
    const huge = Buffer.alloc(8 * 1024 * 1024, 0x20);
    const tooBig = await post(port, [first.cert], '/validate', huge).catch((e: unknown) => ({ status: -1, body: String(e), fingerprint256: '' }));
    // the server answers 413 before reading it all (the client may see the connection closed first)
    expect([413, -1]).toContain(tooBig.status);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepReply = await post(port, [first.cert], '/validate', deep);
    expect(deepReply.status).toBe(400);
    expect(deepReply.body).toContain('nested deeper');
    expect((await post(port, [first.cert], '/validate', '{"apiVersion":')).status).toBe(400);
    const notReview = await post(port, [first.cert], '/validate', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }));
    expect(notReview.status).toBe(400);
    expect(notReview.body).toContain('not an admission.k8s.io/v1 AdmissionReview');
    const unknown = await post(port, [first.cert], '/validate', JSON.stringify(reviewJson('configmap-create.json')));
    expect(JSON.parse(unknown.body)).toMatchObject({ response: { allowed: true } });

    const review = reviewJson('pod-create-restricted.json') as { request: { object: { spec: { containers: object[] } } } };
    const container = review.request.object.spec.containers[0]!;
    review.request.object.spec.containers = Array.from({ length: 5000 }, (_, i) => ({ ...container, name: `c${i}` }));
    const many = await post(port, [first.cert], '/validate', JSON.stringify(review));
    expect(many.status).toBe(200);
    expect(JSON.parse(many.body)).toMatchObject({ response: { allowed: false } });
    expect((await post(port, [first.cert], '/healthz', null, 'GET')).status).toBe(200);
  });

  it('rotates its certificate while requests flow: no request fails, new connections get the new certificate', async () => {
    const body = JSON.stringify(reviewJson('pod-create-restricted.json'));
    const both = [first.cert, second.cert];
    const seen = new Set<string>();
    const failures: string[] = [];
    let stop = false;
    const worker = async (): Promise<number> => {
      let n = 0;
      while (!stop) {
        try {
          const reply = await post(port, both, '/validate', body);
          if (reply.status !== 200 || !reply.body.includes('"allowed":true')) failures.push(`${reply.status} ${reply.body.slice(0, 100)}`);
          seen.add(reply.fingerprint256);
          n++;
        } catch (error) {
          failures.push(String(error));
        }
      }
      return n;
    };
    const workers = [worker(), worker(), worker(), worker()];
    await new Promise((r) => setTimeout(r, 150));
    // cert-manager writes the key and the certificate one after the other: the half-written pair is refused
    await writeFile(keyFile(), second.key);
    expect(await server.reloadCertificate()).toBe(false);
    await writeFile(certFile(), second.cert);
    expect(await server.reloadCertificate()).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    const counts = await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(8);
    expect(seen).toEqual(new Set([first.fingerprint256, second.fingerprint256]));
    expect((await post(port, [second.cert], '/healthz', null, 'GET')).fingerprint256).toBe(second.fingerprint256);
    const metrics = await post(port, [second.cert], '/metrics', null, 'GET');
    expect(metrics.body).toContain('sekisho_admission_certificate_reloads_total{outcome="loaded"} 1');
    expect(metrics.body).toContain('sekisho_admission_certificate_reloads_total{outcome="invalid"} 1');
  });

  it('reads the API server’s timeout query', () => {
    expect(timeoutOf('/validate?timeout=10s')).toBe(10_000);
    expect(timeoutOf('/validate?x=1&timeout=2500ms')).toBe(2500);
    expect(timeoutOf('/validate')).toBeUndefined();
  });
});

describe('a graceful stop', () => {
  /** A server of its own, so draining it leaves the other tests' server alone. */
  async function start(): Promise<{ server: AdmissionServer; port: number; cert: TestCertificate; dir: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'sekisho-admission-drain-'));
    const cert = await makeCertificate('sekisho-admission-drain');
    await writeFile(path.join(dir, 'tls.crt'), cert.cert);
    await writeFile(path.join(dir, 'tls.key'), cert.key);
    const server = await createAdmissionServer({
      controller: new AdmissionController({ policy: testPolicy() }),
      certFile: path.join(dir, 'tls.crt'),
      keyFile: path.join(dir, 'tls.key'),
      host: '127.0.0.1',
      port: 0,
    });
    return { server, port: (await server.listen()).port, cert, dir };
  }

  /** Sends the headers and half the body of a review, so the request stays in flight until `finish`. */
  function halfSent(port: number, ca: string, body: string): { reply: Promise<Reply>; finish: () => void } {
    const bytes = Buffer.from(body);
    let finish = (): void => {};
    const reply = new Promise<Reply>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/validate',
          method: 'POST',
          ca: [ca],
          servername: 'localhost',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': bytes.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint256: '' }));
        },
      );
      req.on('error', reject);
      req.write(bytes.subarray(0, bytes.length >> 1));
      finish = () => req.end(bytes.subarray(bytes.length >> 1));
    });
    return { reply, finish };
  }

  it('fails readiness first, keeps answering through the delay, then refuses new connections and lets a review in flight finish', async () => {
    const { server, port, cert, dir } = await start();
    try {
      const body = JSON.stringify(reviewJson('deployment-create-privileged.json'));
      const inFlight = halfSent(port, cert.cert, body);
      inFlight.reply.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      const drained = server.drain({ delayMs: 400, graceMs: 5000 });
      expect((await post(port, [cert.cert], '/readyz', null, 'GET')).status).toBe(503);
      expect((await post(port, [cert.cert], '/healthz', null, 'GET')).status).toBe(200);
      expect((await post(port, [cert.cert], '/validate', body)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 600));
      await expect(post(port, [cert.cert], '/validate', body)).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
      inFlight.finish();
      const reply = await inFlight.reply;
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ response: { allowed: false } });
      expect(await drained).toBe(0);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts a request that does not finish within the grace period and says so', async () => {
    const { server, port, cert, dir } = await start();
    try {
      const stuck = halfSent(port, cert.cert, JSON.stringify(reviewJson('deployment-create-privileged.json')));
      stuck.reply.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      expect(await server.drain({ delayMs: 0, graceMs: 300 })).toBe(1);
      expect(Date.now() - started).toBeLessThan(3000);
      await expect(stuck.reply).rejects.toThrow();
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
