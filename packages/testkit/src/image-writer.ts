import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import zlib from 'node:zlib';
import { writeTar } from './tar-writer.js';
import type { TarEntrySpec } from './tar-writer.js';

/**
 * Declarative image fixtures: layers as entry lists, written as an OCI layout, an oci-archive or
 * a docker-archive (legacy or current form). No Docker engine involved.
 */
export interface LayerSpec {
  readonly entries: readonly TarEntrySpec[];
  readonly compression?: 'gzip' | 'zstd' | 'none';
  readonly createdBy?: string;
  /** Raw layer bytes to use instead of a tar built from `entries` (hostile layers). */
  readonly raw?: Buffer;
}

export interface ImageSpec {
  readonly layers: readonly LayerSpec[];
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly config?: {
    readonly User?: string;
    readonly Env?: readonly string[];
    readonly Cmd?: readonly string[];
    readonly Entrypoint?: readonly string[];
    readonly ExposedPorts?: Readonly<Record<string, object>>;
    readonly Labels?: Readonly<Record<string, string>>;
    readonly Healthcheck?: { readonly Test: readonly string[] };
    readonly WorkingDir?: string;
  };
  /** Extra history entries with empty_layer (e.g. ENV steps). */
  readonly emptySteps?: readonly string[];
  readonly created?: string;
  /** `rootfs.diff_ids` to write instead of the real ones (configs that lie about their layers). */
  readonly diffIds?: readonly string[];
}

export interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
  readonly mediaType: string;
}

export interface BuiltImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly (Blob & { readonly diffId: string; readonly tar: Buffer })[];
  readonly platform: { os: string; architecture: string; variant?: string };
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function compress(tar: Buffer, compression: 'gzip' | 'zstd' | 'none'): Buffer {
  if (compression === 'gzip') return zlib.gzipSync(tar);
  if (compression === 'zstd') return zlib.zstdCompressSync(tar);
  return tar;
}

const LAYER_MEDIA = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export function buildImage(spec: ImageSpec): BuiltImage {
  const layers = spec.layers.map((layer) => {
    const tar = layer.raw ?? writeTar(layer.entries);
    const compression = layer.compression ?? 'gzip';
    const bytes = layer.raw ?? compress(tar, compression);
    return { digest: sha256(bytes), bytes, mediaType: LAYER_MEDIA[compression], diffId: sha256(tar), tar };
  });
  const history = [...spec.layers.map((layer, i) => ({ created_by: layer.createdBy ?? `layer ${i}` })), ...(spec.emptySteps ?? []).map((step) => ({ created_by: step, empty_layer: true }))];
  const platform = { os: spec.os ?? 'linux', architecture: spec.architecture ?? 'amd64', ...(spec.variant ? { variant: spec.variant } : {}) };
  const configJson = {
    ...platform,
    created: spec.created ?? '2024-01-01T00:00:00Z',
    config: spec.config ?? {},
    rootfs: { type: 'layers', diff_ids: spec.diffIds ?? layers.map((l) => l.diffId) },
    history,
  };
  const configBytes = Buffer.from(JSON.stringify(configJson));
  const config = { digest: sha256(configBytes), bytes: configBytes, mediaType: 'application/vnd.oci.image.config.v1+json' };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifestJson));
  return {
    manifest: { digest: sha256(manifestBytes), bytes: manifestBytes, mediaType: manifestJson.mediaType },
    config,
    layers,
    platform,
  };
}

export interface LayoutOptions {
  /** Tag written as `org.opencontainers.image.ref.name`. */
  readonly tag?: string;
  /** Put several platforms behind one image index. */
  readonly platforms?: readonly ImageSpec[];
  /** Change bytes after digests are computed (wrong-digest fixtures). */
  readonly tamper?: (files: Map<string, Buffer>) => void;
}

function blobFile(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** The files of an OCI image layout, as a path → bytes map. */
export function ociLayoutFiles(spec: ImageSpec, options: LayoutOptions = {}): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  const images = (options.platforms ?? [spec]).map(buildImage);
  for (const image of images) {
    for (const blob of [image.manifest, image.config, ...image.layers]) files.set(blobFile(blob.digest), blob.bytes);
  }
  const annotations = options.tag ? { 'org.opencontainers.image.ref.name': options.tag } : undefined;
  let top;
  if (options.platforms) {
    const indexJson = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.map((image) => ({ mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, platform: image.platform })),
    };
    const bytes = Buffer.from(JSON.stringify(indexJson));
    files.set(blobFile(sha256(bytes)), bytes);
    top = { mediaType: indexJson.mediaType, digest: sha256(bytes), size: bytes.length, ...(annotations ? { annotations } : {}) };
  } else {
    const image = images[0];
    if (image === undefined) throw new Error('no image');
    top = { mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, ...(annotations ? { annotations } : {}) };
  }
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [top] })));
  options.tamper?.(files);
  return files;
}

export async function writeFiles(dir: string, files: Map<string, Buffer>): Promise<void> {
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

export function archiveOf(files: Map<string, Buffer>): Buffer {
  return writeTar([...files].map(([name, content]) => ({ name, content })));
}

export async function writeOciLayout(dir: string, spec: ImageSpec, options: LayoutOptions = {}): Promise<void> {
  await writeFiles(dir, ociLayoutFiles(spec, options));
}

export async function writeOciArchive(file: string, spec: ImageSpec, options: LayoutOptions = {}): Promise<void> {
  await writeFile(file, archiveOf(ociLayoutFiles(spec, options)));
}

/**
 * A `docker save` archive. `legacy`: `<id>/layer.tar` + `<hex>.json` + manifest.json (layers
 * uncompressed). `oci`: what current Docker writes — an OCI layout plus manifest.json.
 */
export function dockerArchiveFiles(spec: ImageSpec, options: { form?: 'legacy' | 'oci'; repoTag?: string; tamper?: (files: Map<string, Buffer>) => void } = {}): Map<string, Buffer> {
  const repoTags = [options.repoTag ?? 'example/app:latest'];
  if ((options.form ?? 'legacy') === 'oci') {
    const uncompressed: ImageSpec = { ...spec, layers: spec.layers.map((l) => ({ ...l, compression: 'none' as const })) };
    const files = ociLayoutFiles(uncompressed);
    const image = buildImage(uncompressed);
    const index = JSON.parse(files.get('index.json')?.toString() ?? '{}') as { manifests: { annotations?: Record<string, string> }[] };
    for (const m of index.manifests) m.annotations = { 'io.containerd.image.name': `docker.io/${repoTags[0]}`, 'org.opencontainers.image.ref.name': repoTags[0]?.split(':')[1] ?? 'latest' };
    files.set('index.json', Buffer.from(JSON.stringify(index)));
    files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: blobFile(image.config.digest), RepoTags: repoTags, Layers: image.layers.map((l) => blobFile(l.digest)) }])));
    options.tamper?.(files);
    return files;
  }
  const image = buildImage({ ...spec, layers: spec.layers.map((l) => ({ ...l, compression: 'none' as const })) });
  const files = new Map<string, Buffer>();
  const configName = `${image.config.digest.slice(7)}.json`;
  const layerNames: string[] = [];
  for (const layer of image.layers) {
    const id = createHash('sha256').update(layer.diffId).digest('hex');
    files.set(`${id}/VERSION`, Buffer.from('1.0'));
    files.set(`${id}/layer.tar`, layer.bytes);
    layerNames.push(`${id}/layer.tar`);
  }
  files.set(configName, image.config.bytes);
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerNames }])));
  options.tamper?.(files);
  return files;
}

export async function writeDockerArchive(file: string, spec: ImageSpec, options: Parameters<typeof dockerArchiveFiles>[1] = {}): Promise<void> {
  await writeFile(file, archiveOf(dockerArchiveFiles(spec, options)));
}
