import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCaptured } from '../testing/run-captured.js';

let dir: string;
let server: Server;
let received: { headers: Record<string, unknown>; body: Record<string, unknown> }[];
let port: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sekisho-events-cli-'));
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  process.env['SEKISHO_TEST_HOOK_SECRET'] = 'hook-secret-never-printed';
});
afterEach(async () => {
  delete process.env['SEKISHO_TEST_HOOK_SECRET'];
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function config(url: string): string {
  const file = join(dir, 'sekisho.yaml');
  writeFileSync(file, `outputs:\n  hook:\n    type: webhook\n    url: ${url}\n    attempts: 1\n    secret: { env: SEKISHO_TEST_HOOK_SECRET }\n    filter: { minSeverity: high }\n`);
  return file;
}

describe('sekisho events test', () => {
  it('sends one test event through the output and waits for its delivery', async () => {
    const run = await runCaptured(['events', 'test', '--config', config(`http://127.0.0.1:${port}/hook`), '--output', 'hook']);
    expect(run.code).toBe(0);
    expect(received).toHaveLength(1);
    const body = received[0]?.body;
    expect(body).toMatchObject({ schema: 'sekisho.event/v1', kind: 'test', severity: 'low', result: 'info', subject: { type: 'system', id: 'sekisho events test' } });
    expect(received[0]?.headers['x-sekisho-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(run.stdout).toBe(`sent test event ${String(body?.['id'])} to output hook\n`);
    expect(run.stderr).toContain('the filter of output hook would not pass this event');
    expect(run.stdout + run.stderr).not.toContain('hook-secret-never-printed');
  });

  it('exit 8 for an output that is not configured, naming those that are', async () => {
    const run = await runCaptured(['events', 'test', '--config', config(`http://127.0.0.1:${port}/hook`), '--output', 'siem']);
    expect(run.code).toBe(8);
    expect(run.stderr).toContain('no output named "siem" (configured: hook)');
  });

  it('exit 8 when a secret reference cannot be resolved, without any value', async () => {
    delete process.env['SEKISHO_TEST_HOOK_SECRET'];
    const run = await runCaptured(['events', 'test', '--config', config(`http://127.0.0.1:${port}/hook`), '--output', 'hook']);
    expect(run.code).toBe(8);
    expect(run.stderr).toContain('outputs.hook.secret: environment variable SEKISHO_TEST_HOOK_SECRET is not set');
  });

  it('exit 6 when the receiver does not take the event within --timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await runCaptured(['events', 'test', '--config', config(`http://127.0.0.1:${deadPort}/hook`), '--output', 'hook', '--timeout', '1s']);
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('test event not delivered within 1s');
  });
});
