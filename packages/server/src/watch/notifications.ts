/**
 * Registry notification webhooks turned into scan-image jobs, one per pushed manifest digest:
 * - Docker Distribution (`application/vnd.docker.distribution.events.v1+json`): an envelope
 *   `{ events: [{ action, target: { mediaType, digest, repository, tag?, url? }, request: { host? } }] }`;
 *   only `push` events of manifests count (layer pushes and pulls are ignored);
 * - Harbor webhooks (`{ type: "PUSH_ARTIFACT", event_data: { resources: [{ digest, tag,
 *   resource_url }], repository: { repo_full_name } } }`) and Harbor's CloudEvents form
 *   (`type: "harbor.artifact.pushed"`, the same `data`).
 * The payload is untrusted: its size, its number of events and every field are bounded and
 * checked; each accepted event is rebuilt into a reference core's parser accepts, and its
 * registry must be on the caller's allow list when one is given (a webhook cannot point the
 * workers at any host it likes). A digest is queued once however many events name it.
 */
import { parseImageReference } from '@sekisho/core';
import type { JobQueue, JobRecord } from '../jobs/types.js';

export const NOTIFICATION_MAX_BYTES = 1024 * 1024;
export const NOTIFICATION_MAX_EVENTS = 1000;

export const DISTRIBUTION_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

const MANIFEST_MEDIA_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const MAX_FIELD = 512;

export type NotificationErrorCode = 'NOTIFICATION_INVALID' | 'NOTIFICATION_TOO_LARGE';

/** A payload refused as a whole: the API answers 400 (`NOTIFICATION_INVALID`) or 413 (`NOTIFICATION_TOO_LARGE`). */
export class NotificationError extends Error {
  override readonly name = 'NotificationError';
  readonly code: NotificationErrorCode;

  constructor(code: NotificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type NotificationFormat = 'distribution' | 'harbor';

/** One pushed manifest, as read from a payload. */
export interface PushedImage {
  /** `registry/repository:tag@digest` or `registry/repository@digest`. */
  readonly reference: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string;
}

export interface ParsedNotification {
  readonly format: NotificationFormat;
  readonly images: readonly PushedImage[];
  /** Events that were not manifest pushes or could not be used, with why (index in the payload). */
  readonly ignored: readonly { readonly index: number; readonly reason: string }[];
}

export interface NotificationOptions {
  /**
   * Registries (`host[:port]`) whose pushes are accepted; events naming another are ignored.
   * Absent: any registry (only when the sender is authenticated and trusted).
   */
  readonly allowedRegistries?: readonly string[];
  /**
   * The registry to use when an event does not name its host (Harbor's `resource_url` and
   * Distribution's `request.host` are optional), e.g. the Harbor a webhook policy belongs to.
   */
  readonly defaultRegistry?: string;
  /** Environment recorded with the scans (for policy evaluation). */
  readonly environment?: string;
}

export interface NotificationResult extends ParsedNotification {
  /** The scan-image jobs, one per digest (an already queued one is returned as is). */
  readonly jobs: readonly JobRecord<'scan-image'>[];
}

/** Parses a payload and queues a scan of each pushed digest. Throws NotificationError on a malformed payload. */
export async function handleRegistryNotification(body: unknown, queue: JobQueue, options: NotificationOptions = {}): Promise<NotificationResult> {
  const parsed = parseRegistryNotification(body, options);
  const jobs: JobRecord<'scan-image'>[] = [];
  const seen = new Set<string>();
  for (const image of parsed.images) {
    if (seen.has(image.digest)) continue;
    seen.add(image.digest);
    jobs.push(
      await queue.enqueue(
        'scan-image',
        { reference: image.reference, digest: image.digest, ...(options.environment === undefined ? {} : { environment: options.environment }) },
        { singletonKey: image.digest },
      ),
    );
  }
  return { ...parsed, jobs };
}

/** The pushed manifests of a Distribution or Harbor payload (a JSON text, bytes, or the parsed value). */
export function parseRegistryNotification(body: unknown, options: NotificationOptions = {}): ParsedNotification {
  const value = decode(body);
  if (!isObject(value)) throw invalid('the payload is not a JSON object');
  if ('events' in value) return fromDistribution(value, options);
  if ('event_data' in value || ('specversion' in value && 'data' in value)) return fromHarbor(value, options);
  throw invalid('neither a Docker Distribution envelope (events) nor a Harbor webhook (type, event_data)');
}

function decode(body: unknown): unknown {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (bytes > NOTIFICATION_MAX_BYTES) throw new NotificationError('NOTIFICATION_TOO_LARGE', `the payload is larger than ${NOTIFICATION_MAX_BYTES} bytes`);
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw invalid('the payload is not valid JSON');
    }
  }
  return body;
}

function fromDistribution(envelope: Record<string, unknown>, options: NotificationOptions): ParsedNotification {
  const events = envelope['events'];
  if (!Array.isArray(events)) throw invalid('events is not a list');
  if (events.length > NOTIFICATION_MAX_EVENTS) throw new NotificationError('NOTIFICATION_TOO_LARGE', `more than ${NOTIFICATION_MAX_EVENTS} events`);
  const images: PushedImage[] = [];
  const ignored: { index: number; reason: string }[] = [];
  events.forEach((event: unknown, index) => {
    if (!isObject(event)) return void ignored.push({ index, reason: 'not an object' });
    if (event['action'] !== 'push') return void ignored.push({ index, reason: `action ${short(event['action'])} is not a push` });
    const target = event['target'];
    if (!isObject(target)) return void ignored.push({ index, reason: 'no target' });
    const mediaType = typeof target['mediaType'] === 'string' ? (target['mediaType'].split(';')[0] ?? '').trim() : '';
    if (!MANIFEST_MEDIA_TYPES.has(mediaType)) return void ignored.push({ index, reason: `target ${short(target['mediaType'])} is not an image manifest` });
    const request = isObject(event['request']) ? event['request'] : {};
    const host = field(request['host']) ?? hostOfUrl(field(target['url'])) ?? options.defaultRegistry ?? null;
    const image = pushed(host, field(target['repository']), target['tag'], field(target['digest']), options);
    if (typeof image === 'string') ignored.push({ index, reason: image });
    else images.push(image);
  });
  return { format: 'distribution', images, ignored };
}

const HARBOR_PUSH_TYPES = new Set(['PUSH_ARTIFACT', 'pushImage', 'harbor.artifact.pushed']);

function fromHarbor(payload: Record<string, unknown>, options: NotificationOptions): ParsedNotification {
  const type = payload['type'];
  const data = payload['event_data'] ?? payload['data'];
  if (!isObject(data)) throw invalid('event_data is not an object');
  if (typeof type !== 'string' || !HARBOR_PUSH_TYPES.has(type)) return { format: 'harbor', images: [], ignored: [{ index: 0, reason: `event type ${short(type)} is not an artifact push` }] };
  const resources = data['resources'];
  if (!Array.isArray(resources)) throw invalid('event_data.resources is not a list');
  if (resources.length > NOTIFICATION_MAX_EVENTS) throw new NotificationError('NOTIFICATION_TOO_LARGE', `more than ${NOTIFICATION_MAX_EVENTS} resources`);
  const repo = isObject(data['repository']) ? data['repository'] : {};
  const fullName = field(repo['repo_full_name']) ?? (field(repo['namespace']) && field(repo['name']) ? `${field(repo['namespace'])}/${field(repo['name'])}` : null);
  const images: PushedImage[] = [];
  const ignored: { index: number; reason: string }[] = [];
  resources.forEach((resource: unknown, index) => {
    if (!isObject(resource)) return void ignored.push({ index, reason: 'not an object' });
    const url = field(resource['resource_url']);
    // `harbor.example/library/nginx:1.0` or `…@sha256:…`: its host is the registry.
    const host = url !== null && url.includes('/') ? url.slice(0, url.indexOf('/')) : (options.defaultRegistry ?? null);
    const image = pushed(host, fullName, resource['tag'], field(resource['digest']), options);
    if (typeof image === 'string') ignored.push({ index, reason: image });
    else images.push(image);
  });
  return { format: 'harbor', images, ignored };
}

/** One pushed image, checked by rebuilding its reference through core's parser; or why not. */
function pushed(host: string | null, repository: string | null, rawTag: unknown, digest: string | null, options: NotificationOptions): PushedImage | string {
  // An absent tag is a push by digest; a tag that is there but malformed makes the event unusable.
  const tag = rawTag === undefined || rawTag === null || rawTag === '' ? null : field(rawTag);
  if (tag === null && !(rawTag === undefined || rawTag === null || rawTag === '')) return `not a tag: ${short(rawTag)}`;
  if (digest === null || !DIGEST.test(digest)) return 'no manifest digest (sha256:… or sha512:…)';
  if (host === null) return 'the event does not name its registry host (set a default registry)';
  if (repository === null) return 'no repository';
  const text = `${host}/${repository}${tag === null ? '' : `:${tag}`}@${digest}`;
  let ref;
  try {
    ref = parseImageReference(text);
  } catch {
    return `not a valid image reference: ${short(text)}`;
  }
  if (ref.registry !== host.toLowerCase() && ref.registry !== host) return `not a registry host: ${short(host)}`;
  if (options.allowedRegistries !== undefined && !options.allowedRegistries.includes(ref.registry)) return `registry ${short(ref.registry)} is not watched`;
  const reference = `${ref.registry}/${ref.repository}${ref.tag === null ? '' : `:${ref.tag}`}@${digest}`;
  return { reference, registry: ref.registry, repository: ref.repository, tag: ref.tag, digest };
}

function hostOfUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.host : null;
  } catch {
    return null;
  }
}

function field(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD && !hasControlCharacter(value) && !/\s/.test(value) ? value : null;
}

/** True when the text holds an ASCII control character (U+0000-U+001F or U+007F). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function short(value: unknown): string {
  // JSON.stringify gives undefined (not a string, whatever its type says) for undefined, functions and symbols.
  const text = typeof value === 'string' ? value : ((JSON.stringify(value) as string | undefined) ?? String(value));
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 59)}…` : text);
}

function invalid(message: string): NotificationError {
  return new NotificationError('NOTIFICATION_INVALID', message);
}
