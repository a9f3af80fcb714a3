import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveOf, buildImage, dockerArchiveFiles, ociLayoutFiles, writeFiles } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from './scan-image.js';

/**
 * The layer cache must never vouch for content this run did not verify: a config that claims the
 * diffID of a cached benign layer, a blob that is missing or truncated — each fails exactly as it
 * does with no cache at all.
 */
const BENIGN: ImageSpec = {
  layers: [
    {
      entries: [
        { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
        { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b7\nArchitecture: amd64\n\n' },
      ],
    },
    { entries: [{ name: 'app/readme.txt', content: 'hello' }] },
  ],
};
const TOKEN = 'ghp_' + 'Zq8xW3rT7yP2mK9vB4nL6cF1hJ5dG0sA2eR8';
const HOSTILE_LAYER = {
  entries: [
    { name: 'app/.env', content: `GITHUB_TOKEN=${TOKEN}\n` },
    { name: 'app/node_modules/minimist/package.json', content: JSON.stringify({ name: 'minimist', version: '1.2.0' }) },
  ],
};
const benignDiffIds = buildImage(BENIGN).layers.map((l) => l.diffId);
/** Layer 1 holds a token and minimist@1.2.0, but the config claims it is the benign layer 1. */
const POISONED: ImageSpec = { layers: [BENIGN.layers[0] ?? { entries: [] }, HOSTILE_LAYER], diffIds: benignDiffIds };

type Form = 'oci-layout' | 'oci-archive' | 'docker-archive' | 'docker-archive-oci';
const FORMS: readonly Form[] = ['oci-layout', 'oci-archive', 'docker-archive', 'docker-archive-oci'];

function filesOf(form: Form, spec: ImageSpec, tamper?: (files: Map<string, Buffer>) => void): Map<string, Buffer> {
  if (form === 'docker-archive') return dockerArchiveFiles(spec, { form: 'legacy', ...(tamper ? { tamper } : {}) });
  if (form === 'docker-archive-oci') return dockerArchiveFiles(spec, { form: 'oci', ...(tamper ? { tamper } : {}) });
  return ociLayoutFiles(spec, tamper ? { tamper } : {});
}

/** Layer blobs: the members under blobs/ (or legacy `<id>/layer.tar`) that are not JSON. */
function isLayerBlob(path: string, bytes: Buffer): boolean {
  return (path.startsWith('blobs/') || path.endsWith('/layer.tar')) && bytes[0] !== 0x7b;
}

/** The blob of benign layer 1, compressed (OCI forms) or a plain tar (docker-archive forms). */
const secondGzipBlob = (buildImage(BENIGN).layers[1]?.digest ?? '').replace(':', '/');
function isSecondLayer(path: string, bytes: Buffer): boolean {
  return isLayerBlob(path, bytes) && (path.endsWith(secondGzipBlob) || bytes.includes('app/readme.txt'));
}

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sekisho-cache-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(form: Form, spec: ImageSpec, tamper?: (files: Map<string, Buffer>) => void): Promise<string> {
  const files = filesOf(form, spec, tamper);
  const path = join(dir, `${form}-${counter++}`);
  if (form === 'oci-layout') {
    await writeFiles(path, files);
    return path;
  }
  await writeFile(path, archiveOf(files));
  return form === 'oci-archive' ? `oci-archive:${path}` : `docker-archive:${path}`;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
}

const scan = (ref: string, cacheDir: string | null) => scanImage(ref, { cacheDir, now: new Date('2026-01-01') });

describe.each(FORMS)('layer cache, %s', (form) => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = join(dir, `cache-${form}`);
    const { report } = await scan(await write(form, BENIGN), cacheDir);
    expect(report.packages.map((p) => p.name)).toEqual(['bash']);
  });

  it('serves a verified layer from the cache', async () => {
    const cached: boolean[] = [];
    const { report } = await scanImage(await write(form, BENIGN), { cacheDir, onProgress: (e) => e.type === 'layer-done' && cached.push(e.cached) });
    expect(cached).toEqual([true, true]);
    expect(report.packages.map((p) => p.name)).toEqual(['bash']);
  });

  it('refuses a config that claims the diffID of a cached layer', async () => {
    const ref = await write(form, POISONED);
    expect(await codeOf(scan(ref, null))).toBe('INTEGRITY_DIFFID_MISMATCH');
    expect(await codeOf(scan(ref, cacheDir))).toBe('INTEGRITY_DIFFID_MISMATCH');
  });

  it('reports a missing blob as it does without a cache', async () => {
    const ref = await write(form, BENIGN, (files) => {
      for (const [path, bytes] of [...files]) if (isSecondLayer(path, bytes)) files.delete(path);
    });
    const cold = await codeOf(scan(ref, null));
    expect(cold).toMatch(/^SOURCE_/);
    expect(await codeOf(scan(ref, cacheDir))).toBe(cold);
  });

  it('reports a truncated blob as it does without a cache', async () => {
    const ref = await write(form, BENIGN, (files) => {
      for (const [path, bytes] of [...files]) if (isLayerBlob(path, bytes) && bytes.length > 100) files.set(path, bytes.subarray(0, bytes.length >> 1));
    });
    // A truncated uncompressed layer fails either as truncated or on its digest, whichever check
    // reaches it first (layers are read concurrently): with or without a cache, never as clean.
    const refused = ['LAYER_TRUNCATED', 'INTEGRITY_DIFFID_MISMATCH', 'INTEGRITY_DIGEST_MISMATCH', 'INTEGRITY_SIZE_MISMATCH'];
    expect(refused).toContain(await codeOf(scan(ref, null)));
    expect(refused).toContain(await codeOf(scan(ref, cacheDir)));
  });
});
