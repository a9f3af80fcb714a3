import { z } from 'zod';
import { SekishoError } from '../../errors.js';
import type { BlobStore } from '../blob-store.js';
import { parseDigest } from '../digest.js';
import { configPlatform } from '../platform.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, resolveImage } from '../resolve-image.js';
import type { ImageHandle, LayerRef, OpenOptions } from '../types.js';
import { RegistryClient } from './client.js';
import type { FetchedManifest } from './client.js';
import type { TransportDeps } from './transport.js';
import { formatImageReference } from './reference.js';
import type { ImageReference } from './reference.js';

const ChildManifests = z.looseObject({
  manifests: z
    .array(z.looseObject({ digest: z.string() }))
    .max(10_000)
    .optional(),
});

/**
 * The registry seen as the BlobStore that `resolveImage` walks, so index → platform → manifest →
 * config resolution, digest and size checks and schema-1 refusal are the ones every source uses:
 * `index.json` is a one-entry index naming the manifest the tag or digest resolved to; blob paths
 * of manifests (the top one and those listed by an index) are fetched from `/manifests/`, others
 * (the config) from `/blobs/`. Fetched bytes are held only until resolveImage reads them.
 */
export class RegistryBlobStore implements BlobStore {
  readonly description: string;
  readonly #client: RegistryClient;
  readonly #repository: string;
  readonly #index: Buffer;
  readonly #manifests = new Set<string>();
  readonly #fetched = new Map<string, Buffer>();

  constructor(client: RegistryClient, repository: string, description: string, top: FetchedManifest, refName: string | null) {
    this.#client = client;
    this.#repository = repository;
    this.description = description;
    this.#manifests.add(top.digest);
    this.#fetched.set(top.digest, top.bytes);
    this.#noteChildren(top.bytes);
    const descriptor = {
      ...(top.mediaType === null ? {} : { mediaType: top.mediaType }),
      digest: top.digest,
      size: top.size,
      ...(refName === null ? {} : { annotations: { 'org.opencontainers.image.ref.name': refName } }),
    };
    this.#index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [descriptor] }));
  }

  #noteChildren(bytes: Buffer): void {
    try {
      const parsed = ChildManifests.safeParse(JSON.parse(bytes.toString('utf8')));
      if (parsed.success) for (const m of parsed.data.manifests ?? []) this.#manifests.add(m.digest);
    } catch {
      // not JSON: resolveImage reports it
    }
  }

  #digestOf(path: string): string {
    const match = /^blobs\/([a-z0-9]+)\/([0-9a-f]+)$/.exec(path);
    if (match === null) throw new SekishoError('SOURCE_MISSING_BLOB', `no ${path} in a registry`, { where: { image: this.description, path } });
    const digest = `${match[1]}:${match[2]}`;
    parseDigest(digest, { image: this.description });
    return digest;
  }

  async #fetch(path: string): Promise<Buffer> {
    const digest = this.#digestOf(path);
    const held = this.#fetched.get(digest);
    if (held !== undefined) return held;
    let bytes: Buffer;
    if (this.#manifests.has(digest)) {
      bytes = (await this.#client.getManifest(this.#repository, digest)).bytes;
      this.#noteChildren(bytes);
    } else {
      bytes = await this.#client.readBlob(this.#repository, digest, MAX_CONFIG_BYTES);
    }
    this.#fetched.set(digest, bytes);
    return bytes;
  }

  async has(path: string): Promise<boolean> {
    return path === 'index.json' || path === 'oci-layout' || path.startsWith('blobs/');
  }

  async size(path: string): Promise<number> {
    if (path === 'index.json') return this.#index.length;
    return (await this.#fetch(path)).length;
  }

  async read(path: string, maxBytes: number): Promise<Buffer> {
    const bytes = path === 'index.json' ? this.#index : await this.#fetch(path);
    if (path !== 'index.json') this.#fetched.delete(this.#digestOf(path));
    if (bytes.length > maxBytes) {
      throw new SekishoError('LIMIT_JSON_SIZE', `${path} is ${bytes.length} bytes, over the ${maxBytes}-byte limit`, { where: { image: this.description, path } });
    }
    return bytes;
  }

  open(path: string): AsyncIterable<Buffer> {
    return this.#client.blobStream(this.#repository, this.#digestOf(path), null);
  }

  async close(): Promise<void> {
    this.#fetched.clear();
    await this.#client.close();
  }
}

/**
 * Open an image in a registry: resolve the tag or digest to a manifest (by digest: verified),
 * pick the platform from an index, read and verify the config; layers are streamed from the
 * registry only when the scan asks for them (a layer found in the layer cache is never fetched).
 */
export async function openRegistryImage(ref: ImageReference, options: OpenOptions, deps: TransportDeps = {}): Promise<ImageHandle> {
  const client = new RegistryClient({ registry: ref.registry, apiHost: ref.apiHost }, options.registry ?? {}, deps);
  const description = formatImageReference(ref);
  try {
    const top = await client.getManifest(ref.repository, ref.selector);
    if (top.size > MAX_MANIFEST_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', 'manifest over the size limit', { where: { image: description } });
    const store = new RegistryBlobStore(client, ref.repository, description, top, ref.tag);
    const resolved = await resolveImage(store, null, options.platform);
    const layers = resolved.layers.map((layer): LayerRef => {
      const digest = layer.digest;
      if (digest === null) return layer;
      return { ...layer, digestBound: true, openBlob: () => client.blobStream(ref.repository, digest, layer.size, { lend: true }) };
    });
    return {
      reference: description,
      sourceType: 'registry',
      manifestDigest: resolved.manifestDigest,
      configDigest: resolved.configDigest,
      platform: resolved.platform ?? configPlatform(resolved.config),
      repoTags: ref.tag === null ? [] : [`${ref.registry}/${ref.repository}:${ref.tag}`],
      config: resolved.config,
      layers,
      close: () => store.close(),
    };
  } catch (error) {
    await client.close();
    if (error instanceof SekishoError) throw error.withWhere({ image: description });
    throw error;
  }
}
