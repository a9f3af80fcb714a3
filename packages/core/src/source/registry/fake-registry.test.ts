import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, sha256, noiseBytes } from '@sekisho/testkit';
import type { BuiltImage, ImageSpec } from '@sekisho/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { scanImage } from '../../scan/scan-image.js';
import { RegistryClient } from './client.js';
import type { RegistryOptions } from './options.js';
import { fakeServer, missingRegistryTools, selfSigned } from './test-registry.js';
import type { FakeServer } from './test-registry.js';

/* Registries that lie, in-process (node:http): every case ends in a clear error with its own code,
   or in a correct result — and credentials never leave the registry's origin. */

const stanza = (name: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n\n`;
const SPEC: ImageSpec = {
  layers: [
    {
      entries: [
        { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { name: 'var/lib/dpkg/status', content: stanza('libc6') },
      ],
    },
    // Large enough to arrive in several chunks (resume tests cut it in the middle).
    {
      entries: [
        { name: 'var/lib/dpkg/status', content: stanza('libc6') + stanza('curl') },
        { name: 'opt/noise.bin', content: randomBytes(600_000) },
      ],
    },
  ],
};
const IMAGE = buildImage(SPEC);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Deterministic, incompressible enough: a xorshift stream. */
function randomBytes(n: number): Buffer {
  return noiseBytes(n, 0x9e3779b9);
}

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void;

/** Serves IMAGE as `app:1`; `override` may answer first (return true when it did). */
function registryHandler(image: BuiltImage, override: Handler = () => false) {
  const blobs = new Map([image.config, ...image.layers].map((b) => [b.digest, b.bytes]));
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (override(req, res) === true) return;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const manifest = /^\/v2\/app\/manifests\/(.+)$/.exec(url.pathname);
    if (manifest !== null) {
      if (manifest[1] !== '1' && manifest[1] !== image.manifest.digest) return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      return void res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': image.manifest.digest, 'content-length': image.manifest.bytes.length }).end(image.manifest.bytes);
    }
    const blob = /^\/v2\/app\/blobs\/(.+)$/.exec(url.pathname);
    const bytes = blob === null ? undefined : blobs.get(blob[1] ?? '');
    if (bytes === undefined) return void res.writeHead(404).end();
    sendRange(req, res, bytes);
  };
}

function sendRange(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range !== null) {
    const start = Number(range[1]);
    if (start >= bytes.length) return void res.writeHead(416).end();
    return void res.writeHead(206, { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, 'content-length': bytes.length - start }).end(bytes.subarray(start));
  }
  res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
}

/** Write forever (until the client goes away). */
function endless(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, headers);
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

function layerPath(index: number): string {
  return `/v2/app/blobs/${IMAGE.layers[index]?.digest ?? ''}`;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SekishoError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('a lying registry', () => {
  let fake: FakeServer;
  let options: RegistryOptions;
  const scan = (ref = `${fake.host}/app:1`, extra: RegistryOptions = {}) => scanImage(ref, { cacheDir: null, registry: { ...options, ...extra } });

  beforeEach(async () => {
    fake = await fakeServer();
    options = { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 2, maxRetryDelayMs: 50 };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('serves a correct image (baseline for the cases below)', async () => {
    fake.handle = registryHandler(IMAGE);
    const result = await scan();
    expect(result.report.packages.map((p) => p.name).sort()).toEqual(['curl', 'libc6']);
    expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
  });

  it('a manifest that does not hash to the digest asked for', async () => {
    const other = buildImage({ layers: [{ entries: [{ name: 'x', content: 'y' }] }] });
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(other.manifest.bytes);
      return true;
    });
    expect(await codeOf(scan(`${fake.host}/app@${IMAGE.manifest.digest}`))).toBe('INTEGRITY_DIGEST_MISMATCH');
  });

  it('a manifest by tag whose Docker-Content-Digest lies', async () => {
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256(Buffer.from('other')) }).end(IMAGE.manifest.bytes);
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_DIGEST_MISMATCH');
  });

  it('a config with other bytes of the same size', async () => {
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (!req.url?.endsWith(IMAGE.config.digest)) return false;
      const bytes = Buffer.from(IMAGE.config.bytes);
      bytes[bytes.length - 2] = 0x20;
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_DIGEST_MISMATCH');
  });

  it('a layer blob with a changed trailer, or another valid layer of another size', async () => {
    const tampered = Buffer.from(IMAGE.layers[0]?.bytes ?? Buffer.alloc(0));
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(0)) return false;
      res.writeHead(200, { 'content-length': tampered.length }).end(tampered);
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_DIGEST_MISMATCH');
    const other = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(0)) return false;
      res.writeHead(200, { 'content-length': other.length }).end(other);
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_SIZE_MISMATCH');
  });

  it('resumes a blob read after a dropped connection with a Range request', async () => {
    const layer = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    let drops = 0;
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(1) || req.headers.range !== undefined || drops > 0) return false;
      drops++;
      res.writeHead(200, { 'content-length': layer.length });
      res.write(layer.subarray(0, Math.floor(layer.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
      return true;
    });
    const result = await scan();
    expect(result.report.packages.map((p) => p.name).sort()).toEqual(['curl', 'libc6']);
    const ranges = fake.requests.filter((r) => r.url === layerPath(1) && r.headers.range !== undefined).map((r) => r.headers.range);
    expect(ranges).toHaveLength(1);
    const start = Number(/^bytes=(\d+)-$/.exec(ranges[0] ?? '')?.[1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThanOrEqual(Math.floor(layer.length / 2));
  });

  it('resumes when the server ignores Range and sends the whole blob again', async () => {
    const layer = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    let drops = 0;
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(1)) return false;
      res.writeHead(200, { 'content-length': layer.length });
      if (drops++ === 0) res.write(layer.subarray(0, 100_000), () => setTimeout(() => res.socket?.destroy(), 20));
      else res.end(layer);
      return true;
    });
    expect((await scan()).report.packages.map((p) => p.name).sort()).toEqual(['curl', 'libc6']);
  });

  it('a truncated blob: every attempt ends early', async () => {
    const layer = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(1)) return false;
      res.writeHead(200, { 'content-length': layer.length });
      const cut = req.headers.range === undefined ? layer.subarray(0, 100_000) : Buffer.alloc(0);
      res.write(cut, () => setTimeout(() => res.socket?.destroy(), 20));
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_SIZE_MISMATCH');
  });

  it('a blob shorter than the manifest says, served cleanly', async () => {
    const layer = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    const short = layer.subarray(0, layer.length - 10);
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(1)) return false;
      sendRange(req, res, short);
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_SIZE_MISMATCH');
  });

  it('a resumed read that starts at the wrong byte', async () => {
    const layer = IMAGE.layers[1]?.bytes ?? Buffer.alloc(0);
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(1)) return false;
      if (req.headers.range !== undefined) {
        res.writeHead(206, { 'content-range': `bytes 0-${layer.length - 1}/${layer.length}`, 'content-length': layer.length }).end(layer);
        return true;
      }
      res.writeHead(200, { 'content-length': layer.length });
      res.write(layer.subarray(0, 100_000), () => setTimeout(() => res.socket?.destroy(), 20));
      return true;
    });
    expect(await codeOf(scan())).toBe('REGISTRY_PROTOCOL');
  });

  it('manifests over 4 MiB: declared, or endless chunked', async () => {
    fake.handle = (req, res) => {
      if (!req.url?.includes('/manifests/')) return void res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(5 * 1024 * 1024) });
      res.write(Buffer.alloc(1024, 0x20));
    };
    expect(await codeOf(scan())).toBe('LIMIT_JSON_SIZE');
    fake.handle = (req, res) => {
      if (!req.url?.includes('/manifests/')) return void res.writeHead(200).end('{}');
      endless(res, { 'content-type': OCI_MANIFEST });
    };
    expect(await codeOf(scan())).toBe('LIMIT_JSON_SIZE');
  });

  it('an endless chunked blob', async () => {
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url !== layerPath(0)) return false;
      endless(res, {});
      return true;
    });
    expect(await codeOf(scan())).toBe('INTEGRITY_SIZE_MISMATCH');
  });

  it('a redirect loop', async () => {
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url === layerPath(0)) {
        res.writeHead(307, { location: '/loop/a' }).end();
        return true;
      }
      if (req.url === '/loop/a') {
        res.writeHead(302, { location: `${fake.origin}/loop/b` }).end();
        return true;
      }
      if (req.url === '/loop/b') {
        res.writeHead(302, { location: '/loop/a' }).end();
        return true;
      }
      return false;
    });
    expect(await codeOf(scan())).toBe('REGISTRY_REDIRECT_LOOP');
  });

  it('a redirect to a non-HTTP URL', async () => {
    fake.handle = (_req, res) => void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    const client = new RegistryClient({ registry: fake.host, apiHost: fake.host }, options);
    try {
      expect(await codeOf(client.readBlob('app', IMAGE.config.digest, 1000))).toBe('REGISTRY_UNTRUSTED_REDIRECT');
    } finally {
      await client.close();
    }
  });

  it('a registry that never answers times out', async () => {
    fake.handle = () => undefined; // accept the request, never respond
    expect(await codeOf(scan(`${fake.host}/app:1`, { timeoutMs: 300, retries: 1 }))).toBe('LIMIT_TIMEOUT');
  });

  it('schema 1 manifests are refused', async () => {
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }).end('{"schemaVersion":1,"name":"app","tag":"1","fsLayers":[]}');
      return true;
    });
    expect(await codeOf(scan())).toBe('SOURCE_SCHEMA1');
  });
});

describe('the layer cache and a registry', () => {
  let fake: FakeServer;
  let cacheDir: string;
  const options = (): RegistryOptions => ({ insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 1, maxRetryDelayMs: 50 });
  const layerRequests = () => fake.requests.filter((r) => IMAGE.layers.some((l) => r.url.endsWith(`/blobs/${l.digest}`))).length;

  beforeEach(async () => {
    fake = await fakeServer();
    cacheDir = await mkdtemp(join(tmpdir(), 'sekisho-registry-cache-'));
  });
  afterEach(async () => {
    await fake.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('takes a cached layer without pulling it: the verified manifest binds its blob digest', async () => {
    fake.handle = registryHandler(IMAGE);
    await scanImage(`${fake.host}/app:1`, { cacheDir, registry: options() });
    const pulled = layerRequests();
    expect(pulled).toBe(2);
    const { report } = await scanImage(`${fake.host}/app:1`, { cacheDir, registry: options() });
    expect(layerRequests()).toBe(pulled);
    expect(report.packages.map((p) => p.name).sort()).toEqual(['curl', 'libc6']);
  });

  it('refuses an image whose config claims the diffID of a cached layer for another blob', async () => {
    fake.handle = registryHandler(IMAGE);
    await scanImage(`${fake.host}/app:1`, { cacheDir, registry: options() });
    const hostile = buildImage({
      layers: [SPEC.layers[0] ?? { entries: [] }, { entries: [{ name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.0"}' }] }],
      diffIds: IMAGE.layers.map((l) => l.diffId),
    });
    fake.handle = registryHandler(hostile);
    expect(await codeOf(scanImage(`${fake.host}/app:1`, { cacheDir, registry: options() }))).toBe('INTEGRITY_DIFFID_MISMATCH');
  });
});

describe('credentials stay home', () => {
  let registry: FakeServer;
  let storage: FakeServer;
  const USER = 'alice';
  const PASSWORD = 's3cret';
  const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  beforeEach(async () => {
    registry = await fakeServer();
    storage = await fakeServer();
  });
  afterEach(async () => {
    await registry.close();
    await storage.close();
  });

  const options = (): RegistryOptions => ({ insecureRegistries: [registry.host, storage.host], dockerConfig: null, env: {}, retries: 1, username: USER, password: PASSWORD });

  /** A registry requiring basic auth that redirects layer blobs to `storage`. */
  function basicRegistryRedirecting(): void {
    registry.handle = registryHandler(IMAGE, (req, res) => {
      if (req.headers.authorization !== BASIC) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
        return true;
      }
      const layer = IMAGE.layers.find((l) => req.url === `/v2/app/blobs/${l.digest}`);
      if (layer !== undefined) {
        res.writeHead(307, { location: `${storage.origin}/store/${layer.digest}?sig=abc` }).end();
        return true;
      }
      return false;
    });
  }

  it('a redirect to blob storage carries no Authorization header', async () => {
    basicRegistryRedirecting();
    storage.handle = (req, res) => {
      const layer = IMAGE.layers.find((l) => req.url?.startsWith(`/store/${l.digest}`));
      if (layer === undefined) return void res.writeHead(404).end();
      sendRange(req, res, layer.bytes);
    };
    const result = await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: options() });
    expect(result.report.packages.map((p) => p.name).sort()).toEqual(['curl', 'libc6']);
    expect(storage.requests.length).toBeGreaterThanOrEqual(2);
    expect(storage.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(registry.requests.some((r) => r.headers.authorization === BASIC)).toBe(true);
  });

  it('a challenge from the redirect target is not answered with credentials', async () => {
    basicRegistryRedirecting();
    storage.handle = (req, res) => {
      if (req.url?.startsWith('/token')) return void res.writeHead(200).end('{"token":"stolen"}');
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${storage.origin}/token",service="evil"` }).end();
    };
    expect(await codeOf(scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: options() }))).toBe('REGISTRY_AUTH');
    expect(storage.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(storage.requests.some((r) => r.url.startsWith('/token'))).toBe(false);
  });

  /** A plain-HTTP registry asking for a bearer token from `realm` (which requires BASIC). */
  function bearerRegistry(realm: string): void {
    registry.handle = registryHandler(IMAGE, (req, res) => {
      if (req.url?.startsWith('/token')) {
        if (req.headers.authorization !== BASIC) res.writeHead(401).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"tok-123","expires_in":300}');
        return true;
      }
      if (req.headers.authorization !== 'Bearer tok-123') {
        {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="fake",scope="repository:app:pull"` }).end();
          return true;
        }
      }
      return false;
    });
  }

  it('a plain-HTTP registry naming a plain-HTTP realm on another host: no credentials, and the refusal says why', async () => {
    bearerRegistry(`${storage.origin}/token`);
    storage.handle = (req, res) => {
      if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"tok-123","expires_in":300}');
    };
    const error = await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: options() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SekishoError);
    expect((error as SekishoError).code).toBe('REGISTRY_AUTH');
    expect((error as SekishoError).message).toContain('another host');
    expect((error as SekishoError).message).toContain(storage.origin);
    expect(storage.requests.every((r) => r.headers.authorization === undefined && !r.url.includes(USER))).toBe(true);
  });

  it('an anonymous token from such a realm that the registry refuses: the refusal says why credentials were kept back', async () => {
    bearerRegistry(`${storage.origin}/token`);
    storage.handle = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"anonymous"}');
    const error = await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: options() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as SekishoError).code).toBe('REGISTRY_AUTH');
    expect((error as SekishoError).message).toContain('--insecure-token-realm');
    expect(storage.requests.every((r) => r.headers.authorization === undefined && !r.url.includes(USER))).toBe(true);
  });

  it("a plain-HTTP realm on the registry's own host gets the credentials", async () => {
    bearerRegistry(`${registry.origin}/token`);
    const result = await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: options() });
    expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
    expect(registry.requests.some((r) => r.url.startsWith('/token') && r.headers.authorization === BASIC)).toBe(true);
  });

  it('the bearer flow: credentials go to the realm the registry named, the token only to the registry', async () => {
    bearerRegistry(`${storage.origin}/token`);
    storage.handle = (req, res) => {
      if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"tok-123","expires_in":300}');
    };
    const warnings: string[] = [];
    // A plain-HTTP realm on another host: only because the user named it, with one warning.
    const allowed: RegistryOptions = { ...options(), insecureTokenRealms: [storage.host], onWarning: (m) => void warnings.push(m) };
    const result = await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: allowed });
    await scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: allowed });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(storage.origin);
    expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
    const tokenRequests = storage.requests.filter((r) => r.url.startsWith('/token'));
    expect(tokenRequests).toHaveLength(2);
    const query = new URL(tokenRequests[0]?.url ?? '', 'http://x').searchParams;
    expect(query.get('service')).toBe('fake');
    expect(query.getAll('scope')).toEqual(['repository:app:pull']);
    expect(query.get('account')).toBe(USER);
    expect(registry.requests.every((r) => r.headers.authorization === undefined || r.headers.authorization === 'Bearer tok-123')).toBe(true);
  });
});

describe('identity tokens and proxies', () => {
  let registry: FakeServer;
  let realm: FakeServer;
  beforeEach(async () => {
    registry = await fakeServer();
    realm = await fakeServer();
  });
  afterEach(async () => {
    await registry.close();
    await realm.close();
  });

  it('exchanges an identity token at the realm (OAuth2 refresh_token grant)', async () => {
    registry.handle = registryHandler(IMAGE, (req, res) => {
      if (req.headers.authorization === 'Bearer access-9') return false;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.origin}/oauth",service="svc"` }).end();
      return true;
    });
    let form: URLSearchParams | null = null;
    realm.handle = (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        form = new URLSearchParams(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"access-9","expires_in":60}');
      });
    };
    const result = await scanImage(`${registry.host}/app:1`, {
      cacheDir: null,
      // The fake realm is plain HTTP on another port: credentials go there only when named.
      registry: { insecureRegistries: [registry.host], insecureTokenRealms: [realm.host], dockerConfig: null, env: {}, retries: 1, identityToken: 'refresh-xyz' },
    });
    expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
    expect(realm.requests.map((r) => r.method)).toEqual(['POST']);
    const sent = form as URLSearchParams | null;
    expect(sent?.get('grant_type')).toBe('refresh_token');
    expect(sent?.get('refresh_token')).toBe('refresh-xyz');
    expect(sent?.get('service')).toBe('svc');
    expect(sent?.get('scope')).toBe('repository:app:pull');
  });

  it('goes through HTTP(S)_PROXY, and not for NO_PROXY hosts', async () => {
    registry.handle = registryHandler(IMAGE);
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      sockets.add(client);
      const port = Number(registry.host.split(':')[1]);
      const upstream = connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      // A name that does not resolve: only the proxy can reach it.
      const host = 'registry.sekisho.invalid:5000';
      const registryOptions: RegistryOptions = { insecureRegistries: [host], dockerConfig: null, env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl }, retries: 1 };
      const result = await scanImage(`${host}/app:1`, { cacheDir: null, registry: registryOptions });
      expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
      expect(tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnels)).toEqual(new Set([host]));
      const before = tunnels.length;
      const code = await codeOf(scanImage(`${host}/app:1`, { cacheDir: null, registry: { ...registryOptions, env: { ...registryOptions.env, NO_PROXY: 'registry.sekisho.invalid' } } }));
      expect(code).toBe('REGISTRY_HTTP');
      expect(tunnels.length).toBe(before);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

const noOpenssl = missingRegistryTools(['--tls']) !== null && missingRegistryTools(['--tls'])?.includes('openssl') === true;

describe.skipIf(noOpenssl)('an HTTPS registry naming a plain-HTTP token realm', () => {
  let dir: string;
  let registry: FakeServer;
  let realm: FakeServer;
  let certFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sekisho-tls-'));
    const cert = await selfSigned(dir);
    certFile = cert.certFile;
    registry = await fakeServer(cert);
    realm = await fakeServer();
  });
  afterAll(async () => {
    await registry.close();
    await realm.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gets no credentials (an anonymous request at most)', async () => {
    registry.handle = (_req, res) => void res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.origin}/token",service="x"` }).end();
    realm.handle = (_req, res) => void res.writeHead(401).end();
    const code = await codeOf(
      scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: { caCertFiles: [certFile], dockerConfig: null, env: {}, retries: 1, username: 'alice', password: 'pw' } }),
    );
    expect(code).toBe('REGISTRY_AUTH');
    expect(realm.requests.length).toBeGreaterThan(0);
    expect(realm.requests.every((r) => r.headers.authorization === undefined && !(r.url ?? '').includes('alice'))).toBe(true);
  });

  it('a redirect from HTTPS down to plain HTTP is refused', async () => {
    registry.handle = (req, res) => {
      if (req.url === '/v2/app/manifests/1') return void res.writeHead(302, { location: `${realm.origin}/manifest` }).end();
      res.writeHead(404).end();
    };
    realm.handle = (_req, res) => void res.writeHead(200).end('{}');
    const before = realm.requests.length;
    const code = await codeOf(scanImage(`${registry.host}/app:1`, { cacheDir: null, registry: { caCertFiles: [certFile], dockerConfig: null, env: {}, retries: 1 } }));
    expect(code).toBe('REGISTRY_UNTRUSTED_REDIRECT');
    expect(realm.requests.length).toBe(before);
  });
});

describe('retries', () => {
  let fake: FakeServer;
  beforeEach(async () => {
    fake = await fakeServer();
  });
  afterEach(async () => {
    await fake.close();
  });

  function client(retries: number, delays: number[]): RegistryClient {
    return new RegistryClient(
      { registry: fake.host, apiHost: fake.host },
      { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries, maxRetryDelayMs: 10_000 },
      { sleep: async (ms) => void delays.push(ms) },
    );
  }

  it('honours Retry-After on 429, then succeeds', async () => {
    let calls = 0;
    fake.handle = registryHandler(IMAGE, (req, res) => {
      if (!req.url?.includes('/manifests/') || calls++ >= 2) return false;
      res.writeHead(429, { 'retry-after': '3' }).end();
      return true;
    });
    const delays: number[] = [];
    const c = client(4, delays);
    try {
      expect((await c.getManifest('app', '1')).digest).toBe(IMAGE.manifest.digest);
    } finally {
      await c.close();
    }
    // the HTTPS probe of the insecure host fails once (no delay), then two waits of ≥ 3 s
    expect(delays.filter((d) => d >= 3000)).toHaveLength(2);
  });

  it('gives up at once when Retry-After asks for longer than the limit', async () => {
    fake.handle = (_req, res) => void res.writeHead(429, { 'retry-after': '3600' }).end();
    const delays: number[] = [];
    const c = client(4, delays);
    try {
      expect(await codeOf(c.getManifest('app', '1'))).toBe('REGISTRY_HTTP');
    } finally {
      await c.close();
    }
    expect(delays).toEqual([]);
  });

  it('retries 5xx a bounded number of times', async () => {
    fake.handle = (req, res) => void res.writeHead(req.url === '/v2/' ? 200 : 503).end();
    const delays: number[] = [];
    const c = client(3, delays);
    try {
      expect(await codeOf(c.getManifest('app', '1'))).toBe('REGISTRY_HTTP');
    } finally {
      await c.close();
    }
    expect(fake.requests.filter((r) => r.url.includes('/manifests/'))).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });
});
