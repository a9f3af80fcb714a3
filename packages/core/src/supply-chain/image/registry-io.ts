import { RegistryClient } from '../../source/registry/client.js';
import type { FetchedManifest } from '../../source/registry/client.js';
import type { RegistryOptions } from '../../source/registry/options.js';
import { parseImageReference } from '../../source/registry/reference.js';
import type { ImageReference } from '../../source/registry/reference.js';
import { header } from '../../source/registry/transport.js';
import { SekishoError } from '../../errors.js';
import { OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, type OciDescriptor } from './payload.js';

export interface ResolvedImage {
  readonly reference: ImageReference;
  readonly client: RegistryClient;
  readonly manifest: FetchedManifest;
  /** The image manifest as a descriptor (for `subject`). */
  readonly descriptor: OciDescriptor;
  /** `registry/repository`, as cosign names the image in payloads and statement subjects. */
  readonly name: string;
}

const MAX_INDEX_ENTRIES = 1000;

/** Resolves a reference (tag or digest) to the manifest it names; the caller closes `client`. */
export async function resolveImage(text: string, options: RegistryOptions = {}): Promise<ResolvedImage> {
  const reference = parseImageReference(text.replace(/^(?:docker|registry):\/\//, ''));
  const client = new RegistryClient({ registry: reference.registry, apiHost: reference.apiHost }, options);
  try {
    const manifest = await client.getManifest(reference.repository, reference.selector);
    const mediaType = manifest.mediaType ?? mediaTypeInside(manifest.bytes) ?? OCI_MANIFEST_MEDIA_TYPE;
    return {
      reference,
      client,
      manifest,
      descriptor: { mediaType, digest: manifest.digest, size: manifest.size },
      name: `${reference.registry}/${reference.repository}`,
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

function mediaTypeInside(bytes: Buffer): string | null {
  try {
    const value = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Whether the registry answers the OCI 1.1 referrers API for this repository (distribution-spec
 * "Listing Referrers"): a 200 with an image index. Otherwise a client keeps the tag-schema index.
 */
export async function hasReferrersApi(client: RegistryClient, repository: string, digest: string): Promise<boolean> {
  const res = await client.request({
    method: 'GET',
    path: `/v2/${repository}/referrers/${digest}`,
    kind: 'referrers',
    scope: `repository:${repository}:pull`,
    headers: { accept: OCI_INDEX_MEDIA_TYPE },
    acceptStatus: () => true,
  });
  await res.body.dump({ limit: 4 * 1024 * 1024 }).catch(() => undefined);
  return res.status === 200 && header(res, 'content-type')?.split(';')[0]?.trim() === OCI_INDEX_MEDIA_TYPE;
}

/**
 * Adds a referrer to the `<alg>-<hex>` tag-schema index (distribution-spec "Pushing Manifests with
 * Subject", fallback). Read-modify-write: two writers at once can lose an entry, as with cosign.
 */
export async function addToReferrersTag(client: RegistryClient, repository: string, subjectDigest: string, entry: OciDescriptor): Promise<void> {
  const tag = subjectDigest.replace(':', '-');
  let manifests: OciDescriptor[] = [];
  try {
    const existing = await client.getManifest(repository, tag, { accept: OCI_INDEX_MEDIA_TYPE });
    const parsed = JSON.parse(existing.bytes.toString('utf8')) as { manifests?: unknown };
    if (Array.isArray(parsed.manifests)) manifests = parsed.manifests.slice(0, MAX_INDEX_ENTRIES) as OciDescriptor[];
  } catch (error) {
    if (!(error instanceof SekishoError && error.code === 'SOURCE_NOT_FOUND') && !(error instanceof SyntaxError)) throw error;
  }
  if (manifests.some((m) => m.digest === entry.digest)) return;
  manifests.push(entry);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests }));
  await client.pushManifest(repository, tag, index, OCI_INDEX_MEDIA_TYPE);
}
