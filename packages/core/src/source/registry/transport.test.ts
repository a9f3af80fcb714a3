import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from './transport.js';

let server: Server | null = null;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function plainRegistry(): Promise<URL> {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new URL(`http://127.0.0.1:${port}/v2/`);
}

describe('Transport TLS material', () => {
  // Reading the CA store and building a TLS context is the dearest part of a plain-HTTP scan's
  // set-up; a registry named with http:// never uses it.
  it('reads CA files only for TLS connections', async () => {
    const transport = new Transport({ caCertFiles: ['/nonexistent/ca.pem'], retries: 1 });
    try {
      const res = await transport.send({ method: 'GET', url: await plainRegistry(), kind: 'ping' });
      await res.body.dump();
      expect(res.status).toBe(200);
      await expect(transport.send({ method: 'GET', url: new URL('https://127.0.0.1:1/v2/'), kind: 'ping' })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
        message: expect.stringContaining('/nonexistent/ca.pem') as string,
      });
    } finally {
      await transport.close();
    }
  });

  it('checks a client certificate and its key are given together before any TLS connection', async () => {
    const transport = new Transport({ clientCertFile: '/nonexistent/cert.pem', retries: 1 });
    try {
      await expect(transport.send({ method: 'GET', url: new URL('https://127.0.0.1:1/v2/'), kind: 'ping' })).rejects.toMatchObject({
        code: 'USAGE_INVALID',
        message: expect.stringContaining('needs its key') as string,
      });
    } finally {
      await transport.close();
    }
  });
});
