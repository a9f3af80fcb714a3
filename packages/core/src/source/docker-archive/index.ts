import { SekishoError } from '../../errors.js';
import { TarBlobStore } from '../blob-store.js';
import type { BlobStore } from '../blob-store.js';
import { digestOf, parseDigest } from '../digest.js';
import { openOciStore } from '../oci-layout/index.js';
import { configPlatform } from '../platform.js';
import { parsePlatform, platformMatches, formatPlatform } from '../platform.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, layerBuildSteps, parseJson } from '../resolve-image.js';
import { DockerArchiveManifest, ImageConfig } from '../schema.js';
import { isTarWith } from '../sniff.js';
import type { ImageHandle, ImageSource, LayerRef, OpenOptions, ParsedReference } from '../types.js';

/**
 * `docker-archive:FILE[:REPO:TAG]`: what `docker save` writes. Two forms exist: the legacy one
 * (`manifest.json` + `<id>/layer.tar` + `<hex>.json`) and the one current Docker writes, an OCI
 * layout (`index.json`, `blobs/`) with `manifest.json` kept for compatibility. The OCI form is
 * read through the layout (it can hold several platforms); the legacy form through manifest.json.
 */
export const dockerArchiveSource: ImageSource = {
  id: 'docker-archive',
  canOpen: (reference) => isTarWith(reference.path, 'manifest.json'),
  async open(reference, options) {
    return openDockerArchiveStore(await TarBlobStore.open(reference.path, options.tempDir, options.limits), reference, options);
  },
};

export async function openDockerArchiveStore(store: BlobStore, reference: ParsedReference, options: OpenOptions): Promise<ImageHandle> {
  const image = store.description;
  const entries = parseJson(await store.read('manifest.json', MAX_MANIFEST_BYTES), DockerArchiveManifest.describe('docker-archive manifest'), 'manifest.json', image);
  const entry = pickEntry(entries, reference.selector, image);
  const repoTags = entry.RepoTags ?? [];
  if ((await store.has('index.json')) && (await store.has('oci-layout'))) {
    // The OCI form: select the same image through the layout, by its config digest.
    const selector = reference.selector !== null && !reference.selector.includes(':') ? reference.selector : (repoTags[0] ?? reference.selector);
    try {
      return await openOciStore(store, { ...reference, selector: entries.length > 1 ? selector : null }, options, 'docker-archive', repoTags);
    } catch (error) {
      if (!(error instanceof SekishoError) || error.code !== 'SOURCE_NOT_FOUND') throw error;
    }
  }
  return openLegacy(store, reference, options, entry, repoTags);
}

function pickEntry(entries: DockerArchiveManifest, selector: string | null, image: string): DockerArchiveManifest[number] {
  if (selector === null) {
    const only = entries[0];
    if (entries.length === 1 && only !== undefined) return only;
    if (entries.length === 0) throw new SekishoError('SOURCE_EMPTY', 'manifest.json lists no images', { where: { image, path: 'manifest.json' } });
    const tags = entries.flatMap((e) => e.RepoTags ?? []);
    throw new SekishoError('SOURCE_INVALID', `the archive holds ${entries.length} images; pick one with :REPO:TAG (${tags.join(', ')})`, { where: { image } });
  }
  const found = entries.find((e) => (e.RepoTags ?? []).some((tag) => tag === selector || tag.endsWith(`:${selector}`) || tag.startsWith(`${selector}:`)));
  if (found === undefined) {
    throw new SekishoError('SOURCE_NOT_FOUND', `no image ${JSON.stringify(selector)} in the archive`, { where: { image } });
  }
  return found;
}

/** A `blobs/<alg>/<hex>` member name states its own digest; `<hex>.json` configs do too. */
function digestFromName(name: string): string | null {
  const blob = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(name);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const legacyConfig = /^([0-9a-f]{64})\.json$/.exec(name);
  return legacyConfig ? `sha256:${legacyConfig[1]}` : null;
}

async function openLegacy(store: BlobStore, reference: ParsedReference, options: OpenOptions, entry: DockerArchiveManifest[number], repoTags: readonly string[]): Promise<ImageHandle> {
  const image = store.description;
  const configBytes = await store.read(entry.Config, MAX_CONFIG_BYTES);
  const configDigest = digestOf(configBytes);
  const named = digestFromName(entry.Config);
  if (named !== null) {
    parseDigest(named, { image });
    if (named !== configDigest) {
      throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `config digest mismatch: expected ${named}, got ${configDigest}`, { where: { image, path: entry.Config } });
    }
  }
  const config = parseJson(configBytes, ImageConfig.describe('image config'), entry.Config, image);
  if (config.rootfs.diff_ids.length !== entry.Layers.length) {
    throw new SekishoError('SOURCE_INVALID', `manifest.json lists ${entry.Layers.length} layers but the config lists ${config.rootfs.diff_ids.length} diff_ids`, {
      where: { image, path: 'manifest.json' },
    });
  }
  if (entry.Layers.length === 0) throw new SekishoError('SOURCE_EMPTY', 'the image has no layers: nothing to scan', { where: { image } });
  const platform = configPlatform(config);
  if (options.platform !== undefined) {
    const wanted = parsePlatform(options.platform);
    if (platform === null || !platformMatches(platform, wanted)) {
      throw new SekishoError('SOURCE_NO_MATCHING_PLATFORM', `the archive holds ${platform ? formatPlatform(platform) : 'an image of unknown platform'}, not ${formatPlatform(wanted)}`, {
        where: { image },
      });
    }
  }
  const steps = layerBuildSteps(config);
  const layers: LayerRef[] = [];
  const hashStored = store.hash?.bind(store);
  const locateStored = store.locate?.bind(store);
  for (const [index, path] of entry.Layers.entries()) {
    const size = await store.size(path);
    layers.push({
      index,
      digest: digestFromName(path),
      diffId: config.rootfs.diff_ids[index] ?? null,
      mediaType: null,
      size,
      createdBy: steps[index] ?? null,
      openBlob: () => store.open(path),
      ...(hashStored === undefined ? {} : { hashBlob: (maxBytes: number, check?: () => void) => hashStored(path, maxBytes, check) }),
      ...(locateStored === undefined ? {} : { locateBlob: () => locateStored(path) }),
    });
  }
  return {
    reference: reference.path,
    sourceType: 'docker-archive',
    manifestDigest: null,
    configDigest,
    platform,
    repoTags,
    config,
    layers,
    close: () => store.close(),
  };
}
