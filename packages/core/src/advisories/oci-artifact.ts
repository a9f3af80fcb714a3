import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { SekishoError } from '../errors.js';
import { RegistryClient } from '../source/registry/client.js';
import type { RegistryOptions } from '../source/registry/options.js';
import { parseImageReference } from '../source/registry/reference.js';
import { openAdvisoryStore } from './sqlite-store.js';

/*
 * The advisory database as an OCI artifact (image-spec v1.1 artifact guidance): a manifest with
 * `artifactType`, the empty config, and one layer — the SQLite file zstd-compressed. Any OCI
 * registry stores it, so air-gapped teams mirror it with the tools they already use.
 */
export const DB_ARTIFACT_TYPE = 'application/vnd.sekisho.advisory-db.v1';
export const DB_LAYER_MEDIA_TYPE = 'application/vnd.sekisho.advisory-db.v1.sqlite+zstd';
const EMPTY_CONFIG_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** A compressed database larger than this is refused on pull. */
const MAX_DB_BLOB = 4 * 1024 ** 3;

function clientFor(reference: string, options: RegistryOptions): { client: RegistryClient; repository: string; tag: string; digest: string | null } {
  const ref = parseImageReference(reference);
  return { client: new RegistryClient({ registry: ref.registry, apiHost: ref.apiHost }, options), repository: ref.repository, tag: ref.tag ?? 'latest', digest: ref.digest };
}

/** Push the database at `dbPath` to `reference` (a tag). Returns the manifest digest. */
export async function pushAdvisoryDb(dbPath: string, reference: string, options: RegistryOptions = {}): Promise<{ digest: string; size: number }> {
  const store = openAdvisoryStore(dbPath); // refuses corrupt or foreign files before anything is sent
  const metadata = store.metadata();
  store.close();
  const compressed = zlib.zstdCompressSync(await readFile(dbPath), { params: { [zlib.constants.ZSTD_c_compressionLevel]: 9 } });
  const { client, repository, tag } = clientFor(reference, options);
  try {
    const config = Buffer.from('{}');
    const configDigest = await client.pushBlob(repository, config);
    const layerDigest = await client.pushBlob(repository, compressed);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_MEDIA_TYPE,
        artifactType: DB_ARTIFACT_TYPE,
        config: { mediaType: EMPTY_CONFIG_MEDIA_TYPE, digest: configDigest, size: config.length },
        layers: [{ mediaType: DB_LAYER_MEDIA_TYPE, digest: layerDigest, size: compressed.length, annotations: { 'org.opencontainers.image.title': 'advisories.sqlite.zst' } }],
        annotations: {
          'org.opencontainers.image.created': metadata.built,
          'dev.sekisho.db.schema': String(metadata.schemaVersion),
          'dev.sekisho.db.sources': metadata.sources.map((s) => `${s.id}=${s.records}`).join(','),
        },
      }),
    );
    const digest = await client.pushManifest(repository, tag, manifest, MANIFEST_MEDIA_TYPE);
    return { digest, size: compressed.length };
  } finally {
    await client.close();
  }
}

/**
 * Pull the database from `reference` into `dbPath`: digest-verified download, decompressed into a
 * temporary file beside the target, opened to check it is a database of this schema, then renamed
 * over the target — a failed pull never replaces a good database.
 */
export async function pullAdvisoryDb(reference: string, dbPath: string, options: RegistryOptions = {}): Promise<{ digest: string; size: number }> {
  const { client, repository, tag, digest } = clientFor(reference, options);
  const temp = join(dirname(dbPath), `.${basename(dbPath)}.pull-${process.pid}`);
  try {
    const manifest = await client.getManifest(repository, digest ?? tag);
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { artifactType?: string; layers?: { mediaType?: string; digest?: string; size?: number }[] };
    const layer = parsed.layers?.find((l) => l.mediaType === DB_LAYER_MEDIA_TYPE);
    if (parsed.artifactType !== DB_ARTIFACT_TYPE || layer?.digest === undefined || typeof layer.size !== 'number') {
      throw new SekishoError('DB_DOWNLOAD', `${reference} is not a Sekisho advisory database artifact (artifactType ${parsed.artifactType ?? 'missing'})`);
    }
    if (layer.size > MAX_DB_BLOB) throw new SekishoError('LIMIT_JSON_SIZE', `database blob of ${layer.size} bytes exceeds ${MAX_DB_BLOB}`);
    await mkdir(dirname(dbPath), { recursive: true });
    const blob = client.blobStream(repository, layer.digest, layer.size, { max: MAX_DB_BLOB });
    await pipeline(blob, zlib.createZstdDecompress(), createWriteStream(temp));
    openAdvisoryStore(temp).close();
    await rename(temp, dbPath);
    return { digest: manifest.digest, size: (await stat(dbPath)).size };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    await client.close();
  }
}
