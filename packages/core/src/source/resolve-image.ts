import type { Platform } from '@sekisho/model';
import { z } from 'zod';
import { SekishoError } from '../errors.js';
import type { BlobStore } from './blob-store.js';
import { blobPath, verifyDigest } from './digest.js';
import { configPlatform, formatPlatform, parsePlatform, platformMatches } from './platform.js';
import { ImageConfig, ImageIndex, ImageManifest, MEDIA_TYPES } from './schema.js';
import type { Descriptor } from './schema.js';
import type { LayerRef } from './types.js';
import { PARSE_ONCE } from '../util/parse-once.js';

const ManifestKind = z.looseObject({ mediaType: z.string().optional(), manifests: z.unknown().optional() }).describe('manifest');

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024;
const MAX_INDEX_DEPTH = 4;

export interface ResolvedImage {
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly config: ImageConfig;
  readonly platform: Platform | null;
  readonly layers: readonly LayerRef[];
  readonly refNames: readonly string[];
}

/** Parse JSON from an image and check it against a schema; errors name the file. */
export function parseJson<T>(bytes: Buffer, schema: z.ZodType<T>, what: string, image: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SekishoError('SOURCE_INVALID', `${what} is not valid JSON`, { where: { image, path: what }, cause: error });
  }
  if (typeof value === 'object' && value !== null && (value as { schemaVersion?: unknown }).schemaVersion === 1) {
    throw schema1(image, what);
  }
  const parsed = schema.safeParse(value, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new SekishoError('SOURCE_INVALID', `${what} is not a valid ${schema.description ?? 'document'}${at}`, { where: { image, path: what } });
  }
  return parsed.data;
}

function schema1(image: string, what: string): SekishoError {
  return new SekishoError('SOURCE_SCHEMA1', 'Docker image manifest schema 1 is deprecated and not supported; re-push or re-save the image with a current tool', { where: { image, path: what } });
}

async function readBlob(store: BlobStore, descriptor: Descriptor, max: number, what: string): Promise<Buffer> {
  const path = blobPath(descriptor.digest, { image: store.description });
  const size = await store.size(path);
  if (size !== descriptor.size) {
    throw new SekishoError('INTEGRITY_SIZE_MISMATCH', `${what} ${descriptor.digest} is ${size} bytes, descriptor says ${descriptor.size}`, {
      where: { image: store.description, path },
    });
  }
  const bytes = await store.read(path, max);
  verifyDigest(bytes, descriptor.digest, what, { image: store.description, path });
  return bytes;
}

function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}

function refNames(descriptor: Descriptor): string[] {
  const a = descriptor.annotations ?? {};
  return [a['org.opencontainers.image.ref.name'], a['io.containerd.image.name']].filter((n): n is string => n !== undefined);
}

function matchesSelector(descriptor: Descriptor, selector: string): boolean {
  if (selector.includes(':') && /^[a-z0-9]+:[0-9a-f]{32,}$/.test(selector)) return descriptor.digest === selector;
  return refNames(descriptor).some((name) => name === selector || name.endsWith(`:${selector}`) || name.endsWith(`/${selector}`));
}

/**
 * From an OCI layout's `index.json` to one image: pick by tag or digest, descend nested indexes
 * by platform, verify every blob read against its descriptor's digest and size.
 */
export async function resolveImage(store: BlobStore, selector: string | null, platformText: string | undefined): Promise<ResolvedImage> {
  const image = store.description;
  const index = parseJson(await store.read('index.json', MAX_MANIFEST_BYTES), ImageIndex.describe('OCI image index'), 'index.json', image);
  const wanted = parsePlatform(platformText);
  let candidates = index.manifests;
  if (selector !== null) {
    candidates = candidates.filter((d) => matchesSelector(d, selector));
    if (candidates.length === 0) {
      const names = index.manifests.flatMap(refNames);
      throw new SekishoError('SOURCE_NOT_FOUND', `no image ${JSON.stringify(selector)} in the layout (has: ${names.join(', ') || 'no named images'})`, {
        where: { image },
      });
    }
  }
  if (candidates.length === 0) throw new SekishoError('SOURCE_EMPTY', 'the image index lists no manifests', { where: { image, path: 'index.json' } });
  let top: Descriptor;
  const first = candidates[0];
  if (candidates.length === 1 && first !== undefined) {
    top = first;
  } else if (candidates.every((d) => d.platform !== undefined)) {
    // index.json itself is the multi-platform index
    top = choosePlatform(candidates, wanted, image);
  } else {
    const names = candidates.flatMap(refNames);
    throw new SekishoError('SOURCE_INVALID', `the layout holds ${candidates.length} images; pick one with :TAG or @DIGEST (${names.join(', ')})`, {
      where: { image },
    });
  }
  const names = refNames(top);
  let platform: Platform | null = top.platform ? { os: top.platform.os, architecture: top.platform.architecture, variant: top.platform.variant ?? null } : null;
  for (let depth = 0; ; depth += 1) {
    if (depth > MAX_INDEX_DEPTH) throw new SekishoError('SOURCE_INVALID', 'image indexes nested too deeply', { where: { image } });
    if (top.mediaType === MEDIA_TYPES.dockerSchema1 || top.mediaType === MEDIA_TYPES.dockerSchema1Signed) throw schema1(image, top.digest);
    const bytes = await readBlob(store, top, MAX_MANIFEST_BYTES, 'manifest');
    const json = parseJson(bytes, ManifestKind, top.digest, image);
    if (isIndexType(top.mediaType) || isIndexType(json.mediaType) || Array.isArray(json.manifests)) {
      const nested = parseJson(bytes, ImageIndex.describe('image index'), top.digest, image);
      top = choosePlatform(nested.manifests, wanted, image);
      if (top.platform) platform = { os: top.platform.os, architecture: top.platform.architecture, variant: top.platform.variant ?? null };
      continue;
    }
    const manifest = parseJson(bytes, ImageManifest.describe('image manifest'), top.digest, image);
    const resolved = await manifestToImage(store, manifest, top.digest);
    if (platformText !== undefined) refuseOtherPlatform(platform ?? configPlatform(resolved.config), wanted, image);
    return { ...resolved, platform: platform ?? null, refNames: names };
  }
}

/** An explicit `--platform` is a requirement: a single-platform image of another platform is not silently scanned instead. */
function refuseOtherPlatform(actual: Platform | null, wanted: Platform, image: string): void {
  if (actual !== null && platformMatches(actual, wanted)) return;
  throw new SekishoError('SOURCE_NO_MATCHING_PLATFORM', `the image is ${actual ? formatPlatform(actual) : 'of unknown platform'}, not ${formatPlatform(wanted)}`, {
    where: { image },
  });
}

function choosePlatform(manifests: readonly Descriptor[], wanted: Platform, image: string): Descriptor {
  const images = manifests.filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  const match = images.find((d) => d.platform !== undefined && platformMatches(d.platform, wanted));
  if (match !== undefined) return match;
  const available = images.map((d) => (d.platform ? formatPlatform({ os: d.platform.os, architecture: d.platform.architecture, variant: d.platform.variant ?? null }) : 'unknown'));
  throw new SekishoError('SOURCE_NO_MATCHING_PLATFORM', `no image for platform ${formatPlatform(wanted)} (available: ${available.join(', ') || 'none'}); choose one with --platform`, {
    where: { image },
  });
}

async function manifestToImage(store: BlobStore, manifest: ImageManifest, manifestDigest: string): Promise<Omit<ResolvedImage, 'platform' | 'refNames'>> {
  const image = store.description;
  const configBytes = await readBlob(store, manifest.config, MAX_CONFIG_BYTES, 'config');
  const config = parseJson(configBytes, ImageConfig.describe('image config'), manifest.config.digest, image);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new SekishoError('SOURCE_INVALID', `manifest lists ${manifest.layers.length} layers but the config lists ${config.rootfs.diff_ids.length} diff_ids`, {
      where: { image, path: manifestDigest },
    });
  }
  if (manifest.layers.length === 0) throw new SekishoError('SOURCE_EMPTY', 'the image has no layers: nothing to scan', { where: { image } });
  const steps = layerBuildSteps(config);
  const hashStored = store.hash?.bind(store);
  const locateStored = store.locate?.bind(store);
  const layers = manifest.layers.map((descriptor, index): LayerRef => {
    const path = blobPath(descriptor.digest, { image });
    return {
      index,
      digest: descriptor.digest,
      diffId: config.rootfs.diff_ids[index] ?? null,
      mediaType: descriptor.mediaType ?? null,
      size: descriptor.size,
      createdBy: steps[index] ?? null,
      openBlob: () => store.open(path),
      ...(hashStored === undefined ? {} : { hashBlob: (maxBytes: number, check?: () => void) => hashStored(path, maxBytes, check) }),
      ...(locateStored === undefined ? {} : { locateBlob: () => locateStored(path) }),
    };
  });
  return { manifestDigest, configDigest: manifest.config.digest, config, layers };
}

/** History entries that made a layer (not `empty_layer`), in order: the build step of each layer. */
export function layerBuildSteps(config: ImageConfig): (string | null)[] {
  const steps: (string | null)[] = [];
  for (const entry of config.history ?? []) {
    if (entry.empty_layer === true) continue;
    steps.push(entry.created_by ?? entry.comment ?? null);
  }
  // History that does not account for every layer is unreliable: better none than a wrong step.
  return steps.length === config.rootfs.diff_ids.length ? steps : config.rootfs.diff_ids.map(() => null);
}
