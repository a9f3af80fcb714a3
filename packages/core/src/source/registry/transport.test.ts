import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from './transport.js';

let server: Server | null = null;

let proxy: Server | null = null;

afterEach(async () => {
  for (const s of [server, proxy]) {
    s?.closeAllConnections();
    await new Promise((resolve) => s?.close(resolve) ?? resolve(undefined));
  }
  server = null;
  proxy = null;
});

/** A forward proxy (CONNECT tunnels and absolute-form requests) that counts what it carries. */
async function countingProxy(): Promise<{ readonly url: string; readonly carried: () => number }> {
  let carried = 0;
  proxy = createServer((req, res) => {
    carried++;
    const upstream = request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req, client, head) => {
    carried++;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, carried: () => carried };
}

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

describe('Transport proxies', () => {
  // Without a proxy requests go straight out over node:http; with one, through undici's
  // EnvHttpProxyAgent, which also applies NO_PROXY.
  const ping = async (env: Record<string, string>): Promise<number> => {
    const transport = new Transport({ env, retries: 1 });
    try {
      const res = await transport.send({ method: 'GET', url: registryUrl, kind: 'ping' });
      await res.body.dump();
      return res.status;
    } finally {
      await transport.close();
    }
  };
  let registryUrl = new URL('http://127.0.0.1:1/');

  it('sends requests through HTTP_PROXY, not around it', async () => {
    registryUrl = await plainRegistry();
    const { url, carried } = await countingProxy();
    expect(await ping({ HTTP_PROXY: url })).toBe(200);
    expect(carried()).toBe(1);
    expect(await ping({ http_proxy: url })).toBe(200);
    expect(carried()).toBe(2);
  });

  it('goes straight to hosts NO_PROXY names, and everywhere when no proxy is set', async () => {
    registryUrl = await plainRegistry();
    const { url, carried } = await countingProxy();
    expect(await ping({ HTTP_PROXY: url, NO_PROXY: '127.0.0.1' })).toBe(200);
    expect(await ping({})).toBe(200);
    expect(carried()).toBe(0);
  });
});
