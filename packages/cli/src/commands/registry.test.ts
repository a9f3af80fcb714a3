import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSekishoError } from '@sekisho/core';
import { registryCommand, registryOptionsFrom } from './registry.js';
import type { RegistryScanRow } from './registry.js';

/* `sekisho registry scan` against an in-process registry (node:http) with basic auth, catalog
   pagination by Link headers, and one repository whose manifest is missing. Images hold one
   empty (end-of-archive only) layer: enumeration and the summary are what is tested here; the
   registry client itself is tested in @sekisho/core against a real registry. */

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const LAYER = Buffer.alloc(1024);
const CONFIG = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(LAYER)] }, history: [{ created_by: 'empty' }] }));
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(CONFIG), size: CONFIG.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(LAYER), size: LAYER.length }],
  }),
);
const BLOBS = new Map([
  [sha(CONFIG), CONFIG],
  [sha(LAYER), LAYER],
]);
const REPOS: Record<string, string[]> = { 'team/a': ['2', '1'], 'team/b': ['1'], 'tools/c': ['latest'] };
const AUTH = `Basic ${Buffer.from('ci:pa55').toString('base64')}`;

let server: Server;
let host: string;
const seen: string[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  seen.push(req.url ?? '');
  if (req.headers.authorization !== AUTH) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (value: unknown, headers: Record<string, string> = {}) => void res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  if (url.pathname === '/v2/') {
    json({});
    return;
  }
  if (url.pathname === '/v2/_catalog') {
    const all = Object.keys(REPOS).sort();
    const n = Number(url.searchParams.get('n') ?? 100);
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : all.indexOf(last) + 1;
    const page = all.slice(start, start + Math.min(n, 2));
    const more = start + page.length < all.length;
    json({ repositories: page }, more ? { link: `</v2/_catalog?n=${n}&last=${page.at(-1) ?? ''}>; rel="next"` } : {});
    return;
  }
  const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
  if (tags !== null) {
    json({ name: tags[1], tags: REPOS[tags[1] ?? ''] ?? [] });
    return;
  }
  const manifest = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
  if (manifest !== null) {
    if (manifest[1] === 'team/b') return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha(MANIFEST) }).end(MANIFEST);
  }
  const blob = /^\/v2\/.+\/blobs\/(.+)$/.exec(url.pathname);
  const bytes = blob === null ? undefined : BLOBS.get(blob[1] ?? '');
  if (bytes !== undefined) return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  process.exitCode = undefined;
});

async function run(args: string[], stdin = 'pa55\n'): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('sekisho').option('--no-cache').option('-q, --quiet').exitOverride();
  program.addCommand(registryCommand({ stdout: (t) => (out += t), stderr: (t) => (err += t), isTty: false }, () => Promise.resolve(stdin)).exitOverride());
  await program.parseAsync(['--no-cache', 'registry', 'scan', ...args], { from: 'user' });
  return { out, err };
}

describe('sekisho registry scan', () => {
  it('lists the catalog across pages, scans every tag, and reports failures per image', async () => {
    seen.length = 0;
    const { out, err } = await run([host, '--insecure-registry', host, '--username', 'ci', '--password-stdin', '-f', 'json', '--concurrency', '3']);
    const result = JSON.parse(out) as { registry: string; images: RegistryScanRow[] };
    expect(result.registry).toBe(host);
    expect(result.images.map((r) => `${r.repository}:${r.tag}`)).toEqual(['team/a:1', 'team/a:2', 'team/b:1', 'tools/c:latest']);
    expect(result.images.filter((r) => r.error === null).map((r) => r.manifestDigest)).toEqual([sha(MANIFEST), sha(MANIFEST), sha(MANIFEST)]);
    expect(result.images.find((r) => r.repository === 'team/b')?.error?.code).toBe('SOURCE_NOT_FOUND');
    expect(seen.filter((u) => u.startsWith('/v2/_catalog')).length).toBeGreaterThanOrEqual(2);
    expect(process.exitCode).toBe(3);
    expect(err).toContain('1 image(s) could not be scanned');
  });

  it('scans the tags of one repository, as a table', async () => {
    const { out } = await run([`${host}/team/a`, '--insecure-registry', host, '--username', 'ci', '--password-stdin']);
    expect(out).toMatch(/^127\.0\.0\.1:\d+: 2 image\(s\), 2 scanned, 0 failed/);
    expect(out).toMatch(/team\/a:1\s+[0-9a-f]{12}\s+-\s+0\s+0\s+0\s+0\s+0\s+ok/);
    expect(process.exitCode).toBeUndefined();
  });

  it('fails with REGISTRY_AUTH on a wrong password', async () => {
    try {
      await run([host, '--insecure-registry', host, '--username', 'ci', '--password-stdin'], 'wrong\n');
      expect.unreachable();
    } catch (error) {
      expect(isSekishoError(error) ? error.code : String(error)).toBe('REGISTRY_AUTH');
    }
  });
});

describe('registryOptionsFrom', () => {
  it('maps flags and refuses a user name without --password-stdin', async () => {
    expect(
      await registryOptionsFrom({ username: 'u', passwordStdin: true, caCert: ['a.pem'], insecureRegistry: ['h:1'], insecureTokenRealm: ['auth:8080'], clientCert: 'c', clientKey: 'k' }, () =>
        Promise.resolve('p\r\n'),
      ),
    ).toEqual({
      username: 'u',
      password: 'p',
      caCertFiles: ['a.pem'],
      insecureRegistries: ['h:1'],
      insecureTokenRealms: ['auth:8080'],
      clientCertFile: 'c',
      clientKeyFile: 'k',
      onWarning: expect.any(Function),
    });
    await expect(registryOptionsFrom({ username: 'u' })).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    await expect(registryOptionsFrom({ passwordStdin: true }, () => Promise.resolve('p'))).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });
});

describe('sekisho registry scan --timeout', () => {
  let slow: Server;
  let slowHost: string;
  beforeAll(async () => {
    // Lists one repository and tag at once; its layer blob then arrives a few bytes at a time.
    slow = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (value: unknown) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (url.pathname === '/v2/') {
        json({});
        return;
      }
      if (url.pathname === '/v2/_catalog') {
        json({ repositories: ['team/slow'] });
        return;
      }
      if (url.pathname === '/v2/team/slow/tags/list') {
        json({ name: 'team/slow', tags: ['1'] });
        return;
      }
      if (url.pathname.startsWith('/v2/team/slow/manifests/')) {
        return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha(MANIFEST) }).end(MANIFEST);
      }
      if (url.pathname === `/v2/team/slow/blobs/${sha(CONFIG)}`) return void res.writeHead(200, { 'content-length': CONFIG.length }).end(CONFIG);
      res.writeHead(200, { 'content-length': LAYER.length });
      const timer = setInterval(() => void res.write(Buffer.alloc(4)), 100);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowHost = `127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('gives up on an image after --timeout: LIMIT_TIMEOUT naming the blob, exit code 6', { timeout: 15_000 }, async () => {
    const { out } = await run([slowHost, '--insecure-registry', slowHost, '-f', 'json', '--timeout', '1s']);
    const result = JSON.parse(out) as { images: RegistryScanRow[] };
    expect(result.images).toHaveLength(1);
    expect(result.images[0]?.error?.code).toBe('LIMIT_TIMEOUT');
    expect(result.images[0]?.error?.message).toContain(sha(LAYER));
    expect(result.images[0]?.error?.message).toContain(slowHost);
    expect(process.exitCode).toBe(6);
  });

  it('refuses a --timeout that is not a duration', async () => {
    await expect(run([slowHost, '--insecure-registry', slowHost, '--timeout', 'soon'])).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });
});
