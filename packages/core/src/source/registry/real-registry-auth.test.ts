import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../registry.js';
import type { RegistryOptions } from './options.js';
import { missingRegistryTools, pushLayout, startRegistry } from './test-registry.js';
import type { RunningRegistry } from './test-registry.js';

/* A real registry with htpasswd (basic) auth over TLS from a test CA, and one requiring client
   certificates. Images are opened (manifest + config resolved, every digest verified). */

const SPEC: ImageSpec = { layers: [{ entries: [{ name: 'etc/hostname', content: 'x\n' }] }] };
const DIGEST = buildImage(SPEC).manifest.digest;

async function open(reference: string, registry: RegistryOptions): Promise<string | null> {
  const tempDir = await mkdtemp(join(tmpdir(), 'sekisho-open-'));
  try {
    const handle = await openImage(reference, { tempDir, registry });
    await handle.close();
    return handle.manifestDigest;
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

const authMissing = missingRegistryTools(['--htpasswd', '--tls']);
if (authMissing !== null) console.warn(`real-registry auth tests skipped: ${authMissing}`);

describe.skipIf(authMissing !== null)('a real registry with htpasswd auth over TLS', () => {
  let registry: RunningRegistry;
  let work: string;
  let image: string;
  let base: RegistryOptions;

  beforeAll(async () => {
    registry = await startRegistry(['--htpasswd', '--tls']);
    work = await mkdtemp(join(tmpdir(), 'sekisho-auth-'));
    await writeOciLayout(join(work, 'layout'), SPEC, { tag: 'v1' });
    await pushLayout(registry, join(work, 'layout'), 'v1', 'private/app:1');
    image = `${registry.host}/private/app:1`;
    base = { caCertFiles: [registry.ca ?? ''], dockerConfig: null, env: {}, retries: 1 };
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('pulls with --username/--password and the test CA', async () => {
    expect(await open(image, { ...base, username: registry.username ?? '', password: registry.password ?? '' })).toBe(DIGEST);
  });

  it('pulls with SEKISHO_REGISTRY_USERNAME/PASSWORD', async () => {
    expect(await open(image, { ...base, env: { SEKISHO_REGISTRY_USERNAME: registry.username ?? '', SEKISHO_REGISTRY_PASSWORD: registry.password ?? '' } })).toBe(DIGEST);
  });

  it('pulls with a Docker config.json auths entry', async () => {
    const config = join(work, 'config.json');
    await writeFile(config, JSON.stringify({ auths: { [`https://${registry.host}`]: { auth: Buffer.from(`${registry.username}:${registry.password}`).toString('base64') } } }));
    expect(await open(image, { ...base, dockerConfig: config })).toBe(DIGEST);
  });

  it('pulls with a credsStore helper, which gets the host on stdin', async () => {
    const bin = join(work, 'bin');
    const log = join(work, 'helper-stdin');
    await mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-sekitest');
    await writeFile(helper, `#!/bin/sh\n[ "$1" = get ] || exit 2\ncat > "${log}"\nprintf '{"ServerURL":"x","Username":"${registry.username}","Secret":"${registry.password}"}'\n`);
    await chmod(helper, 0o755);
    const config = join(work, 'config-store.json');
    await writeFile(config, JSON.stringify({ credsStore: 'sekitest' }));
    expect(await open(image, { ...base, dockerConfig: config, env: { PATH: `${bin}:/usr/bin:/bin` } })).toBe(DIGEST);
    expect(await readFile(log, 'utf8')).toBe(registry.host);
  });

  it('refuses without credentials, with wrong ones, and without the CA', async () => {
    await expect(open(image, base)).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
    await expect(open(image, { ...base, username: 'sekisho', password: 'wrong' })).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
    const { caCertFiles: _ca, ...noCa } = base;
    await expect(open(image, { ...noCa, username: registry.username ?? '', password: registry.password ?? '' })).rejects.toMatchObject({ code: 'REGISTRY_HTTP' });
  });

  it('skips verification for an --insecure-registry host only', async () => {
    const { caCertFiles: _ca, ...noCa } = base;
    expect(await open(image, { ...noCa, insecureRegistries: [registry.host], username: registry.username ?? '', password: registry.password ?? '' })).toBe(DIGEST);
  });
});

const mtlsMissing = missingRegistryTools(['--mtls']);

describe.skipIf(mtlsMissing !== null)('a real registry requiring client certificates', () => {
  let registry: RunningRegistry;
  let work: string;

  beforeAll(async () => {
    registry = await startRegistry(['--mtls']);
    work = await mkdtemp(join(tmpdir(), 'sekisho-mtls-'));
    await writeOciLayout(join(work, 'layout'), SPEC, { tag: 'v1' });
    await pushLayout(registry, join(work, 'layout'), 'v1', 'app:1');
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('presents the client certificate', async () => {
    const options: RegistryOptions = { caCertFiles: [registry.ca ?? ''], dockerConfig: null, env: {}, retries: 1 };
    expect(await open(`${registry.host}/app:1`, { ...options, clientCertFile: registry.clientCert ?? '', clientKeyFile: registry.clientKey ?? '' })).toBe(DIGEST);
    await expect(open(`${registry.host}/app:1`, options)).rejects.toMatchObject({ code: 'REGISTRY_HTTP' });
  });
});
