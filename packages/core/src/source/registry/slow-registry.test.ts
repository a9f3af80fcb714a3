import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { buildImage, noiseBytes, readLentChunks } from '@sekisho/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { scanImage } from '../../scan/scan-image.js';
import type { ScanOptions } from '../../scan/scan-image.js';
import { RegistryClient } from './client.js';
import type { RegistryOptions } from './options.js';
import { fakeServer } from './test-registry.js';
import type { FakeServer } from './test-registry.js';

/* Registries that are slow on purpose: a blob dribbled a byte at a time (never idle long enough
   for the idle timeout), a blob that stalls after every piece, a registry that keeps asking to
   retry. Windows and deadlines are small so each case takes a second or two; assertions are on
   codes and messages, not on times. */

/** Incompressible bytes (a xorshift stream), so the layer blob stays this large. */
const noise = (n: number): Buffer => noiseBytes(n, 0x2545f491);

const IMAGE = buildImage({
  layers: [
    {
      entries: [
        { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { name: 'big.bin', content: noise(300_000) },
      ],
    },
  ],
});
const LAYER = IMAGE.layers[0] as { digest: string; bytes: Buffer };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Serves IMAGE as `app:1`, the layer blob through `layer`. */
function registry(layer: (res: ServerResponse, bytes: Buffer) => void) {
  return (req: { url?: string }, res: ServerResponse): void => {
    const path = req.url ?? '/';
    if (path === '/v2/') return void res.writeHead(200).end('{}');
    if (path === '/v2/app/manifests/1') {
      return void res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': IMAGE.manifest.digest }).end(IMAGE.manifest.bytes);
    }
    if (path === `/v2/app/blobs/${IMAGE.config.digest}`) return void res.writeHead(200, { 'content-length': IMAGE.config.bytes.length }).end(IMAGE.config.bytes);
    if (path === `/v2/app/blobs/${LAYER.digest}`) {
      layer(res, LAYER.bytes);
      return;
    }
    res.writeHead(404).end();
  };
}

/** Write `bytes` `piece` bytes at a time, waiting `everyMs` between pieces. */
function dribble(piece: number, everyMs: number) {
  return (res: ServerResponse, bytes: Buffer): void => {
    res.writeHead(200, { 'content-length': bytes.length });
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed || at >= bytes.length) {
        clearInterval(timer);
        return;
      }
      res.write(bytes.subarray(at, at + piece));
      at += piece;
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

async function failure(promise: Promise<unknown>): Promise<SekishoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SekishoError)) throw new Error(`expected a SekishoError, got ${String(error)}`);
  return error;
}

describe('slow registries', () => {
  let fake: FakeServer;
  let options: RegistryOptions;
  const scan = (extra: Partial<ScanOptions> = {}, registryExtra: RegistryOptions = {}) => scanImage(`${fake.host}/app:1`, { cacheDir: null, registry: { ...options, ...registryExtra }, ...extra });

  beforeEach(async () => {
    fake = await fakeServer();
    options = { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 2, maxRetryDelayMs: 50 };
  });
  afterEach(async () => {
    await fake.close();
  });

  it('a blob dribbled a few bytes at a time fails the minimum transfer rate, naming the host and the blob', { timeout: 15_000 }, async () => {
    fake.handle = registry(dribble(10, 50));
    const error = await failure(scan({}, { minTransferBytes: 64 * 1024, minTransferWindowMs: 600 }));
    expect(error.code).toBe('LIMIT_TIMEOUT');
    expect(error.message).toContain(fake.host);
    expect(error.message).toContain(LAYER.digest);
    expect(error.where.layer).toBe(LAYER.digest);
  });

  it('a blob that stalls after every piece is stopped by the scan deadline, naming the host and the blob', { timeout: 15_000 }, async () => {
    fake.handle = registry(dribble(16 * 1024, 300));
    const error = await failure(scan({ timeoutMs: 1000 }, { minTransferBytes: 0 }));
    expect(error.code).toBe('LIMIT_TIMEOUT');
    expect(error.message).toContain('1s');
    expect(error.message).toContain(fake.host);
    expect(error.message).toContain(LAYER.digest);
  });

  it('the deadline cuts retry waits short', { timeout: 15_000 }, async () => {
    fake.handle = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      res.writeHead(503, { 'retry-after': '2' }).end();
    };
    const started = Date.now();
    const error = await failure(scan({ timeoutMs: 500 }, { retries: 50, maxRetryDelayMs: 10_000 }));
    expect(error.code).toBe('LIMIT_TIMEOUT');
    expect(error.message).toContain(fake.host);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a fast registry is not affected', async () => {
    fake.handle = registry((res, bytes) => void res.writeHead(200, { 'content-length': bytes.length }).end(bytes));
    const result = await scan({ timeoutMs: 60_000 }, { minTransferBytes: 1024, minTransferWindowMs: 200 });
    expect(result.report.target.manifestDigest).toBe(IMAGE.manifest.digest);
  });
});

describe('a slow reader is not a slow registry', () => {
  let fake: FakeServer;
  beforeEach(async () => {
    fake = await fakeServer();
  });
  afterEach(async () => {
    await fake.close();
  });
  /** Answers every blob request with `blob`, whole; returns its digest. */
  const serve = (blob: Buffer): string => {
    fake.handle = (req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-length': blob.length }).end(blob);
    };
    return `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  };

  it('lent chunks: two buffers used in turn, each chunk intact until the second after it is asked for', async () => {
    const blob = noise(3_500_000);
    const digest = serve(blob);
    const client = new RegistryClient({ registry: fake.host, apiHost: fake.host }, { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 1 });
    try {
      expect(await readLentChunks(client.blobStream('app', digest, blob.length, { lend: true }), blob)).toMatchObject({ chunks: 4, bytes: blob.length, buffers: 2, firstMismatch: null });
      // A blob that is not the one named still fails before its last byte goes on.
      const other = `sha256:${'0'.repeat(64)}`;
      const seen: number[] = [];
      const failure = await (async () => {
        for await (const chunk of client.blobStream('app', other, blob.length, { lend: true })) seen.push(chunk.length);
      })().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'INTEGRITY_DIGEST_MISMATCH' });
      expect(seen.reduce((a, b) => a + b, 0)).toBeLessThan(blob.length);
    } finally {
      await client.close();
    }
  });

  it('time the reader spends on a chunk does not count against the minimum rate', async () => {
    // Over 2 MiB: handed on in ~1 MiB pieces, with the reader pausing after each.
    const blob = noise(2_500_000);
    const digest = serve(blob);
    const client = new RegistryClient(
      { registry: fake.host, apiHost: fake.host },
      { insecureRegistries: [fake.host], dockerConfig: null, env: {}, retries: 1, minTransferBytes: 1024, minTransferWindowMs: 200 },
    );
    try {
      let bytes = 0;
      let chunks = 0;
      for await (const chunk of client.blobStream('app', digest, blob.length)) {
        chunks++;
        bytes += chunk.length;
        await new Promise((resolve) => setTimeout(resolve, 600)); // a slow consumer, three windows long
      }
      expect(bytes).toBe(blob.length);
      expect(chunks).toBeGreaterThan(1);
    } finally {
      await client.close();
    }
  });
});
