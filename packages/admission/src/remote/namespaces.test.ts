import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate } from '../testing/certs.js';
import { InClusterNamespaceLabels } from './namespaces.js';

describe('namespace labels from the API server (in cluster)', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sekisho-sa-'));
    const cert = await makeCertificate('kubernetes');
    await writeFile(path.join(dir, 'ca.crt'), cert.cert);
    await writeFile(path.join(dir, 'token'), 'sa-token\n');
    server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      seen.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}`);
      if (req.url === '/api/v1/namespaces/shop') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted', stage: 'prod', weird: 5 } } }));
      } else if (req.url === '/api/v1/namespaces/locked') {
        res.writeHead(403);
        res.end('{}');
      } else {
        res.writeHead(404);
        res.end('{}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads labels with the service account token over TLS verified by its CA', async () => {
    const source = new InClusterNamespaceLabels({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) }, serviceAccountDir: dir });
    expect(await source.labels('shop', AbortSignal.timeout(5000))).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted', stage: 'prod' });
    expect(seen).toContain('/api/v1/namespaces/shop Bearer sa-token');
    expect(await source.labels('gone', AbortSignal.timeout(5000))).toBeNull();
    await expect(source.labels('locked', AbortSignal.timeout(5000))).rejects.toThrow('403');
    expect(await source.labels('../secrets', AbortSignal.timeout(5000))).toBeNull();
  });

  it('refuses to start outside a pod', () => {
    expect(() => new InClusterNamespaceLabels({ env: {} })).toThrow('KUBERNETES_SERVICE_HOST');
  });
});
