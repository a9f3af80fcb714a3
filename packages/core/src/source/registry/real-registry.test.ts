import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, writeOciLayout } from '@sekisho/testkit';
import type { ImageSpec } from '@sekisho/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../../scan/scan-image.js';
import { RegistryClient } from './client.js';
import type { RegistryOptions, RegistryRequestEvent } from './options.js';
import { missingRegistryTools, pushLayout, startRegistry } from './test-registry.js';
import type { RunningRegistry } from './test-registry.js';

/* Against a real registry: Debian's docker-registry (distribution 2.8) over plain HTTP, images
   pushed with skopeo from OCI layouts written by @sekisho/testkit. */

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
const stanza = (name: string, version: string) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n\n`;

const SPEC: ImageSpec = {
  layers: [
    {
      createdBy: 'ADD rootfs',
      entries: [
        { name: 'etc/os-release', content: OS_RELEASE },
        { name: 'var/lib/dpkg/status', content: stanza('libc6', '2.36-9') + stanza('bash', '5.2.15-2') },
      ],
    },
    {
      createdBy: 'RUN apt-get install curl',
      compression: 'zstd',
      entries: [{ name: 'var/lib/dpkg/status', content: stanza('libc6', '2.36-9') + stanza('bash', '5.2.15-2') + stanza('curl', '7.88.1-10') }],
    },
  ],
};
const ARM: ImageSpec = { ...SPEC, architecture: 'arm64', variant: 'v8' };

const missing = missingRegistryTools();
if (missing !== null) console.warn(`real-registry tests skipped: ${missing}`);

describe.skipIf(missing !== null)('a real registry over plain HTTP', () => {
  let registry: RunningRegistry;
  let work: string;
  let options: RegistryOptions;

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'sekisho-real-'));
    options = { insecureRegistries: [registry.host], dockerConfig: null, env: {} };
    await writeOciLayout(join(work, 'single'), SPEC, { tag: 'v1' });
    await writeOciLayout(join(work, 'multi'), SPEC, { tag: 'v1', platforms: [SPEC, ARM] });
    await pushLayout(registry, join(work, 'single'), 'v1', 'team/app:1.0');
    await pushLayout(registry, join(work, 'single'), 'v1', 'team/app:1.1');
    await pushLayout(registry, join(work, 'single'), 'v1', 'team/app:latest');
    await pushLayout(registry, join(work, 'multi'), 'v1', 'team/multi:1');
    await pushLayout(registry, join(work, 'single'), 'v1', 'other/tool:2');
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('scans an image by tag like the same OCI layout on disk', async () => {
    const remote = await scanImage(`${registry.host}/team/app:1.0`, { cacheDir: null, registry: options });
    const local = await scanImage(`oci:${join(work, 'single')}:v1`, { cacheDir: null });
    const built = buildImage(SPEC);
    expect(remote.report.target).toMatchObject({ sourceType: 'registry', manifestDigest: built.manifest.digest, configDigest: built.config.digest, repoTags: [`${registry.host}/team/app:1.0`] });
    expect(remote.report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(local.report.packages.map((p) => `${p.name}@${p.version}`));
    expect(remote.report.packages.map((p) => p.name).sort()).toEqual(['bash', 'curl', 'libc6']);
    expect(remote.report.image?.layers.map((l) => l.digest)).toEqual(built.layers.map((l) => l.digest));
  });

  it('scans an image by digest, and with the registry: prefix', async () => {
    const digest = buildImage(SPEC).manifest.digest;
    const scan = await scanImage(`registry:${registry.host}/team/app@${digest}`, { cacheDir: null, registry: options });
    expect(scan.report.target.manifestDigest).toBe(digest);
  });

  it('picks the platform from a multi-architecture index', async () => {
    const arm = await scanImage(`${registry.host}/team/multi:1`, { cacheDir: null, registry: options, platform: 'linux/arm64' });
    expect(arm.report.target.platform).toMatchObject({ os: 'linux', architecture: 'arm64' });
    expect(arm.report.target.manifestDigest).toBe(buildImage(ARM).manifest.digest);
    const amd = await scanImage(`${registry.host}/team/multi:1`, { cacheDir: null, registry: options, platform: 'linux/amd64' });
    expect(amd.report.target.manifestDigest).toBe(buildImage(SPEC).manifest.digest);
    await expect(scanImage(`${registry.host}/team/multi:1`, { cacheDir: null, registry: options, platform: 'linux/s390x' })).rejects.toMatchObject({
      code: 'SOURCE_NO_MATCHING_PLATFORM',
    });
  });

  it('fetches no layer blob when the layers are cached', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'sekisho-cache-'));
    try {
      const events: RegistryRequestEvent[] = [];
      const counting = { ...options, onRequest: (e: RegistryRequestEvent) => events.push(e) };
      const layerDigests = buildImage(SPEC).layers.map((l) => l.digest);
      const layerRequests = () => events.filter((e) => e.kind === 'blob' && layerDigests.some((d) => e.url.endsWith(d)));
      const first = await scanImage(`${registry.host}/team/app:1.1`, { cacheDir, registry: counting });
      expect(layerRequests()).toHaveLength(2);
      events.length = 0;
      const second = await scanImage(`${registry.host}/team/app:1.1`, { cacheDir, registry: counting });
      expect(layerRequests()).toHaveLength(0);
      // What remains: the manifest and the (small, digest-verified) config.
      expect(events.filter((e) => e.kind === 'blob').map((e) => e.url.slice(e.url.lastIndexOf('/') + 1))).toEqual([buildImage(SPEC).config.digest]);
      expect(second.report.packages).toEqual(first.report.packages);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('refuses plain HTTP unless the host was named insecure', async () => {
    await expect(scanImage(`${registry.host}/team/app:1.0`, { cacheDir: null, registry: { dockerConfig: null, env: {}, retries: 1 } })).rejects.toMatchObject({ code: 'REGISTRY_HTTP' });
  });

  it('reports a missing tag or repository as SOURCE_NOT_FOUND', async () => {
    await expect(scanImage(`${registry.host}/team/app:nope`, { cacheDir: null, registry: options })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(scanImage(`${registry.host}/nobody/here:1`, { cacheDir: null, registry: options })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });

  it('lists repositories and tags across pages', async () => {
    const events: RegistryRequestEvent[] = [];
    const client = new RegistryClient({ registry: registry.host, apiHost: registry.host }, { ...options, onRequest: (e) => events.push(e) });
    try {
      expect(await client.catalog({ pageSize: 1 })).toEqual(['other/tool', 'team/app', 'team/multi']);
      // one page per repository, then the last page without a Link header
      expect(events.filter((e) => e.kind === 'catalog' && e.status === 200).length).toBeGreaterThanOrEqual(3);
      // distribution 2.8 returns every tag at once, in no particular order
      expect((await client.listTags('team/app', { pageSize: 1 })).sort()).toEqual(['1.0', '1.1', 'latest']);
      expect(await client.listTags('team/app', { pageSize: 1, max: 2 })).toHaveLength(2);
      await expect(client.listTags('nobody/here')).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    } finally {
      await client.close();
    }
  });

  it('pushes blobs and manifests, and finds referrers through the tag-schema fallback', async () => {
    const client = new RegistryClient({ registry: registry.host, apiHost: registry.host }, options);
    try {
      const subject = buildImage(SPEC).manifest;
      const empty = Buffer.from('{}');
      const emptyDigest = await client.pushBlob('team/app', empty);
      const payload = Buffer.from('{"predicateType":"https://cyclonedx.org/bom"}');
      const payloadDigest = await client.pushBlob('team/app', payload);
      expect(await client.hasBlob('team/app', payloadDigest)).toBe(true);
      const artifact = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/vnd.example.sbom',
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 },
          layers: [{ mediaType: 'application/json', digest: payloadDigest, size: payload.length }],
          subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.bytes.length },
        }),
      );
      const artifactDigest = await client.pushManifest('team/app', 'sbom', artifact, 'application/vnd.oci.image.manifest.v1+json');
      // distribution 2.8 has no referrers API: the client must use the `sha256-<hex>` tag.
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: artifactDigest, size: artifact.length, artifactType: 'application/vnd.example.sbom' }],
        }),
      );
      await client.pushManifest('team/app', subject.digest.replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');
      expect(await client.referrers('team/app', subject.digest)).toEqual([
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: artifactDigest, size: artifact.length, artifactType: 'application/vnd.example.sbom' },
      ]);
      expect(await client.referrers('team/app', subject.digest, { artifactType: 'other' })).toEqual([]);
      expect(await client.referrers('team/app', buildImage(ARM).config.digest)).toEqual([]);
      const fetched = await client.getManifest('team/app', artifactDigest);
      expect(fetched.bytes.equals(artifact)).toBe(true);
      expect((await client.headManifest('team/app', 'sbom'))?.digest).toBe(artifactDigest);
    } finally {
      await client.close();
    }
  });
});
