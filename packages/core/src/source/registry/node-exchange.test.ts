import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeExchange } from './node-exchange.js';
import type { NodeExchangeOptions } from './node-exchange.js';

let server: Server | null = null;
let agent: Agent | null = null;
let connections = 0;

afterEach(async () => {
  agent?.destroy();
  agent = null;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
  connections = 0;
  server = createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new URL(`http://127.0.0.1:${port}/v2/x`);
}

function options(extra: Partial<NodeExchangeOptions> = {}): NodeExchangeOptions {
  agent ??= new Agent({ keepAlive: true });
  return { request, agent, timeoutMs: 5_000, ...extra };
}

async function readAll(body: AsyncIterable<Buffer>, pauseMs = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk);
    if (pauseMs > 0 && chunks.length === 1) await sleep(pauseMs);
  }
  return Buffer.concat(chunks);
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('nodeExchange', () => {
  it('hands back status, body and headers, repeated ones as arrays', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('www-authenticate', ['Bearer realm="https://auth.example/token"', 'Basic realm="registry"']);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[]}');
    });
    const res = await nodeExchange(url, 'GET', {}, undefined, options());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toEqual(['Bearer realm="https://auth.example/token"', 'Basic realm="registry"']);
    expect(res.headers['content-type']).toBe('application/json');
    expect((await readAll(res.body)).toString()).toBe('{"errors":[]}');
  });

  it('sends the body of a PUT with its length', async () => {
    let seen = '';
    let length: string | undefined;
    const url = await serve((req, res) => {
      length = req.headers['content-length'];
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (seen += chunk));
      req.on('end', () => res.writeHead(201).end());
    });
    const res = await nodeExchange(url, 'PUT', { 'content-type': 'application/octet-stream' }, Buffer.from('layer bytes'), options());
    await res.body.dump();
    expect(res.status).toBe(201);
    expect(seen).toBe('layer bytes');
    expect(length).toBe('11');
  });

  it('times out a registry that never answers', async () => {
    const url = await serve(() => undefined);
    const started = Date.now();
    const error = await failureOf(nodeExchange(url, 'GET', {}, undefined, options({ timeoutMs: 200 })));
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('times out a body that stops arriving while the reader waits for it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100)); // and nothing more
    });
    const res = await nodeExchange(url, 'GET', {}, undefined, options({ timeoutMs: 200 }));
    expect(await failureOf(readAll(res.body))).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('does not time out a registry held back by a reader that is busy with what it already has', async () => {
    // 8 MiB: more than the socket and the response buffer hold, so the server waits on the reader.
    const blob = Buffer.alloc(8 * 1024 * 1024, 7);
    const url = await serve((_req, res) => void res.writeHead(200, { 'content-length': blob.length }).end(blob));
    const res = await nodeExchange(url, 'GET', {}, undefined, options({ timeoutMs: 150 }));
    const read = await readAll(res.body, 600);
    expect(read.equals(blob)).toBe(true);
  });

  it('stops with the reason of an aborted signal, before the answer and while reading the body', async () => {
    const reason = new Error('the scan deadline');
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100));
    });
    const before = AbortSignal.abort(reason);
    expect(await failureOf(nodeExchange(url, 'GET', {}, undefined, options({ signal: before })))).toBe(reason);
    const controller = new AbortController();
    const res = await nodeExchange(url, 'GET', {}, undefined, options({ signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    expect(await failureOf(readAll(res.body))).toBe(reason);
  });

  it('dump keeps the connection for the next request when the rest is small, and closes it when it is not', async () => {
    const url = await serve((req, res) => void res.writeHead(200).end(Buffer.alloc(req.url === '/v2/x?big' ? 1024 * 1024 : 10)));
    for (let i = 0; i < 3; i++) await (await nodeExchange(url, 'GET', {}, undefined, options())).body.dump();
    expect(connections).toBe(1);
    const big = new URL(`${url.href}?big`);
    await (await nodeExchange(big, 'GET', {}, undefined, options())).body.dump({ limit: 4096 });
    await (await nodeExchange(url, 'GET', {}, undefined, options())).body.dump();
    expect(connections).toBe(2);
  });

  it('leaves no timer behind on a kept connection once the body is read', async () => {
    const url = await serve((_req, res) => void res.writeHead(200).end('ok'));
    const res = await nodeExchange(url, 'GET', {}, undefined, options({ timeoutMs: 100 }));
    expect((await readAll(res.body)).toString()).toBe('ok');
    await sleep(300); // past the timeout: an idle pooled socket must not fail anything
    const again = await nodeExchange(url, 'GET', {}, undefined, options({ timeoutMs: 100 }));
    expect((await readAll(again.body)).toString()).toBe('ok');
    expect(connections).toBe(1);
  });
});
