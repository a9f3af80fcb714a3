import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionController } from '../controller.js';
import { fixtureRequest, testPolicy } from '../testing/fixtures.js';
import { RegistryTagResolver } from './digests.js';

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 },
    layers: [],
  }),
);
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

/** A registry on loopback (plain HTTP, as --insecure-registry allows): one tag, one silent tag. */
function fakeRegistry(): Server {
  return createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') {
      res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' });
      res.end('{}');
    } else if (url === '/v2/shop/web/manifests/1.4') {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': DIGEST, 'content-length': MANIFEST.length });
      res.end(req.method === 'HEAD' ? undefined : MANIFEST);
    } else if (url === '/v2/shop/web/manifests/hangs') {
      // never answers
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    }
  });
}

describe('tag → digest through the registry client', () => {
  const server = fakeRegistry();
  let host: string;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('resolves a tag to the digest the registry names, and refuses an unknown tag', async () => {
    const resolver = new RegistryTagResolver({ insecureRegistries: [host], dockerConfig: null, env: {} });
    expect(await resolver.resolve(`${host}/shop/web:1.4`, AbortSignal.timeout(5000))).toBe(DIGEST);
    await expect(resolver.resolve(`${host}/shop/web:9.9`, AbortSignal.timeout(5000))).rejects.toThrow();
  });

  it('a registry that never answers is cut at the request deadline; onError decides', async () => {
    const resolver = new RegistryTagResolver({ insecureRegistries: [host], dockerConfig: null, env: {} });
    const verdicts = { name: 'never-reached', lookup: () => Promise.reject(new Error('not reached')) };
    const controller = new AdmissionController({ policy: testPolicy(), tags: resolver, verdicts, budgetMs: 300 });
    const request = fixtureRequest('pod-create-restricted.json', 'scanned');
    const object = structuredClone(request.object) as { spec: { containers: { image: string }[] } };
    object.spec.containers[0]!.image = `${host}/shop/web:hangs`;
    const started = Date.now();
    const out = await controller.review({ ...request, object: object }, 'validate');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.message).toContain('resolving the tag to a digest failed');
  });
});
