import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { SekishoError } from '../../errors.js';
import { deadlineError } from '../../util/deadline.js';
import { digestOf, parseDigest } from '../digest.js';
import { MAX_MANIFEST_BYTES } from '../resolve-image.js';
import { MEDIA_TYPES } from '../schema.js';
import { Authenticator } from './auth.js';
import { findCredentials } from './credentials.js';
import type { RegistryOptions, RegistryRequestKind } from './options.js';
import { Transport, describe, failure, header, readBounded } from './transport.js';
import type { HttpResponse, TransportDeps } from './transport.js';
import { RING_BUFFER_BYTES, takeRing } from '../read-rings.js';

/*
 * An OCI Distribution client (github.com/opencontainers/distribution-spec spec.md, v1.1):
 * pull manifests and blobs, list tags and repositories, list referrers, push blobs and manifests.
 */

/** Every manifest type Sekisho reads; schema 1 is accepted only to be recognised and refused. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerSchema1Signed, MEDIA_TYPES.dockerSchema1].join(
  ', ',
);

const MAX_LIST_BYTES = 4 * 1024 * 1024;
const MAX_PAGES = 10_000;
const PAGE_SIZE = 1000;
const MAX_RESUMES = 5;
/** The size of the read rings' buffers (read-rings.ts), so that a finished layer's ring serves the next. */
const COALESCE_BYTES = RING_BUFFER_BYTES;

export interface FetchedManifest {
  readonly bytes: Buffer;
  /** Digest of `bytes` (computed here, and checked against the one asked for or announced). */
  readonly digest: string;
  readonly mediaType: string | null;
  readonly size: number;
}

/** A descriptor as listed by the referrers API (OCI image-spec descriptor.md). */
export interface ReferrerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ListOptions {
  /** Stop after this many entries (default 100 000). */
  readonly max?: number;
  /** Entries asked for per page (`n`, default 1000). */
  readonly pageSize?: number;
  /** Most pages followed; a registry still announcing a next page after these fails (default 10 000). */
  readonly maxPages?: number;
}

export interface RegistryTarget {
  /** As in references: `docker.io`, `host:port`; used to find credentials. */
  readonly registry: string;
  /** Where the API is served: `registry-1.docker.io`, `host:port`. */
  readonly apiHost: string;
}

function isSchema1(mediaType: string | null, bytes: Buffer): boolean {
  if (mediaType === MEDIA_TYPES.dockerSchema1 || mediaType === MEDIA_TYPES.dockerSchema1Signed) return true;
  // Some registries send schema 1 as application/json: look at schemaVersion without a full parse.
  return /^\s*\{[^]{0,200}?"schemaVersion"\s*:\s*1\s*[,}]/.test(bytes.subarray(0, 256).toString('utf8'));
}

export function scopeFor(repository: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repository}:${actions}`;
}

/** How `RegistryClient.blobStream` hands out a blob. */
export interface BlobStreamOptions {
  /** Most bytes taken when the size is not known (default: no bound beyond the stated size). */
  readonly max?: number;
  /** Lend the chunks (two reused buffers) instead of giving new ones; see blobStream. */
  readonly lend?: boolean;
}

/** One registry: its transport, its authorization state, its API. */
export class RegistryClient {
  readonly target: RegistryTarget;
  readonly transport: Transport;
  readonly #options: RegistryOptions;
  #base: Promise<URL> | null = null;
  #auth: Authenticator | null = null;

  constructor(target: RegistryTarget, options: RegistryOptions = {}, deps: TransportDeps = {}) {
    this.target = target;
    this.#options = options;
    this.transport = new Transport(options, deps);
  }

  /** `https://host`, or for an --insecure-registry host whichever of HTTPS (unverified) and HTTP answers. */
  baseUrl(): Promise<URL> {
    this.#base ??= this.#probe();
    return this.#base;
  }

  async #probe(): Promise<URL> {
    const https = new URL(`https://${this.target.apiHost}/`);
    if (!this.transport.isInsecure(this.target.apiHost)) return https;
    try {
      const res = await this.transport.send({ method: 'GET', url: new URL('/v2/', https), kind: 'ping', attempts: 1 });
      await res.body.dump({ limit: 4096 }).catch(() => undefined);
      return https;
    } catch (error) {
      if (error instanceof SekishoError && error.code === 'REGISTRY_HTTP') return new URL(`http://${this.target.apiHost}/`);
      throw error;
    }
  }

  async #authenticator(): Promise<Authenticator> {
    if (this.#auth === null) {
      const base = await this.baseUrl();
      this.#auth = new Authenticator(this.transport, base, () => findCredentials(this.target.registry, this.#options));
    }
    return this.#auth;
  }

  /** A request to this registry with authorization: one challenge is answered, then a 401 is final. */
  async request(req: {
    method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH';
    path: string;
    kind: RegistryRequestKind;
    scope: string;
    headers?: Record<string, string>;
    body?: Buffer;
    acceptStatus?: (status: number) => boolean;
  }): Promise<HttpResponse> {
    const base = await this.baseUrl();
    const url = new URL(req.path, base);
    if (url.origin !== base.origin && req.kind !== 'upload') throw new SekishoError('REGISTRY_PROTOCOL', `refusing to follow ${describe(url)}: not on ${base.origin}`);
    const auth = await this.#authenticator();
    for (let round = 0; ; round++) {
      const res = await this.transport.send({
        method: req.method,
        url,
        kind: req.kind,
        ...(req.headers === undefined ? {} : { headers: req.headers }),
        ...(req.body === undefined ? {} : { body: req.body }),
        ...(req.acceptStatus === undefined ? {} : { acceptStatus: req.acceptStatus }),
        authorization: (target) => auth.authorization(target, req.scope),
      });
      if (res.status !== 401) return res;
      if (round >= 1) {
        await res.body.dump({ limit: 4096 }).catch(() => undefined);
        const withheld = auth.withheld === null ? '' : `; ${auth.withheld}`;
        throw new SekishoError('REGISTRY_AUTH', `${describe(res.url)}: access denied (401) after authenticating for ${req.scope}${withheld}`);
      }
      await auth.answer(res, req.scope);
    }
  }

  /** A manifest by tag or digest, size-bounded, digest-verified, schema 1 refused. */
  async getManifest(repository: string, reference: string, options: { accept?: string } = {}): Promise<FetchedManifest> {
    const image = `${this.target.registry}/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const res = await this.request({
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      kind: 'manifest',
      scope: scopeFor(repository, 'pull'),
      headers: { accept: options.accept ?? MANIFEST_ACCEPT },
    });
    if (res.status === 404) {
      await res.body.dump({ limit: 4096 }).catch(() => undefined);
      throw new SekishoError('SOURCE_NOT_FOUND', `no manifest ${reference} in ${this.target.registry}/${repository}`, { where: { image } });
    }
    if (res.status !== 200) throw (await failure(res)).withWhere({ image });
    const bytes = await readBounded(res, MAX_MANIFEST_BYTES, 'manifest', { transport: this.transport }).catch((error: unknown) => {
      throw error instanceof SekishoError ? error.withWhere({ image }) : error;
    });
    const contentType = header(res, 'content-type')?.split(';')[0]?.trim() ?? null;
    if (isSchema1(contentType, bytes)) {
      throw new SekishoError('SOURCE_SCHEMA1', 'Docker image manifest schema 1 is deprecated and not supported; re-push the image with a current tool', { where: { image } });
    }
    const byDigest = /^[a-z0-9+._-]+:[0-9a-fA-F]{32,}$/.test(reference);
    const expected = byDigest ? reference : header(res, 'docker-content-digest');
    const algorithm = expected !== null && expected.includes(':') ? expected.slice(0, expected.indexOf(':')) : 'sha256';
    if (byDigest) parseDigest(reference, { image });
    const actual = digestOf(bytes, algorithm === 'sha512' ? 'sha512' : 'sha256');
    if (expected !== null && (algorithm === 'sha256' || algorithm === 'sha512') && actual !== expected) {
      throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `manifest digest mismatch: ${byDigest ? 'asked for' : 'the registry announced'} ${expected}, the content hashes to ${actual}`, {
        where: { image },
      });
    }
    return { bytes, digest: actual, mediaType: contentType === 'application/json' || contentType === '' ? null : contentType, size: bytes.length };
  }

  /** HEAD a manifest: its digest, media type and size without the body; null when absent. */
  async headManifest(repository: string, reference: string): Promise<{ digest: string | null; mediaType: string | null; size: number | null } | null> {
    const res = await this.request({ method: 'HEAD', path: `/v2/${repository}/manifests/${reference}`, kind: 'manifest', scope: scopeFor(repository, 'pull'), headers: { accept: MANIFEST_ACCEPT } });
    await res.body.dump({ limit: 0 }).catch(() => undefined);
    if (res.status === 404) return null;
    if (res.status !== 200) throw await failure(res);
    const length = Number(header(res, 'content-length'));
    return { digest: header(res, 'docker-content-digest'), mediaType: header(res, 'content-type'), size: Number.isFinite(length) ? length : null };
  }

  /** A small blob (a config), read whole within `max` bytes and verified against `digest`. */
  async readBlob(repository: string, digest: string, max: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.blobStream(repository, digest, null, { max })) {
      size += chunk.length;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }

  /**
   * A blob as a stream: redirects followed (credentials stay with the registry), a dropped
   * connection resumed with a Range request, never more than `size` (or `max`) bytes taken,
   * and the digest checked at the end (INTEGRITY_DIGEST_MISMATCH / INTEGRITY_SIZE_MISMATCH).
   *
   * With `lend`, the chunks are gathered in two buffers used in turn and lent as LayerRef.openBlob
   * lends them (each valid until the consumer asks for the second chunk after it): a layer's
   * megabytes then make no garbage beyond the socket's own reads. Without it each chunk is new.
   */
  async *blobStream(repository: string, digest: string, size: number | null, options: BlobStreamOptions = {}): AsyncGenerator<Buffer> {
    const { max = Number.MAX_SAFE_INTEGER, lend = false } = options;
    const where = { image: `${this.target.registry}/${repository}`, layer: digest };
    const { algorithm } = parseDigest(digest, where);
    const hash = createHash(algorithm);
    const limit = size ?? max;
    const reading = `reading blob ${digest} from ${this.target.apiHost}`;
    let received = 0;
    // Socket reads come in 64 KiB pieces; handing the decompressor ~1 MiB at a time halves the
    // per-chunk cost of the pipeline behind (measured: bench/registry-bench.mjs).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const take = (): Buffer => {
      const out = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return out;
    };
    // Lent chunks: a buffer is filled only when the consumer asks for the next chunk, so two of a
    // read ring's three, used in turn, keep the loan's promise.
    let ring: readonly Buffer[] | null = null;
    let turn = 0;
    let slot: Buffer | null = null;
    let filled = 0;
    const nextSlot = (): Buffer => {
      ring ??= takeRing(COALESCE_BYTES);
      return ring[turn++ % 2] as Buffer;
    };
    for (let attempt = 0; ; attempt++) {
      const res = await this.request({
        method: 'GET',
        path: `/v2/${repository}/blobs/${digest}`,
        kind: 'blob',
        scope: scopeFor(repository, 'pull'),
        headers: received > 0 ? { range: `bytes=${received}-` } : {},
        acceptStatus: (status) => status === 416,
      });
      if (res.status === 416) {
        await res.body.dump({ limit: 4096 }).catch(() => undefined);
        throw new SekishoError('INTEGRITY_SIZE_MISMATCH', `blob truncated: the registry has ${received} bytes${size === null ? '' : `, the manifest says ${size}`}`, { where });
      }
      if (res.status === 404) {
        await res.body.dump({ limit: 4096 }).catch(() => undefined);
        throw new SekishoError('SOURCE_MISSING_BLOB', `the registry has no blob ${digest}`, { where });
      }
      if (res.status !== 200 && res.status !== 206) throw (await failure(res)).withWhere(where);
      let skip = 0;
      if (received > 0) {
        if (res.status === 200) {
          skip = received; // the server ignored Range: drop what was already taken
        } else {
          const start = /^bytes (\d+)-/.exec(header(res, 'content-range') ?? '')?.[1];
          if (start === undefined || Number(start) !== received) {
            res.body.destroy();
            throw new SekishoError('REGISTRY_PROTOCOL', `resumed blob read starts at byte ${start ?? '?'}, not ${received}`, { where });
          }
        }
      } else if (res.status === 206) {
        res.body.destroy();
        throw new SekishoError('REGISTRY_PROTOCOL', 'the registry answered a whole-blob request with a partial response', { where });
      }
      const declared = Number(header(res, 'content-length') ?? Number.NaN);
      if (Number.isFinite(declared) && received + declared - skip > limit) {
        res.body.destroy();
        throw size === null
          ? new SekishoError('LIMIT_JSON_SIZE', `blob ${digest} is ${declared} bytes, over the ${max}-byte limit`, { where })
          : new SekishoError('INTEGRITY_SIZE_MISMATCH', `blob is ${received + declared - skip} bytes, the manifest says ${size}`, { where });
      }
      const before = received;
      let ended = false;
      let dropped: unknown = null;
      const guard = this.transport.guard(res, reading, where);
      try {
        for await (const raw of res.body as AsyncIterable<Buffer>) {
          guard.add(raw.length);
          let chunk = raw;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          received += chunk.length;
          if (received > limit) {
            throw size === null
              ? new SekishoError('LIMIT_JSON_SIZE', `blob ${digest} is over the ${max}-byte limit`, { where })
              : new SekishoError('INTEGRITY_SIZE_MISMATCH', `the registry sent more than the ${size} bytes the manifest states`, { where });
          }
          hash.update(chunk);
          // Check the digest before the last bytes go on, so a wrong blob fails as INTEGRITY_* and
          // not as whatever the decompressor makes of its trailer.
          if (received === size) verifyHash(hash, digest, where);
          if (lend) {
            for (let at = 0; at < chunk.length;) {
              slot ??= nextSlot();
              const copied = chunk.copy(slot, filled, at);
              at += copied;
              filled += copied;
              if (filled === slot.length || (received === size && at === chunk.length)) {
                const out = slot.subarray(0, filled);
                slot = null;
                filled = 0;
                guard.pause();
                yield out;
                guard.resume();
              }
            }
            continue;
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= COALESCE_BYTES || received === size) {
            guard.pause();
            yield take();
            guard.resume();
          }
        }
        ended = true;
      } catch (error) {
        const signal = this.transport.signal;
        if (signal?.aborted === true) throw deadlineError(signal, reading).withWhere(where);
        if (error instanceof SekishoError) throw error;
        dropped = error;
      } finally {
        guard.stop();
        res.body.destroy();
      }
      if (size === null ? ended : received === size) break;
      // Short: the connection dropped (resume), or the registry holds less than the manifest says.
      if (attempt >= MAX_RESUMES || (received === before && attempt > 0)) {
        throw new SekishoError('INTEGRITY_SIZE_MISMATCH', `blob truncated: received ${received} of ${size ?? '?'} bytes after ${attempt + 1} attempts`, {
          where,
          ...(dropped === null ? {} : { cause: dropped }),
        });
      }
      await this.transport.pause(attempt + 1, reading);
    }
    if (size === null || size === 0) verifyHash(hash, digest, where);
    if (pendingBytes > 0) yield take();
    if (slot !== null && filled > 0) yield slot.subarray(0, filled);
  }

  /** Tags of a repository, following `Link` pagination (`n`/`last`). */
  async listTags(repository: string, options: ListOptions = {}): Promise<string[]> {
    return this.#paginate(`/v2/${repository}/tags/list`, 'tags', scopeFor(repository, 'pull'), 'tags', options);
  }

  /** Repositories from `/v2/_catalog` (not every registry offers it). */
  async catalog(options: ListOptions = {}): Promise<string[]> {
    return this.#paginate('/v2/_catalog', 'catalog', 'registry:catalog:*', 'repositories', options);
  }

  /**
   * Follow `Link: <…>; rel="next"` pages. Pagination ends at the last page, at `max` entries (the
   * caller's bound, e.g. --max-tags), or at the first page that adds no name not seen before: a
   * registry handing out empty or repeated pages with fresh links would otherwise be followed
   * page after page. A registry still announcing a next page after `maxPages` pages fails
   * (REGISTRY_PROTOCOL) rather than yielding a silently truncated list.
   */
  async #paginate(path: string, kind: RegistryRequestKind, scope: string, field: 'tags' | 'repositories', options: ListOptions): Promise<string[]> {
    const max = options.max ?? 100_000;
    const maxPages = options.maxPages ?? MAX_PAGES;
    const base = await this.baseUrl();
    const names = new Set<string>();
    let next: string | null = `${path}?n=${options.pageSize ?? PAGE_SIZE}`;
    const seen = new Set<string>();
    for (let page = 0; next !== null && names.size < max; page++) {
      if (page >= maxPages) {
        throw new SekishoError('REGISTRY_PROTOCOL', `${base.origin}${path}: the ${field} list goes on past ${maxPages} pages (${names.size} names so far); refusing a truncated list`);
      }
      if (seen.has(next)) throw new SekishoError('REGISTRY_PROTOCOL', `${base.origin}${path}: pagination loops`);
      seen.add(next);
      const res = await this.request({ method: 'GET', path: next, kind, scope });
      if (res.status === 404 && field === 'tags') {
        await res.body.dump({ limit: 4096 }).catch(() => undefined);
        throw new SekishoError('SOURCE_NOT_FOUND', `no repository ${path.slice(4, -10)} on ${this.target.registry}`);
      }
      if (res.status !== 200) throw await failure(res);
      const body = await readBounded(res, MAX_LIST_BYTES, `${field} list`, { transport: this.transport });
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch (error) {
        throw new SekishoError('REGISTRY_PROTOCOL', `${base.origin}${path}: the ${field} list is not JSON`, { cause: error });
      }
      const list = parsed[field];
      if (list !== null && list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))) {
        throw new SekishoError('REGISTRY_PROTOCOL', `${base.origin}${path}: "${field}" is not a list of strings`);
      }
      const before = names.size;
      for (const entry of (list ?? []) as string[]) if (names.size < max) names.add(entry);
      next = nextLink(header(res, 'link'), base, path);
      // A page with nothing new ends the listing, whatever its Link says.
      if (names.size === before) break;
    }
    return [...names];
  }

  /**
   * Referrers of a manifest (OCI distribution-spec v1.1 "Listing Referrers"), with the
   * tag-schema fallback (`<alg>-<hex>` tag holding an index) for registries without the API.
   */
  async referrers(repository: string, digest: string, options: { artifactType?: string } = {}): Promise<ReferrerDescriptor[]> {
    const { algorithm, hex } = parseDigest(digest);
    const query = options.artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(options.artifactType)}`;
    const res = await this.request({
      method: 'GET',
      path: `/v2/${repository}/referrers/${digest}${query}`,
      kind: 'referrers',
      scope: scopeFor(repository, 'pull'),
      headers: { accept: MEDIA_TYPES.ociIndex },
    });
    let index: Buffer;
    let filtered = false;
    const contentType = header(res, 'content-type')?.split(';')[0]?.trim();
    if (res.status === 200 && contentType === MEDIA_TYPES.ociIndex) {
      filtered = (header(res, 'oci-filters-applied') ?? '')
        .split(',')
        .map((s) => s.trim())
        .includes('artifactType');
      index = await readBounded(res, MAX_MANIFEST_BYTES, 'referrers index', { transport: this.transport });
    } else {
      await res.body.dump({ limit: 4096 }).catch(() => undefined);
      if (res.status !== 404 && res.status !== 200 && res.status !== 400 && res.status !== 405) throw await failure(res);
      try {
        index = (await this.getManifest(repository, `${algorithm}-${hex}`, { accept: MEDIA_TYPES.ociIndex })).bytes;
      } catch (error) {
        if (error instanceof SekishoError && error.code === 'SOURCE_NOT_FOUND') return [];
        throw error;
      }
    }
    const list = parseReferrers(index);
    return options.artifactType === undefined || filtered ? list : list.filter((d) => d.artifactType === options.artifactType);
  }

  /** Whether the registry holds a blob. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const res = await this.request({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}`, kind: 'blob', scope: scopeFor(repository, 'pull,push') });
    await res.body.dump({ limit: 0 }).catch(() => undefined);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await failure(res);
  }

  /** Upload a blob (POST then monolithic PUT), skipped when the registry has it. Returns its digest. */
  async pushBlob(repository: string, bytes: Buffer): Promise<string> {
    const digest = digestOf(bytes);
    if (await this.hasBlob(repository, digest)) return digest;
    const scope = scopeFor(repository, 'pull,push');
    const start = await this.request({ method: 'POST', path: `/v2/${repository}/blobs/uploads/`, kind: 'upload', scope, headers: { 'content-length': '0' } });
    if (start.status !== 202) throw await failure(start);
    await start.body.dump({ limit: 4096 }).catch(() => undefined);
    const location = header(start, 'location');
    if (location === null) throw new SekishoError('REGISTRY_PROTOCOL', 'the registry started an upload without a Location');
    const base = await this.baseUrl();
    const url = new URL(location, base);
    if (url.origin !== base.origin) throw new SekishoError('REGISTRY_PROTOCOL', `upload location ${url.origin} is not on ${base.origin}`);
    url.searchParams.set('digest', digest);
    const put = await this.request({
      method: 'PUT',
      path: `${url.pathname}${url.search}`,
      kind: 'upload',
      scope,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
    });
    if (put.status !== 201) throw await failure(put);
    await put.body.dump({ limit: 4096 }).catch(() => undefined);
    return digest;
  }

  /** Upload a manifest under a tag or its digest. Returns the digest the content has. */
  async pushManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    if (bytes.length > MAX_MANIFEST_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', `manifest is ${bytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit`);
    const digest = digestOf(bytes);
    const res = await this.request({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      kind: 'manifest',
      scope: scopeFor(repository, 'pull,push'),
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (res.status !== 201 && res.status !== 200) throw await failure(res);
    await res.body.dump({ limit: 4096 }).catch(() => undefined);
    const announced = header(res, 'docker-content-digest');
    if (announced !== null && announced.startsWith('sha256:') && announced !== digest) {
      throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `the registry stored the manifest as ${announced}, its content is ${digest}`);
    }
    return digest;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

function verifyHash(hash: Hash, digest: string, where: { image: string; layer: string }): void {
  const actual = `${digest.slice(0, digest.indexOf(':'))}:${hash.digest('hex')}`;
  if (actual !== digest) throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `blob digest mismatch: expected ${digest}, got ${actual}`, { where });
}

/** The `rel="next"` target of a Link header (RFC 8288), kept on the same origin and endpoint. */
export function nextLink(link: string | null, base: URL, path: string): string | null {
  if (link === null) return null;
  for (const part of link.slice(0, 8192).split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null || !/rel="?next"?/.test(match[2] ?? '')) continue;
    const url = new URL(match[1] ?? '', base);
    if (url.origin !== base.origin || url.pathname !== path) throw new SekishoError('REGISTRY_PROTOCOL', `pagination link leads off ${base.origin}${path}`);
    return `${url.pathname}${url.search}`;
  }
  return null;
}

function parseReferrers(bytes: Buffer): ReferrerDescriptor[] {
  let parsed: { manifests?: unknown };
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as { manifests?: unknown };
  } catch (error) {
    throw new SekishoError('REGISTRY_PROTOCOL', 'the referrers index is not JSON', { cause: error });
  }
  if (!Array.isArray(parsed.manifests)) return [];
  const out: ReferrerDescriptor[] = [];
  for (const m of parsed.manifests.slice(0, 10_000) as Record<string, unknown>[]) {
    if (typeof m !== 'object' || m === null || typeof m['digest'] !== 'string' || typeof m['mediaType'] !== 'string' || typeof m['size'] !== 'number') continue;
    const annotations = m['annotations'];
    out.push({
      mediaType: m['mediaType'],
      digest: m['digest'],
      size: m['size'],
      ...(typeof m['artifactType'] === 'string' ? { artifactType: m['artifactType'] } : {}),
      ...(typeof annotations === 'object' && annotations !== null ? { annotations: annotations as Record<string, string> } : {}),
    });
  }
  return out;
}
